"""Code lists named in the glossary (domain.md); shared by tables and the API."""

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    DISTRICT = "DISTRICT"


class DepartmentLevel(StrEnum):
    CITY = "CITY"
    DISTRICT = "DISTRICT"


class EntityType(StrEnum):
    """Kinds of market entity (市场主体类型)."""

    COMPANY = "COMPANY"  # 公司
    PARTNERSHIP = "PARTNERSHIP"  # 合伙企业
    SOLE_PROPRIETORSHIP = "SOLE_PROPRIETORSHIP"  # 个人独资企业
    BRANCH = "BRANCH"  # 分支机构
    SOLE_TRADER = "SOLE_TRADER"  # 个体工商户
    COOPERATIVE = "COOPERATIVE"  # 农民专业合作社
    OTHER = "OTHER"


class EntityStatus(StrEnum):
    ACTIVE = "ACTIVE"  # 存续
    REVOKED = "REVOKED"  # 吊销
    DEREGISTERED = "DEREGISTERED"  # 注销


class PersonRole(StrEnum):
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"  # 法定代表人 / 负责人 / 经营者
    SHAREHOLDER = "SHAREHOLDER"  # 股东 / 出资人
    EXECUTIVE = "EXECUTIVE"  # 董事、监事、高级管理人员


class DataQualityIssue(StrEnum):
    """Why a registry row is on the maintainers' data-quality list."""

    USCC_CHECK_CHARACTER = "USCC_CHECK_CHARACTER"
    ORGANISATION_CODE_CHECK = "ORGANISATION_CODE_CHECK"


class MatterMode(StrEnum):
    """谁审批谁负责 (审管一体) or 谁主管谁负责 (审管分离)."""

    APPROVAL = "APPROVAL"
    COMPETENT = "COMPETENT"


class ApprovalLevel(StrEnum):
    """The level at which a matter is approved."""

    DISTRICT = "DISTRICT"
    CITY = "CITY"
    PROVINCE = "PROVINCE"
    NATIONAL = "NATIONAL"


class NoticeStatus(StrEnum):
    """双告知: PUSHED → CLAIMED → FEEDBACK_GIVEN, PUSHED → FORWARDED, PUSHED → RETURNED.
    OVERDUE is derived from the deadline, never stored."""

    PUSHED = "PUSHED"
    CLAIMED = "CLAIMED"
    FORWARDED = "FORWARDED"
    RETURNED = "RETURNED"
    FEEDBACK_GIVEN = "FEEDBACK_GIVEN"


class FeedbackKind(StrEnum):
    """双反馈: what the department reports after claiming."""

    LICENSE_GRANTED = "LICENSE_GRANTED"  # 已取得许可
    APPLIED_PENDING = "APPLIED_PENDING"  # 已申请，审批中
    NOT_APPLIED = "NOT_APPLIED"  # 尚未申请（许可前跟踪）
    NO_LICENSE_NEEDED = "NO_LICENSE_NEEDED"  # 无需许可


class Role(StrEnum):
    """What a token or a user may do: a department's work, or catalog maintenance."""

    DEPARTMENT = "DEPARTMENT"
    MAINTAINER = "MAINTAINER"


class LicenseCategory(StrEnum):
    """许可类别 of the 双公示 format (codes 01–06)."""

    ORDINARY = "ORDINARY"  # 01 普通
    FRANCHISE = "FRANCHISE"  # 02 特许
    ACCREDITATION = "ACCREDITATION"  # 03 认可
    VERIFICATION = "VERIFICATION"  # 04 核准
    REGISTRATION = "REGISTRATION"  # 05 登记
    OTHER = "OTHER"  # 06 其他


class PenaltyCategory(StrEnum):
    """处罚类别: the list of the Administrative Penalty Law as revised in 2021."""

    WARNING = "WARNING"  # 警告
    CIRCULATED_CRITICISM = "CIRCULATED_CRITICISM"  # 通报批评
    FINE = "FINE"  # 罚款
    CONFISCATION_OF_ILLEGAL_GAINS = "CONFISCATION_OF_ILLEGAL_GAINS"  # 没收违法所得
    CONFISCATION_OF_PROPERTY = "CONFISCATION_OF_PROPERTY"  # 没收非法财物
    LICENSE_SUSPENSION = "LICENSE_SUSPENSION"  # 暂扣许可证件
    QUALIFICATION_DOWNGRADE = "QUALIFICATION_DOWNGRADE"  # 降低资质等级
    LICENSE_REVOCATION = "LICENSE_REVOCATION"  # 吊销许可证件
    BUSINESS_RESTRICTION = "BUSINESS_RESTRICTION"  # 限制开展生产经营活动
    SUSPENSION_OF_BUSINESS = "SUSPENSION_OF_BUSINESS"  # 责令停产停业
    CLOSURE = "CLOSURE"  # 责令关闭
    EMPLOYMENT_RESTRICTION = "EMPLOYMENT_RESTRICTION"  # 限制从业
    DETENTION = "DETENTION"  # 行政拘留
    OTHER = "OTHER"  # 其他


class RecordStatus(StrEnum):
    """A license's or penalty's standing."""

    EFFECTIVE = "EFFECTIVE"  # 有效
    REVOKED = "REVOKED"  # 已吊销 (a license, by a penalty of 吊销许可证件)
    WITHDRAWN = "WITHDRAWN"  # 已撤销 / 撤回 (the decision was annulled)
    REPAIRED = "REPAIRED"  # 已信用修复 (leaves the public view early)


