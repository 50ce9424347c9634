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
