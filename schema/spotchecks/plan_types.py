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
    id = strawberry.field(
        resolver=resolvers.object_id, graphql_type=strawberry.ID, description="名录库标识 / The directory's id."
    )
    name: str = strawberry.field(description="名录库名称，在本部门内唯一 / Its name, unique within the department.")
    department = strawberry.field(
        resolver=resolvers.directory_department,
        graphql_type=Department | None,
        description="所属部门 / The department that keeps it.",
    )
    filter = strawberry.field(
        resolver=resolvers.stored_filter, graphql_type=DirectoryFilterView, description="筛选条件 / The saved filter."
    )
    filter_text = strawberry.field(
        resolver=resolvers.filter_text, graphql_type=str, description="筛选条件的文字说明 / The filter in words."
    )
    entity_count = strawberry.field(
        resolver=resolvers.directory_entity_count,
        graphql_type=int,
        description="现在符合条件的主体数（调用方辖区内）/ Entities it matches now, within the caller's view.",
    )
    created_at: datetime.datetime = strawberry.field(description="创建时间（UTC）/ When it was created (UTC).")
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次修改的时间（UTC）/ When it was last changed (UTC)."
    )


@strawberry.type(description="按颜色的抽取比例 / One colour's ratio.")
class ColourRatio:
    colour: str = strawberry.field(description="风险颜色 / The risk colour.")
    ratio: str = strawberry.field(description="小数，(0, 1] / A decimal string in (0, 1].")


@strawberry.type(description="抽取方式：只有所选方式的字段有值 / The sample: only the members of its kind are set.")
class DrawSample:
    kind: str = strawberry.field(description="COUNT、RATIO 或 COLOUR_RATIO / The kind of sample.")
    count: int | None = strawberry.field(description="抽取数量（COUNT）/ How many to draw, for COUNT.")
    ratio: str | None = strawberry.field(
        description="抽取比例，小数 (0, 1]（RATIO）/ The share to draw, a decimal in (0, 1], for RATIO."
    )
    colour_ratios: list[ColourRatio] | None = strawberry.field(
        description="各颜色的抽取比例（COLOUR_RATIO）/ Each colour's share, for COLOUR_RATIO."
    )


@strawberry.type(description="抽取层 / A stratum: the whole list, or one colour's candidates.")
class DrawStratum:
    colour: str | None = strawberry.field(description="按颜色分层时的颜色，否则 null / The colour, or null.")
    size: int = strawberry.field(description="该层候选对象数 / Candidates in the stratum.")
    sample_size: int = strawberry.field(
        description=(
            "该层抽取数：min(数量, 层大小) 或 ceil(比例 × 层大小) / "
            "Drawn from it: min(count, size) or ceil(ratio × size)."
        )
    )


@strawberry.type(description="某部门的可派检查人员（执法证号）/ One department's eligible inspectors.")
class DrawInspectorPool:
    department_code: str = strawberry.field(description="部门代码 / The department.")
    per_target: int = strawberry.field(description="每个对象派出的人数 / Inspectors per target.")
    certificate_nos: list[str] = strawberry.field(description="执法证号，升序 / Certificate numbers, ascending.")


@strawberry.type(description="派出的检查人员（仅执法证号）/ An assigned inspector, by certificate number only.")
class DrawnInspector:
    certificate_no: str = strawberry.field(description="执法证号 / Certificate number.")
    department_code: str = strawberry.field(description="所属部门代码 / The inspector's department.")


