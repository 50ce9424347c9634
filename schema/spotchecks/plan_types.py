"""双随机's GraphQL types: entity directories, plans, and the published draw record."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from resolvers.spotchecks import plans as resolvers
from schema.enums import PlanRole, SpotCheckPlanStatus
from schema.platform.common import Connection, UserError
from schema.registry.types import Department
from schema.spotchecks.tasks import InspectionTask


@strawberry.type(
    description=(
        "对象筛选条件（检查对象名录库 / 抽查计划），null 表示不限 / A filter over the registry; null means any."
    )
)
class DirectoryFilterView:
    region_code: str | None = strawberry.field(
        description="行政区划（含其下辖区）/ Region, or a city and its districts."
    )
    industry_prefix: str | None = strawberry.field(description="行业代码前缀（GB/T 4754）/ Industry code prefix.")
    entity_type: str | None = strawberry.field(description="主体类型 / Entity type.")
    status: str | None = strawberry.field(description="登记状态 / Registration status.")
    matter_code: str | None = strawberry.field(
        description="涉及的监管事项（有该事项的告知，不论哪个部门）/ Entities with a notice of this matter."
    )
    colours: list[str] | None = strawberry.field(description="风险颜色 / Stored risk colours.")


@strawberry.type(description="检查对象名录库 / A department's saved filter over the registry.")
class EntityDirectory:
    id = strawberry.field(resolver=resolvers.object_id, graphql_type=strawberry.ID)
    name: str
    department = strawberry.field(resolver=resolvers.directory_department, graphql_type=Department | None)
    filter = strawberry.field(resolver=resolvers.stored_filter, graphql_type=DirectoryFilterView)
    filter_text = strawberry.field(
        resolver=resolvers.filter_text, graphql_type=str, description="筛选条件的文字说明 / The filter in words."
    )
    entity_count = strawberry.field(
        resolver=resolvers.directory_entity_count,
        graphql_type=int,
        description="现在符合条件的主体数（调用方辖区内）/ Entities it matches now, within the caller's view.",
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime


@strawberry.type(description="按颜色的抽取比例 / One colour's ratio.")
class ColourRatio:
    colour: str
    ratio: str = strawberry.field(description="小数，(0, 1] / A decimal string in (0, 1].")


@strawberry.type(description="抽取方式：只有所选方式的字段有值 / The sample: only the members of its kind are set.")
class DrawSample:
    kind: str = strawberry.field(description="COUNT、RATIO 或 COLOUR_RATIO / The kind of sample.")
    count: int | None
    ratio: str | None
    colour_ratios: list[ColourRatio] | None


@strawberry.type(description="抽取层 / A stratum: the whole list, or one colour's candidates.")
class DrawStratum:
    colour: str | None = strawberry.field(description="按颜色分层时的颜色，否则 null / The colour, or null.")
    size: int
    sample_size: int


@strawberry.type(description="某部门的可派检查人员（执法证号）/ One department's eligible inspectors.")
class DrawInspectorPool:
    department_code: str
    per_target: int = strawberry.field(description="每个对象派出的人数 / Inspectors per target.")
    certificate_nos: list[str] = strawberry.field(description="执法证号，升序 / Certificate numbers, ascending.")


@strawberry.type(description="派出的检查人员（仅执法证号）/ An assigned inspector, by certificate number only.")
class DrawnInspector:
    certificate_no: str
    department_code: str


@strawberry.type(description="抽中对象 / One drawn entity (or replacement), in draw order.")
class DrawnSelection:
    order: int
    uscc: str
    colour: str | None = strawberry.field(description="按颜色分层时的颜色 / Its stratum's colour, or null.")
    key: str = strawberry.field(description="sha256(seed:uscc) / Its key.")
    inspectors: list[DrawnInspector]
    recused: list[str] = strawberry.field(description="回避的执法证号 / Certificates recused for this entity.")
    replaces: str | None = strawberry.field(description="所替补对象的 USCC / The USCC it replaces.")
    replaced_by: str | None = strawberry.field(description="替补它的对象 / The USCC that replaced it.")
    replacement_reason: str | None


@strawberry.type(
    description=(
        "抽取记录：任何人可据此复核抽取（见 tools/draw_record.md）；抽取前只公布种子承诺值 / "
        "The published, verifiable record of a plan's draw; before the draw, only the seed's commitment."
    )
)
class DrawRecord:
    plan_id: strawberry.ID
    plan_name: str
    seed: str | None = strawberry.field(description="32 字节种子（十六进制），抽取前为 null / The seed; null before.")
    seed_commitment: str = strawberry.field(description="sha256(种子字节) / sha256 of the seed's bytes.")
    drawn_at: str | None = strawberry.field(description="抽取时间（ISO 8601，UTC）/ When drawn.")
    draw_date: str | None = strawberry.field(description="抽取日（北京时间）/ The draw date, Asia/Shanghai.")
    filter: JSON = strawberry.field(
        description=(
            "筛选条件（JSON：regionCode、industryPrefix、entityType、status、matterCode、colours）/ "
            "The filter drawn from, as JSON with those keys."
        )
    )
    sample: DrawSample
    candidate_count: int | None
    candidate_list_hash: str | None
    candidates: list[str] = strawberry.field(description="候选对象 USCC，升序 / Candidates, ascending.")
    candidate_colours: list[str] | None = strawberry.field(
        description="按颜色分层时各候选对象的颜色，否则 null / Each candidate's colour, when sampled by colour."
    )
    strata: list[DrawStratum]
    inspector_pool: list[DrawInspectorPool]
    selections: list[DrawnSelection]


@strawberry.type(description="抽取尝试（无论成败都记录）/ One attempt to draw a plan, refused or not.")
class DrawAttempt:
    attempted_at: datetime.datetime
    actor: str = strawberry.field(description="操作者（令牌或用户名）/ Who tried.")
    outcome: str = strawberry.field(description="DRAWN 或 REFUSED / Drawn or refused.")
    code: str | None = strawberry.field(description="拒绝时的错误代码 / The refusal's code.")
    message: str | None = strawberry.field(description="拒绝理由 / The refusal's message.")


@strawberry.type(description="计划部门 / A department of a plan: the lead, or a partner that must accept.")
class SpotCheckPlanDepartment:
    department = strawberry.field(resolver=resolvers.member_department, graphql_type=Department | None)
    role: PlanRole
    inspectors_per_target: int = strawberry.field(description="本部门每个对象派出人数 / Its inspectors per target.")
    accepted_at: datetime.datetime | None = strawberry.field(description="确认时间 / When it accepted.")


@strawberry.type(description="抽查计划 / A spot-check campaign, its draw and its state.")
class SpotCheckPlan:
    id = strawberry.field(resolver=resolvers.object_id, graphql_type=strawberry.ID)
    name: str
    status: SpotCheckPlanStatus
    lead_department = strawberry.field(resolver=resolvers.plan_lead, graphql_type=Department | None)
    departments = strawberry.field(
        resolver=resolvers.plan_members,
        graphql_type=list[SpotCheckPlanDepartment],
        description="牵头部门在前，配合部门按代码 / The lead, then partners by code.",
    )
    check_item_codes = strawberry.field(
        resolver=resolvers.plan_check_item_codes, graphql_type=list[str], description="抽查事项 / Check items."
    )
    directory_id = strawberry.field(resolver=resolvers.directory_ref, graphql_type=strawberry.ID | None)
    filter = strawberry.field(
        resolver=resolvers.stored_filter,
        graphql_type=DirectoryFilterView,
        description="创建时确定的筛选条件 / The filter, fixed when the plan was created.",
    )
    filter_text = strawberry.field(resolver=resolvers.filter_text, graphql_type=str)
    sample = strawberry.field(resolver=resolvers.plan_sample, graphql_type=DrawSample)
    inspectors_per_target: int = strawberry.field(description="每个对象派出总人数 / Inspectors per target, in all.")
    period_start: datetime.date
    period_end: datetime.date
    exclude_checked_within_days: int | None = strawberry.field(
        description="排除牵头部门 N 天内已检查的对象 / Leave out entities the lead checked within N days."
    )
    seed_commitment: str | None = strawberry.field(
        description="种子承诺值，审批时公布；种子本身在抽取后见 drawRecord / Published at approval."
    )
    approved_at: datetime.datetime | None
    drawn_at: datetime.datetime | None
    created_at: datetime.datetime
    tasks = strawberry.field(
        resolver=resolvers.plan_tasks,
        graphql_type=Connection[InspectionTask],
        description=(
            "计划的检查任务（调用方可见的：牵头部门全部，配合部门本部门的）/ "
            "The plan's inspection tasks the caller sees: all for the lead, its own for a partner."
        ),
    )
    draw_attempts = strawberry.field(
        resolver=resolvers.plan_draw_attempts,
        graphql_type=list[DrawAttempt],
        description="每一次抽取尝试，先后为序 / Every attempt to draw it, oldest first.",
    )
    draw_record = strawberry.field(
        resolver=resolvers.plan_draw_record,
        graphql_type=DrawRecord | None,
        description="抽取记录；审批前为 null / The draw record; null before approval.",
    )


@strawberry.type
class EntityDirectoryPayload:
    directory: EntityDirectory | None
    entity_count: int | None = strawberry.field(description="现在符合条件的主体数 / Entities it matches now.")
    errors: list[UserError]


@strawberry.type
class SpotCheckPlanPayload:
    plan: SpotCheckPlan | None
    errors: list[UserError]


@strawberry.type
class DrawSpotCheckPayload:
    plan: SpotCheckPlan | None
    draw_record: DrawRecord | None
    errors: list[UserError]


@strawberry.type
class ReplaceDrawnEntityPayload:
    plan: SpotCheckPlan | None
    replaced_uscc: str | None = strawberry.field(description="被替补的对象 / The entity replaced.")
    replacement_uscc: str | None = strawberry.field(description="替补对象 / Its replacement.")
    order: int | None = strawberry.field(description="替补对象的抽取序号 / The replacement's order.")
    errors: list[UserError]
