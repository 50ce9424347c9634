"""Chinese labels of the code lists: shown in the admin pages, written to exported files,
and read back from imported ones, so one table serves all three."""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import Enum
from typing import TypeVar

from models.enums import (
    ApprovalLevel,
    CertificateStatus,
    ComplaintCategory,
    DataQualityIssue,
    DepartmentLevel,
    DisciplineLevel,
    DrawAttemptOutcome,
    EntityStatus,
    EntityType,
    FeedbackKind,
    InspectionFinding,
    InspectionTaskKind,
    InspectionTaskStatus,
    LicenseCategory,
    ListingKind,
    ListingReason,
    MatterMode,
    NoticeStatus,
    PenaltyCategory,
    PersonRole,
    PlanRole,
    RecordStatus,
    ReferralReason,
    ReferralStatus,
    RegionLevel,
    RemovalReason,
    ResultConsequence,
    RiskColour,
    Role,
    SampleKind,
    SpotCheckPlanStatus,
)
from services.platform.principal import PrincipalKind

E = TypeVar("E", bound=Enum)

_LABELS: tuple[tuple[Enum, str], ...] = (
    (RegionLevel.PROVINCE, "省级"),
    (RegionLevel.CITY, "市级"),
    (RegionLevel.DISTRICT, "区县级"),
    (DepartmentLevel.CITY, "市级"),
    (DepartmentLevel.DISTRICT, "区县级"),
    (EntityStatus.ACTIVE, "存续"),
    (EntityStatus.REVOKED, "吊销"),
    (EntityStatus.DEREGISTERED, "注销"),
    (EntityType.COMPANY, "公司"),
    (EntityType.PARTNERSHIP, "合伙企业"),
    (EntityType.SOLE_PROPRIETORSHIP, "个人独资企业"),
    (EntityType.BRANCH, "分支机构"),
    (EntityType.SOLE_TRADER, "个体工商户"),
    (EntityType.COOPERATIVE, "农民专业合作社"),
    (EntityType.OTHER, "其他"),
    (PersonRole.LEGAL_REPRESENTATIVE, "法定代表人"),
    (PersonRole.SHAREHOLDER, "股东"),
    (PersonRole.EXECUTIVE, "董监高"),
    (MatterMode.APPROVAL, "审管一体（谁审批谁负责）"),
    (MatterMode.COMPETENT, "审管分离（谁主管谁负责）"),
    (ApprovalLevel.DISTRICT, "区县级"),
    (ApprovalLevel.CITY, "市级"),
    (ApprovalLevel.PROVINCE, "省级"),
    (ApprovalLevel.NATIONAL, "国家级"),
    (NoticeStatus.PUSHED, "待认领"),
    (NoticeStatus.CLAIMED, "已认领"),
    (NoticeStatus.FORWARDED, "已转交"),
    (NoticeStatus.RETURNED, "已退回"),
    (NoticeStatus.FEEDBACK_GIVEN, "已反馈"),
    (FeedbackKind.LICENSE_GRANTED, "已取得许可"),
    (FeedbackKind.APPLIED_PENDING, "已申请，审批中"),
    (FeedbackKind.NOT_APPLIED, "尚未申请（许可前跟踪）"),
    (FeedbackKind.NO_LICENSE_NEEDED, "无需许可"),
    (Role.MAINTAINER, "目录维护人员"),
    (Role.DEPARTMENT, "部门用户"),
    (LicenseCategory.ORDINARY, "普通"),
    (LicenseCategory.FRANCHISE, "特许"),
    (LicenseCategory.ACCREDITATION, "认可"),
    (LicenseCategory.VERIFICATION, "核准"),
    (LicenseCategory.REGISTRATION, "登记"),
    (LicenseCategory.OTHER, "其他"),
    (PenaltyCategory.WARNING, "警告"),
    (PenaltyCategory.CIRCULATED_CRITICISM, "通报批评"),
    (PenaltyCategory.FINE, "罚款"),
    (PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS, "没收违法所得"),
    (PenaltyCategory.CONFISCATION_OF_PROPERTY, "没收非法财物"),
    (PenaltyCategory.LICENSE_SUSPENSION, "暂扣许可证件"),
    (PenaltyCategory.QUALIFICATION_DOWNGRADE, "降低资质等级"),
    (PenaltyCategory.LICENSE_REVOCATION, "吊销许可证件"),
    (PenaltyCategory.BUSINESS_RESTRICTION, "限制开展生产经营活动"),
    (PenaltyCategory.SUSPENSION_OF_BUSINESS, "责令停产停业"),
    (PenaltyCategory.CLOSURE, "责令关闭"),
    (PenaltyCategory.EMPLOYMENT_RESTRICTION, "限制从业"),
    (PenaltyCategory.DETENTION, "行政拘留"),
    (PenaltyCategory.OTHER, "其他"),
    (RecordStatus.EFFECTIVE, "有效"),
    (RecordStatus.REVOKED, "已吊销"),
    (RecordStatus.WITHDRAWN, "已撤销"),
    (RecordStatus.REPAIRED, "已信用修复"),
    (ComplaintCategory.PRODUCT_QUALITY, "产品质量"),
    (ComplaintCategory.FOOD_SAFETY, "食品安全"),
    (ComplaintCategory.PRICE, "价格收费"),
    (ComplaintCategory.CONSUMER_CONTRACT, "消费合同与售后"),
    (ComplaintCategory.ADVERTISING, "广告与虚假宣传"),
    (ComplaintCategory.SERVICE_QUALITY, "服务质量"),
    (ComplaintCategory.SAFETY, "安全隐患"),
    (ComplaintCategory.ENVIRONMENT, "环境污染"),
    (ComplaintCategory.LABOUR, "劳动用工"),
    (ComplaintCategory.OTHER, "其他"),
    (ListingKind.ABNORMAL_OPERATION, "经营异常名录"),
    (ListingKind.SERIOUS_DISHONEST, "严重违法失信名单"),
    (ListingReason.ANNUAL_REPORT, "未按规定报送年度报告"),
    (ListingReason.INSTANT_DISCLOSURE, "未按规定公示即时信息"),
    (ListingReason.FALSE_DISCLOSURE, "公示信息隐瞒真实情况、弄虚作假"),
    (ListingReason.UNREACHABLE, "通过登记的住所或者经营场所无法联系"),
    (ListingReason.SERIOUS_VIOLATION, "严重违法失信行为"),
    (RemovalReason.CURED, "已改正"),
    (RemovalReason.CREDIT_REPAIR, "信用修复"),
    (RemovalReason.EXPIRY, "期满"),
    (DisciplineLevel.NONE, "无惩戒"),
    (DisciplineLevel.RESTRICTED, "限制"),
    (DisciplineLevel.BANNED, "禁止"),
    (RiskColour.GREEN, "绿色"),
    (RiskColour.YELLOW, "黄色"),
    (RiskColour.RED, "红色"),
    (RiskColour.BLACK, "黑色"),
    (ReferralReason.LICENSE_REVOKED, "许可证件被吊销"),
    (ReferralReason.INSPECTION_FINDING, "检查发现其他部门职责内的问题"),
    (ReferralReason.ESCALATION_DUE, "列入经营异常名录将满三年"),
    (ReferralReason.MANUAL, "其他"),
    (ReferralReason.LISTING_PROPOSAL, "抽查结果提请列入经营异常名录"),
    (ReferralStatus.SENT, "已发送"),
    (ReferralStatus.ACKNOWLEDGED, "已签收"),
    (ReferralStatus.HANDLED, "已办结"),
    (CertificateStatus.VALID, "有效"),
    (CertificateStatus.NOT_YET_VALID, "未到有效期"),
    (CertificateStatus.EXPIRED, "已过期"),
    (ResultConsequence.NONE, "无后续处理"),
    (ResultConsequence.ABNORMAL_LISTING_PROPOSAL, "提请登记机关列入经营异常名录"),
    (ResultConsequence.FOLLOW_UP, "生成后续检查任务"),
    (InspectionTaskKind.DRAWN, "随机抽取"),
    (InspectionTaskKind.FOLLOW_UP, "后续检查"),
    (InspectionTaskStatus.ASSIGNED, "待检查"),
    (InspectionTaskStatus.RECORDED, "已录入结果，待公示"),
    (InspectionTaskStatus.PUBLISHED, "已公示"),
    (InspectionTaskStatus.REPLACED, "已替补"),
    (InspectionFinding.CONFORMING, "符合"),
    (InspectionFinding.NON_CONFORMING, "不符合"),
    (InspectionFinding.NOT_CHECKED, "未检查"),
    (SpotCheckPlanStatus.DRAFT, "草拟"),
    (SpotCheckPlanStatus.APPROVED, "已审批"),
    (SpotCheckPlanStatus.DRAWN, "已抽取"),
    (SpotCheckPlanStatus.IN_PROGRESS, "检查中"),
    (SpotCheckPlanStatus.DONE, "已完成"),
    (SampleKind.COUNT, "按数量"),
    (SampleKind.RATIO, "按比例"),
    (SampleKind.COLOUR_RATIO, "按风险颜色分别定比例"),
    (PlanRole.LEAD, "牵头部门"),
    (PlanRole.PARTNER, "配合部门"),
    (DrawAttemptOutcome.DRAWN, "已抽取"),
    (DrawAttemptOutcome.REFUSED, "被拒绝"),
    (DataQualityIssue.USCC_CHECK_CHARACTER, "统一社会信用代码校验码不符"),
    (DataQualityIssue.ORGANISATION_CODE_CHECK, "组织机构代码校验码不符"),
    (PrincipalKind.MAINTAINER, "目录维护人员"),
    (PrincipalKind.DEPARTMENT, "部门用户"),
    (PrincipalKind.SYSTEM, "系统"),
    (PrincipalKind.ANONYMOUS, "公众"),
)

