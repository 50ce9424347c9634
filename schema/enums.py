"""GraphQL enums: the glossary's code lists, registered with strawberry in place; where a
description names every value, the names are the labels of services.platform.labels."""

import strawberry

from models.enums import (
    ApprovalLevel,
    CertificateStatus,
    ComplaintCategory,
    DataQualityIssue,
    DepartmentLevel,
    DisciplineLevel,
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
    SpotCheckPlanStatus,
)
from services.credit.referrals import ReferralDirection
from services.platform.labels import listed
from services.platform.principal import PrincipalKind
from services.records.records import RecordOutcome

strawberry.enum(RegionLevel, description="行政区划层级 / GB/T 2260 level.")
strawberry.enum(DepartmentLevel, description="部门层级（两级使用）/ City or district department.")
strawberry.enum(EntityType, description="市场主体类型 / Kind of market entity.")
strawberry.enum(
    EntityStatus, description=f"登记状态：{listed(EntityStatus)} / Registration status: active, revoked, deregistered."
)
strawberry.enum(
    PersonRole, description=f"人员角色：{listed(PersonRole)} / Legal representative, shareholder or executive."
)
strawberry.enum(
    DataQualityIssue, description="数据质量问题 / Why a registry row is on the maintainers' data-quality list."
)
strawberry.enum(
    MatterMode,
    description="审管一体 (APPROVAL) 或审管分离 (COMPETENT) / Supervised by the approver or the competent department.",
)
strawberry.enum(ApprovalLevel, description="审批层级 / The level at which a matter is approved.")
strawberry.enum(NoticeStatus, description="告知状态；逾期由时限推算，不单独存储 / Notice state; OVERDUE is derived.")
strawberry.enum(FeedbackKind, description="反馈：已取得许可、审批中、尚未申请、无需许可 / Feedback after claiming.")
strawberry.enum(PrincipalKind, description="调用方类型 / Kind of caller.")
strawberry.enum(
    LicenseCategory,
    description=f"许可类别：{listed(LicenseCategory)}（双公示代码 01–06）/ License category, codes 01–06.",
)
strawberry.enum(PenaltyCategory, description="处罚类别（2021 年修订后的行政处罚法）/ Penalty category.")
strawberry.enum(
    RecordStatus, description=f"记录状态：{listed(RecordStatus)} / Effective, revoked, withdrawn, repaired."
)
strawberry.enum(ComplaintCategory, description="12345 投诉类别 / Hotline complaint category.")
strawberry.enum(RecordOutcome, description="新增、更正或无变化 / Created, updated (corrected) or unchanged.")
strawberry.enum(Role, description="角色：部门或目录维护人员 / A department's or a maintainer's.")
strawberry.enum(ListingKind, description=f"名录：{listed(ListingKind)} / Abnormal-operation or serious list.")
strawberry.enum(
    ListingReason,
    description="列入事由：经营异常名录的四项法定事由，或严重违法失信行为 / Why an entity is listed.",
)
strawberry.enum(RemovalReason, description=f"移出事由：{listed(RemovalReason)} / Cured, credit repair, expiry.")
strawberry.enum(
    DisciplineLevel,
    description="联合惩戒：无、限制（经营异常名录）、禁止（严重违法失信名单）/ None, restricted, banned.",
)
strawberry.enum(
    ReferralReason,
    description=f"联动告知事由：{listed(ReferralReason)} / Why.",
)
strawberry.enum(ReferralStatus, description=f"联动告知状态：{listed(ReferralStatus)} / Sent, acknowledged, handled.")
strawberry.enum(RiskColour, description="四色警示：绿、黄、红、黑 / The four-colour risk rating, least severe first.")
strawberry.enum(ReferralDirection, description="本部门发出的或收到的 / Sent by or received by the department.")
strawberry.enum(
    CertificateStatus,
    description=f"执法证在某日的状态：{listed(CertificateStatus)} / Valid, not yet valid or expired on a day.",
)
strawberry.enum(
    ResultConsequence,
    description=(
        f"结果类别的后果：{listed(ResultConsequence)} / None, an abnormal-operation listing proposed to the "
        "registration authority, or a follow-up task."
    ),
)
strawberry.enum(
    InspectionTaskKind, description=f"检查任务类型：{listed(InspectionTaskKind)} / Drawn, or a follow-up of a result."
)
strawberry.enum(
    InspectionTaskStatus,
    description=f"检查任务状态：{listed(InspectionTaskStatus)} / Assigned, recorded, published, replaced.",
)
strawberry.enum(
    InspectionFinding, description=f"检查项结论：{listed(InspectionFinding)} / Conforming, not, not checked."
)
strawberry.enum(
    SpotCheckPlanStatus,
    description=f"抽查计划状态：{listed(SpotCheckPlanStatus)} / Draft, approved, drawn, in progress, done.",
)
strawberry.enum(PlanRole, description=f"计划中的部门角色：{listed(PlanRole)} / The lead, or a partner of a joint plan.")

__all__ = [
    "ApprovalLevel",
    "CertificateStatus",
    "ComplaintCategory",
    "DataQualityIssue",
    "DepartmentLevel",
    "DisciplineLevel",
    "EntityStatus",
    "EntityType",
    "FeedbackKind",
    "InspectionFinding",
    "InspectionTaskKind",
    "InspectionTaskStatus",
    "LicenseCategory",
    "ListingKind",
    "ListingReason",
    "MatterMode",
    "NoticeStatus",
    "PenaltyCategory",
    "PersonRole",
    "PlanRole",
    "PrincipalKind",
    "RecordOutcome",
    "RecordStatus",
    "ReferralDirection",
    "ReferralReason",
    "ReferralStatus",
    "RegionLevel",
    "RemovalReason",
    "ResultConsequence",
    "RiskColour",
    "Role",
    "SpotCheckPlanStatus",
]