@strawberry.type(description="抽中对象 / One drawn entity (or replacement), in draw order.")
class DrawnSelection:
    order: int = strawberry.field(
        description="抽取序号，从 1 起；替补对象接续编号 / Draw order from 1; a replacement takes the next number."
    )
    uscc: str = strawberry.field(description="统一社会信用代码 / The entity's code.")
    colour: str | None = strawberry.field(description="按颜色分层时的颜色 / Its stratum's colour, or null.")
    key: str = strawberry.field(
        description="抽取键 sha256(种子十六进制:uscc) / Its key: sha256 of seed hex, a colon and the USCC."
    )
    inspectors: list[DrawnInspector] = strawberry.field(description="派出的检查人员 / The inspectors assigned to it.")
    recused: list[str] = strawberry.field(description="回避的执法证号 / Certificates recused for this entity.")
    replaces: str | None = strawberry.field(description="所替补对象的 USCC / The USCC it replaces.")
    replaced_by: str | None = strawberry.field(description="替补它的对象 / The USCC that replaced it.")
    replacement_reason: str | None = strawberry.field(
        description="替补理由（如已注销）/ Why it was replaced, such as deregistered."
    )


@strawberry.type(
    description=(
        "抽取记录：任何人可据此复核抽取（见 tools/draw_record.md）；抽取前只公布种子承诺值 / "
        "The published, verifiable record of a plan's draw; before the draw, only the seed's commitment."
    )
)
class DrawRecord:
    plan_id: strawberry.ID = strawberry.field(description="抽查计划标识 / The plan's id.")
    plan_name: str = strawberry.field(description="抽查计划名称 / The plan's name.")
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
    sample: DrawSample = strawberry.field(description="抽取方式 / The sample asked for.")
    candidate_count: int | None = strawberry.field(
        description="候选对象数（抽取前为 null）/ Candidates at draw time; null before the draw."
    )
    candidate_list_hash: str | None = strawberry.field(
        description=(
            "sha256（按行连接的候选 USCC，UTF-8） / sha256 of the candidates' codes joined by newlines; null before."
        )
    )
    candidates: list[str] = strawberry.field(description="候选对象 USCC，升序 / Candidates, ascending.")
    candidate_colours: list[str] | None = strawberry.field(
        description="按颜色分层时各候选对象的颜色，否则 null / Each candidate's colour, when sampled by colour."
    )
    strata: list[DrawStratum] = strawberry.field(description="各抽取层 / The strata and their sample sizes.")
    inspector_pool: list[DrawInspectorPool] = strawberry.field(
        description="各部门的可派检查人员 / Each department's eligible inspectors."
    )
    selections: list[DrawnSelection] = strawberry.field(
        description="抽中对象，按抽取序号 / The selection, in draw order."
    )


@strawberry.type(description="抽取尝试（无论成败都记录）/ One attempt to draw a plan, refused or not.")
class DrawAttempt:
    attempted_at: datetime.datetime = strawberry.field(description="尝试时间（UTC）/ When it was tried (UTC).")
    actor: str = strawberry.field(description="操作者（令牌或用户名）/ Who tried.")
    outcome: str = strawberry.field(description="DRAWN 或 REFUSED / Drawn or refused.")
    code: str | None = strawberry.field(description="拒绝时的错误代码 / The refusal's code.")
    message: str | None = strawberry.field(description="拒绝理由 / The refusal's message.")


@strawberry.type(description="计划部门 / A department of a plan: the lead, or a partner that must accept.")
class SpotCheckPlanDepartment:
    department = strawberry.field(
        resolver=resolvers.member_department, graphql_type=Department | None, description="部门 / The department."
    )
    role: PlanRole = strawberry.field(description="牵头或配合 / Lead or partner.")
    inspectors_per_target: int = strawberry.field(description="本部门每个对象派出人数 / Its inspectors per target.")
    accepted_at: datetime.datetime | None = strawberry.field(description="确认时间 / When it accepted.")