# Other ways files write a code: the 双公示 许可类别 codes, and the wording of the penalty
# list before the 2021 revision of the Administrative Penalty Law.
_ALIASES: tuple[tuple[Enum, tuple[str, ...]], ...] = (
    (LicenseCategory.ORDINARY, ("01", "1")),
    (LicenseCategory.FRANCHISE, ("02", "2")),
    (LicenseCategory.ACCREDITATION, ("03", "3")),
    (LicenseCategory.VERIFICATION, ("04", "4")),
    (LicenseCategory.REGISTRATION, ("05", "5")),
    (LicenseCategory.OTHER, ("06", "6")),
    (PenaltyCategory.LICENSE_SUSPENSION, ("暂扣许可证", "暂扣执照")),
    (PenaltyCategory.LICENSE_REVOCATION, ("吊销许可证", "吊销执照")),
)

# Keyed by the enum as well as the value: the code lists are StrEnums, and one value may mean
# different things in two lists (an entity's REVOKED is 吊销, a record's 已吊销; only the license
# category OTHER is written 06).
_LABEL: dict[tuple[type[Enum], object], str] = {(type(m), m.value): text for m, text in _LABELS}
_ALIAS: dict[tuple[type[Enum], object], tuple[str, ...]] = {(type(m), m.value): a for m, a in _ALIASES}