class ComplaintCategory(StrEnum):
    """12345 complaint categories kept by the platform."""

    PRODUCT_QUALITY = "PRODUCT_QUALITY"  # 产品质量
    FOOD_SAFETY = "FOOD_SAFETY"  # 食品安全
    PRICE = "PRICE"  # 价格收费
    CONSUMER_CONTRACT = "CONSUMER_CONTRACT"  # 消费合同与售后
    ADVERTISING = "ADVERTISING"  # 广告与虚假宣传
    SERVICE_QUALITY = "SERVICE_QUALITY"  # 服务质量
    SAFETY = "SAFETY"  # 安全隐患
    ENVIRONMENT = "ENVIRONMENT"  # 环境污染
    LABOUR = "LABOUR"  # 劳动用工
    OTHER = "OTHER"  # 其他


class ListingKind(StrEnum):
    ABNORMAL_OPERATION = "ABNORMAL_OPERATION"  # 经营异常名录
    SERIOUS_DISHONEST = "SERIOUS_DISHONEST"  # 严重违法失信名单


class ListingReason(StrEnum):
    """Why an entity is listed: the four legal reasons of 经营异常名录, or the serious list's own."""

    ANNUAL_REPORT = "ANNUAL_REPORT"  # 未按规定报送年度报告
    INSTANT_DISCLOSURE = "INSTANT_DISCLOSURE"  # 未按规定公示即时信息
    FALSE_DISCLOSURE = "FALSE_DISCLOSURE"  # 公示信息隐瞒真实情况、弄虚作假
    UNREACHABLE = "UNREACHABLE"  # 通过登记的住所或者经营场所无法联系
    SERIOUS_VIOLATION = "SERIOUS_VIOLATION"  # 严重违法失信行为


class RemovalReason(StrEnum):
    CURED = "CURED"  # 已改正（补报年报、恢复联系等）
    CREDIT_REPAIR = "CREDIT_REPAIR"  # 信用修复
    EXPIRY = "EXPIRY"  # 期满


class DisciplineLevel(StrEnum):
    NONE = "NONE"
    RESTRICTED = "RESTRICTED"  # 经营异常名录
    BANNED = "BANNED"  # 严重违法失信名单


class RiskColour(StrEnum):
    """四色警示, least severe first."""

    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    BLACK = "BLACK"


class ReferralReason(StrEnum):
    LICENSE_REVOKED = "LICENSE_REVOKED"  # 许可证件被吊销
    INSPECTION_FINDING = "INSPECTION_FINDING"  # 检查发现属其他部门职责的违法行为
    ESCALATION_DUE = "ESCALATION_DUE"  # 列入经营异常名录将满 3 年
    MANUAL = "MANUAL"  # 其他
    LISTING_PROPOSAL = "LISTING_PROPOSAL"  # 抽查结果提请列入经营异常名录


class ReferralStatus(StrEnum):
    SENT = "SENT"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    HANDLED = "HANDLED"


class SpotCheckPlanStatus(StrEnum):
    """双随机: DRAFT → APPROVED → DRAWN → IN_PROGRESS → DONE."""

    DRAFT = "DRAFT"  # 草拟（联合抽查待各配合部门确认）
    APPROVED = "APPROVED"  # 已审批（已公布种子承诺值）
    DRAWN = "DRAWN"  # 已抽取
    IN_PROGRESS = "IN_PROGRESS"  # 检查中（已有结果录入）
    DONE = "DONE"  # 已完成（全部结果已公示）


class SampleKind(StrEnum):
    """How a plan sizes its sample."""

    COUNT = "COUNT"  # 按数量
    RATIO = "RATIO"  # 按比例
    COLOUR_RATIO = "COLOUR_RATIO"  # 按风险颜色分别定比例（差异化监管）


class PlanRole(StrEnum):
    LEAD = "LEAD"  # 牵头部门
    PARTNER = "PARTNER"  # 配合部门（部门联合抽查）


class DrawAttemptOutcome(StrEnum):
    DRAWN = "DRAWN"
    REFUSED = "REFUSED"


class InspectionTaskKind(StrEnum):
    DRAWN = "DRAWN"  # 随机抽取
    FOLLOW_UP = "FOLLOW_UP"  # 整改复查 / 后续处理


class InspectionTaskStatus(StrEnum):
    ASSIGNED = "ASSIGNED"  # 待检查
    RECORDED = "RECORDED"  # 已录入结果，待公示
    PUBLISHED = "PUBLISHED"  # 已公示
    REPLACED = "REPLACED"  # 对象已注销或关闭，已替补


class InspectionFinding(StrEnum):
    """One form item's finding in a result (stored in the result's items, not a column)."""

    CONFORMING = "CONFORMING"  # 符合
    NON_CONFORMING = "NON_CONFORMING"  # 不符合
    NOT_CHECKED = "NOT_CHECKED"  # 未检查（不涉及）


class ResultConsequence(StrEnum):
    """What a result category sets in motion (domain.md)."""

    NONE = "NONE"
    ABNORMAL_LISTING_PROPOSAL = "ABNORMAL_LISTING_PROPOSAL"  # 提请登记机关列入经营异常名录
    FOLLOW_UP = "FOLLOW_UP"  # 后续检查任务


class CertificateStatus(StrEnum):
    """An inspector's certificate (执法证) on a given day: derived from its dates, never stored."""

    VALID = "VALID"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