@strawberry.type(description="抽查计划 / A spot-check campaign, its draw and its state.")
class SpotCheckPlan:
    id = strawberry.field(
        resolver=resolvers.object_id, graphql_type=strawberry.ID, description="计划标识 / The plan's id."
    )
    name: str = strawberry.field(description="计划名称 / The plan's name.")
    status: SpotCheckPlanStatus = strawberry.field(description="计划状态 / Its state.")
    lead_department = strawberry.field(
        resolver=resolvers.plan_lead, graphql_type=Department | None, description="牵头部门 / The lead department."
    )
    departments = strawberry.field(
        resolver=resolvers.plan_members,
        graphql_type=list[SpotCheckPlanDepartment],
        description="牵头部门在前，配合部门按代码 / The lead, then partners by code.",
    )
    check_item_codes = strawberry.field(
        resolver=resolvers.plan_check_item_codes, graphql_type=list[str], description="抽查事项 / Check items."
    )
    directory_id = strawberry.field(
        resolver=resolvers.directory_ref,
        graphql_type=strawberry.ID | None,
        description=(
            "创建时所用的检查对象名录库（直接给出条件时为 null） / "
            "The directory it was made from; null for an inline filter."
        ),
    )
    filter = strawberry.field(
        resolver=resolvers.stored_filter,
        graphql_type=DirectoryFilterView,
        description="创建时确定的筛选条件 / The filter, fixed when the plan was created.",
    )
    filter_text = strawberry.field(
        resolver=resolvers.filter_text, graphql_type=str, description="筛选条件的文字说明 / The filter in words."
    )
    sample = strawberry.field(
        resolver=resolvers.plan_sample, graphql_type=DrawSample, description="抽取方式 / The sample."
    )
    inspectors_per_target: int = strawberry.field(description="每个对象派出总人数 / Inspectors per target, in all.")
    period_start: datetime.date = strawberry.field(description="检查期起 / First day of the inspection period.")
    period_end: datetime.date = strawberry.field(description="检查期止 / Last day of the inspection period.")
    exclude_checked_within_days: int | None = strawberry.field(
        description="排除牵头部门 N 天内已检查的对象 / Leave out entities the lead checked within N days."
    )
    seed_commitment: str | None = strawberry.field(
        description="种子承诺值，审批时公布；种子本身在抽取后见 drawRecord / Published at approval."
    )
    approved_at: datetime.datetime | None = strawberry.field(description="审批时间（UTC）/ When it was approved (UTC).")
    drawn_at: datetime.datetime | None = strawberry.field(description="抽取时间（UTC）/ When it was drawn (UTC).")
    created_at: datetime.datetime = strawberry.field(description="创建时间（UTC）/ When it was created (UTC).")
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


@strawberry.type(description="维护检查对象名录库的结果 / The answer to upsertEntityDirectory.")
class EntityDirectoryPayload:
    directory: EntityDirectory | None = strawberry.field(
        description="保存后的名录库（有错误时为空）/ The directory as stored; null on errors."
    )
    entity_count: int | None = strawberry.field(description="现在符合条件的主体数 / Entities it matches now.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="抽查计划操作的结果 / The answer to creating, accepting or approving a plan.")
class SpotCheckPlanPayload:
    plan: SpotCheckPlan | None = strawberry.field(
        description="操作后的计划（有错误时为空）/ The plan after it; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="抽取的结果 / The answer to drawSpotCheck.")
class DrawSpotCheckPayload:
    plan: SpotCheckPlan | None = strawberry.field(
        description="抽取后的计划（有错误时为空）/ The plan, now drawn; null on errors."
    )
    draw_record: DrawRecord | None = strawberry.field(description="抽取记录 / The published draw record.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="替补抽中对象的结果 / The answer to replaceDrawnEntity.")
class ReplaceDrawnEntityPayload:
    plan: SpotCheckPlan | None = strawberry.field(
        description="替补后的计划（有错误时为空）/ The plan after it; null on errors."
    )
    replaced_uscc: str | None = strawberry.field(description="被替补的对象 / The entity replaced.")
    replacement_uscc: str | None = strawberry.field(description="替补对象 / Its replacement.")
    order: int | None = strawberry.field(description="替补对象的抽取序号 / The replacement's order.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
