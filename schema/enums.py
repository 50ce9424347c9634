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
from schema.platform.enum_values import describe_values
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

describe_values(
    RegionLevel,
    {
        "PROVINCE": "A province-level region (code ending 0000).",
        "CITY": "A prefecture-level city (code ending 00).",
        "DISTRICT": "A district or county.",
    },
)
describe_values(
    DepartmentLevel,
    {"CITY": "A city department: sees the whole city.", "DISTRICT": "A district department: sees its district."},
)
describe_values(
    EntityType,
    {
        "COMPANY": "A limited-liability or joint-stock company.",
        "PARTNERSHIP": "A partnership enterprise.",
        "SOLE_PROPRIETORSHIP": "A sole-proprietorship enterprise (one investor, an enterprise).",
        "BRANCH": "A branch of another entity.",
        "SOLE_TRADER": "An individual business (个体户), not an enterprise.",
        "COOPERATIVE": "A farmers' specialised cooperative.",
        "OTHER": "Any other kind of market entity.",
    },
)
describe_values(
    EntityStatus,
    {
        "ACTIVE": "Registered and in business.",
        "REVOKED": "Its business licence was revoked by the registration authority.",
        "DEREGISTERED": "Deregistered: it no longer exists.",
    },
)
describe_values(
    PersonRole,
    {
        "LEGAL_REPRESENTATIVE": "Legal representative (or the person in charge, or the operator).",
        "SHAREHOLDER": "Shareholder or investor.",
        "EXECUTIVE": "Director, supervisor or senior manager.",
    },
)
describe_values(
    DataQualityIssue,
    {
        "USCC_CHECK_CHARACTER": "The code's 18th (check) character does not match (GB 32100-2015).",
        "ORGANISATION_CODE_CHECK": "Characters 9–17 fail the organisation code's own check (GB 11714).",
    },
    chinese={"USCC_CHECK_CHARACTER": "统一社会信用代码校验位不符", "ORGANISATION_CODE_CHECK": "组织机构代码校验位不符"},
)
describe_values(
    MatterMode,
    {
        "APPROVAL": "The department that approves the licence supervises the entity.",
        "COMPETENT": "The department in charge of the trade supervises it, whoever approved.",
    },
)
describe_values(
    ApprovalLevel,
    {
        "DISTRICT": "Approved by districts: notices go to the counterpart at the registration authority's level.",
        "CITY": "Approved at city level: notices go to the department the catalog names.",
        "PROVINCE": "Approved at province level: notices go to the department the catalog names.",
        "NATIONAL": "Approved nationally: notices go to the department the catalog names.",
    },
)
describe_values(
    NoticeStatus,
    {
        "PUSHED": "Pushed to the department, waiting for its claim (overdue past the deadline).",
        "CLAIMED": "Claimed: the department supervises the entity for this matter; feedback is due.",
        "FORWARDED": "Passed to another department or level; a new notice was pushed there.",
        "RETURNED": "Returned as not the department's matter; the entity goes to the open pool.",
        "FEEDBACK_GIVEN": "The department reported back on the licence: the loop is closed.",
    },
)
describe_values(
    FeedbackKind,
    {
        "LICENSE_GRANTED": "The entity holds the licence (linked to its License record).",
        "APPLIED_PENDING": "The entity applied; the decision is pending.",
        "NOT_APPLIED": "The entity has not applied yet: tracked before the licence.",
        "NO_LICENSE_NEEDED": "The entity's business needs no licence.",
    },
)
describe_values(
    PrincipalKind,
    {
        "ANONYMOUS": "No token: the public.",
        "DEPARTMENT": "A department's staff or system, by its token.",
        "MAINTAINER": "A catalog maintainer (platform administrator).",
        "SYSTEM": "The platform itself: the command line and scheduled jobs.",
    },
    chinese={"ANONYMOUS": "匿名（公众）", "DEPARTMENT": "部门", "MAINTAINER": "目录维护人员", "SYSTEM": "系统"},
)
describe_values(
    LicenseCategory,
    {
        "ORDINARY": "Code 01, ordinary licence.",
        "FRANCHISE": "Code 02, franchise licence.",
        "ACCREDITATION": "Code 03, accreditation.",
        "VERIFICATION": "Code 04, verification (approval).",
        "REGISTRATION": "Code 05, registration.",
        "OTHER": "Code 06, other.",
    },
)
describe_values(
    PenaltyCategory,
    {
        "WARNING": "Warning.",
        "CIRCULATED_CRITICISM": "Circulated criticism.",
        "FINE": "Fine.",
        "CONFISCATION_OF_ILLEGAL_GAINS": "Confiscation of illegal gains.",
        "CONFISCATION_OF_PROPERTY": "Confiscation of illegal property.",
        "LICENSE_SUSPENSION": "Suspension of a licence.",
        "QUALIFICATION_DOWNGRADE": "Lowering of a qualification grade.",
        "LICENSE_REVOCATION": "Revocation of a licence: the licence is marked REVOKED and referrals follow.",
        "BUSINESS_RESTRICTION": "Restriction of production or business activities.",
        "SUSPENSION_OF_BUSINESS": "Order to suspend production or business.",
        "CLOSURE": "Order to close.",
        "EMPLOYMENT_RESTRICTION": "Restriction on holding a position in the trade.",
        "DETENTION": "Administrative detention.",
        "OTHER": "Any other penalty the law provides.",
    },
)
describe_values(
    RecordStatus,
    {
        "EFFECTIVE": "In force.",
        "REVOKED": "A licence revoked by a penalty of licence revocation.",
        "WITHDRAWN": "The decision was withdrawn or annulled; it no longer counts.",
        "REPAIRED": "Credit repaired: it left the public view before its publicity period ended.",
    },
)
describe_values(
    ComplaintCategory,
    {
        "PRODUCT_QUALITY": "Product quality.",
        "FOOD_SAFETY": "Food safety.",
        "PRICE": "Prices and charges.",
        "CONSUMER_CONTRACT": "Consumer contracts and after-sales service.",
        "ADVERTISING": "Advertising and false publicity.",
        "SERVICE_QUALITY": "Quality of service.",
        "SAFETY": "Safety hazards.",
        "ENVIRONMENT": "Pollution.",
        "LABOUR": "Employment and labour.",
        "OTHER": "Anything else.",
    },
)
describe_values(
    RecordOutcome,
    {
        "CREATED": "A new record was stored.",
        "UPDATED": "The record existed (same source department and document number) and was corrected.",
        "UNCHANGED": "The same record was sent again: nothing changed.",
    },
    chinese={"CREATED": "新增", "UPDATED": "更正", "UNCHANGED": "无变化"},
)
describe_values(
    Role,
    {
        "DEPARTMENT": "A department's staff or system: its own region's and its own records.",
        "MAINTAINER": "A catalog maintainer: keeps the catalogs, sees everything.",
    },
)
describe_values(
    ListingKind,
    {
        "ABNORMAL_OPERATION": "The abnormal-operation list (restrictions follow).",
        "SERIOUS_DISHONEST": "The serious-violation and dishonesty list, the blacklist (bans follow).",
    },
)
describe_values(
    ListingReason,
    {
        "ANNUAL_REPORT": "No annual report filed as required.",
        "INSTANT_DISCLOSURE": "Information that must be disclosed at once was not.",
        "FALSE_DISCLOSURE": "Disclosed information hid the truth or was falsified.",
        "UNREACHABLE": "Cannot be reached at its registered address or business premises.",
        "SERIOUS_VIOLATION": "A serious violation of law and trust (the serious-dishonest list's reason).",
    },
)
describe_values(
    RemovalReason,
    {
        "CURED": "The cause was cured (the report filed, contact restored, …).",
        "CREDIT_REPAIR": "Removed by credit repair.",
        "EXPIRY": "The listing's term ended.",
    },
)
describe_values(
    DisciplineLevel,
    {
        "NONE": "No joint discipline applies.",
        "RESTRICTED": "On the abnormal-operation list: its measures restrict the entity.",
        "BANNED": "On the serious-dishonest list: its measures ban the entity.",
    },
)
describe_values(
    ReferralReason,
    {
        "LICENSE_REVOKED": "A licence of the entity was revoked (sent automatically).",
        "INSPECTION_FINDING": "An inspection found a violation that is another department's duty.",
        "ESCALATION_DUE": "Abnormal-operation listing for nearly 3 years: due for the serious-dishonest list.",
        "MANUAL": "Any other reason, written by the sender.",
        "LISTING_PROPOSAL": "A spot-check result proposes an abnormal-operation listing to the registration authority.",
    },
)
describe_values(
    ReferralStatus,
    {
        "SENT": "Sent, not yet acknowledged by the receiving department.",
        "ACKNOWLEDGED": "The receiving department acknowledged it.",
        "HANDLED": "Handled, with its outcome.",
    },
)
describe_values(
    RiskColour,
    {
        "GREEN": "None of the rules of the other colours holds.",
        "YELLOW": "By default: 1–2 effective penalties in 730 days, or 4+ complaints of which 50–80 % resolved.",
        "RED": "On the abnormal-operation list; by default 3+ effective penalties in 730 days, or 4+ complaints "
        "under 50 % resolved.",
        "BLACK": "Its business licence or a licence revoked, or on the serious-dishonest list.",
    },
)
describe_values(
    ReferralDirection,
    {"SENT": "Sent by the department.", "RECEIVED": "Received by the department."},
    chinese={"SENT": "发出的", "RECEIVED": "收到的"},
)
describe_values(
    CertificateStatus,
    {
        "VALID": "The certificate is valid on that day.",
        "NOT_YET_VALID": "Its validity starts after that day.",
        "EXPIRED": "Its validity ended before that day.",
    },
)
describe_values(
    ResultConsequence,
    {
        "NONE": "Nothing follows from the category.",
        "ABNORMAL_LISTING_PROPOSAL": "A referral proposes an abnormal-operation listing to the registration authority.",
        "FOLLOW_UP": "A follow-up inspection task is created.",
    },
)
describe_values(
    InspectionTaskKind,
    {
        "DRAWN": "Drawn at random by a spot-check plan.",
        "FOLLOW_UP": "Created after a result that needs a later check (rectification, further handling).",
    },
)
describe_values(
    InspectionTaskStatus,
    {
        "ASSIGNED": "Assigned to its inspectors; no result yet.",
        "RECORDED": "Result recorded; to be published within 20 working days.",
        "PUBLISHED": "Result published.",
        "REPLACED": "The entity was closed or deregistered; the next in key order replaced it.",
    },
)
describe_values(
    InspectionFinding,
    {
        "CONFORMING": "The item conforms.",
        "NON_CONFORMING": "The item does not conform.",
        "NOT_CHECKED": "The item was not checked (not applicable).",
    },
)
describe_values(
    SpotCheckPlanStatus,
    {
        "DRAFT": "Being drafted; a joint plan waits for its partners to accept.",
        "APPROVED": "Approved: its seed commitment is public, the draw may run.",
        "DRAWN": "Drawn: tasks assigned.",
        "IN_PROGRESS": "Inspecting: some results recorded.",
        "DONE": "Every result published.",
    },
)
describe_values(
    PlanRole,
    {"LEAD": "The department that leads the plan.", "PARTNER": "A partner department of a joint plan."},
)

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