def labels_of(enum: type[E]) -> dict[E, str]:
    return {member: label(member) for member in enum}


def listed(enum: type[Enum]) -> str:
    """Every label of the enum, in its order, as a sentence lists them: 存续、吊销、注销."""
    return "、".join(label(member) for member in enum)


def choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select, in the enum's order."""
    return [(member.value, label(member)) for member in enum]


# What pushed a notice (Notice.reason).
NOTICE_REASONS = {
    "REGISTERED": "设立登记",
    "SCOPE_CHANGED": "经营范围变更",
    "FORWARDED": "转交",
    "POOL": "从待认领池认领",
}

_PARTS = re.compile(r"[()]")


def label(value: object) -> str:
    """The Chinese label of an enum member; the value itself where the table has none."""
    if isinstance(value, Enum):
        return _LABEL.get((type(value), value.value), str(value.value))
    return str(value)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def spellings(member: Enum) -> set[str]:
    """How people write a code in a file: the code itself, its label, and each part of a
    label like "审管一体（谁审批谁负责）" on its own."""
    text = _fold(label(member))
    aliases = (_fold(alias) for alias in _ALIAS.get((type(member), member.value), ()))
    return {_fold(str(member.value)), text, *aliases, *(part for part in _PARTS.split(text) if part)}


@functools.cache
def _by_spelling(enum: type[Enum]) -> dict[str, Enum | None]:
    """Each spelling of the enum's members, to its member (None where two members share it).
    Built once per enum: a batch file asks for a label on every row."""
    index: dict[str, Enum | None] = {}
    for member in enum:
        for spelling in spellings(member):
            index[spelling] = member if index.get(spelling, member) is member else None
    return index


def parse_label(enum: type[E], text: str) -> E | None:
    """A member of `enum` from its code or Chinese label; None when it is neither, or when
    it could be more than one."""
    found = _by_spelling(enum).get(_fold(text))
    return found if isinstance(found, enum) else None
