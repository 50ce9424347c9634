"""The root Query and Mutation types."""

from __future__ import annotations

import strawberry

from resolvers.accounts import viewer
from resolvers.analysis import graph as graph_resolvers
from resolvers.analysis import performance as performance_resolvers
from resolvers.analysis import statistics as statistics_resolvers
from resolvers.catalog import catalog, catalog_versions
from resolvers.credit import listings as listing_resolvers
from resolvers.credit import publicity
from resolvers.credit import referrals as referral_resolvers
from resolvers.credit import risk as risk_resolvers
from resolvers.notices import notices as notice_resolvers
from resolvers.notices import subscriptions
from resolvers.platform import calendar
from resolvers.registry import regions, registry
from resolvers.spotchecks import lists as list_resolvers
from resolvers.spotchecks import plans as plan_resolvers
from resolvers.spotchecks import tasks as task_resolvers
from schema.accounts.types import Viewer
from schema.analysis.graph import EntityGraph
from schema.analysis.performance import DepartmentPerformance
from schema.analysis.types import Statistics
from schema.catalog import mutations as catalog_mutations
from schema.catalog.types import CatalogVersion, SupervisionMatter
from schema.credit import mutations as credit_mutations
from schema.credit.publicity import Publicity
from schema.credit.risk import RuleParameters
from schema.credit.types import DisciplineMeasure, DisciplineVerdict, Listing, Referral
from schema.notices import mutations as notices_mutations
from schema.notices.types import Notice
from schema.platform import mutations as platform_mutations
from schema.platform.calendar import CalendarDay
from schema.platform.common import Connection
from schema.records import mutations as records_mutations
from schema.registry import mutations as registry_mutations
from schema.registry.types import Department, MarketEntity, Region
from schema.spotchecks import mutations as spotcheck_mutations
from schema.spotchecks import plan_mutations, task_mutations
from schema.spotchecks.plan_types import DrawRecord, EntityDirectory, SpotCheckPlan
from schema.spotchecks.tasks import InspectionTask
from schema.spotchecks.types import CheckItem, Inspector, ResultCategory


@strawberry.type(
    description="查询：法人库、双告知、双随机、双归集、联动告知与联合惩戒、公示 / Everything the API reads."
)
class Query:
    viewer = strawberry.field(resolver=viewer.viewer, graphql_type=Viewer, description="当前调用方 / The caller.")
    entity = strawberry.field(
        resolver=registry.entity,
        graphql_type=MarketEntity | None,
        description=(
            "按统一社会信用代码查询主体；辖区外或不存在时为 null / "
            "One entity by USCC; null when unknown or outside the caller's jurisdiction."
        ),
    )
    entities = strawberry.field(
        resolver=registry.entities,
        graphql_type=Connection[MarketEntity],
        description=(
            "法人库列表（按统一社会信用代码排序，first 最大 100）/ The registry, in USCC order; `first` at most 100."
        ),
    )
    search_entities = strawberry.field(
        resolver=registry.search_entities,
        graphql_type=Connection[MarketEntity],
        description=(
            "按名称、曾用名、统一社会信用代码、法定代表人或住所检索；名称完全相同的在前（按统一社会信用代码），"
            "其次名称以检索词开头的（按名称），再次其他位置含检索词的（按固定的检索顺序，与登记先后、信用代码无关） / "
            "Search by name, former name, USCC, legal representative or address: the exact name first (by USCC), "
            "then names that start with the text (by name), then the text anywhere else (in a stable search order, "
            "unrelated to registration order or USCC)."
        ),
    )
    departments = strawberry.field(
        resolver=regions.departments, graphql_type=list[Department], description="部门 / Departments."
    )
    regions = strawberry.field(resolver=regions.regions, graphql_type=list[Region], description="行政区划 / Regions.")
    notices = strawberry.field(
        resolver=notice_resolvers.notices,
        graphql_type=Connection[Notice],
        description="本部门的告知（维护人员可见全部）/ The caller's department's notices; all for maintainers.",
    )
    open_pool = strawberry.field(
        resolver=notice_resolvers.open_pool,
        graphql_type=Connection[MarketEntity],
        description="待认领池：无部门承接的主体 / Entities no department holds: unmatched, or all notices returned.",
    )
    referrals = strawberry.field(
        resolver=referral_resolvers.referrals,
        graphql_type=Connection[Referral],
        description=(
            "本部门发出和收到的联动告知，按发送先后（维护人员可见全部）/ The caller's department's referrals, sent and "
            "received, oldest first (poll with `after` for new ones); maintainers read every department's."
        ),
    )
    supervision_matters = strawberry.field(
        resolver=catalog.supervision_matters,
        graphql_type=list[SupervisionMatter],
        description="监管职责目录（可按生效日期筛选）/ The duty catalog, optionally as in force on a day.",
    )
    catalog_versions = strawberry.field(
        resolver=catalog_versions.catalog_versions,
        graphql_type=list[CatalogVersion],
        description="已发布的目录版本，最新在前 / Published catalog versions, newest first.",
    )
    calendar_days = strawberry.field(
        resolver=calendar.calendar_days,
        graphql_type=list[CalendarDay],
        description="工作日历（含周末与节假日，最多 800 天）/ Working days from `from` to `to`, at most 800 days.",
    )
    rule_parameters = strawberry.field(
        resolver=risk_resolvers.rule_parameters,
        graphql_type=RuleParameters,
        description="四色警示规则参数（当前生效）/ The colour rules' thresholds in force.",
    )
    publicity = strawberry.field(
        resolver=publicity.publicity,
        graphql_type=Publicity | None,
        description="公示信息，无需登录 / Public information about one entity; no login needed.",
    )
    listings = strawberry.field(
        resolver=listing_resolvers.listings,
        graphql_type=Connection[Listing],
        description=(
            "经营异常名录、严重违法失信名单记录（辖区内主体），新的在前 / "
            "Listings of the entities the caller may see, newest first."
        ),
    )
    discipline = strawberry.field(
        resolver=listing_resolvers.discipline,
        graphql_type=DisciplineVerdict | None,
        description=(
            "联合惩戒：主体今天应受的限制（全市主体，不受辖区限制）；主体不存在时为 null / "
            "What discipline applies to any entity of the city today; null when unknown."
        ),
    )
    discipline_measures = strawberry.field(
        resolver=listing_resolvers.discipline_measures,
        graphql_type=list[DisciplineMeasure],
        description="惩戒措施目录 / The discipline-measure catalog.",
    )
    entity_graph = strawberry.field(
        resolver=graph_resolvers.entity_graph,
        graphql_type=EntityGraph,
        description=(
            "网图：主体及其法定代表人、股东、董监高，和这些人员任职的其他主体，最多 3 层，只含调用方可见的主体；"
            "不存在或辖区外的主体为 UNKNOWN_ENTITY / The network around one entity: its persons by role and the other "
            "entities of those persons, up to 3 hops, through entities the caller may see only; UNKNOWN_ENTITY when "
            "the entity is unknown or outside the caller's jurisdiction."
        ),
    )
    check_items = strawberry.field(
        resolver=list_resolvers.check_item_list,
        graphql_type=list[CheckItem],
        description=(
            "随机抽查事项清单（各部门的，可按部门、在用筛选）/ Every department's check items, by department and code; "
            "optionally one department's, or only those in use."
        ),
    )
    inspectors = strawberry.field(
        resolver=list_resolvers.inspector_list,
        graphql_type=list[Inspector],
        description=(
            "执法检查人员（部门看本部门的，维护人员看全部）；activeOn 只列当日在岗且执法证有效的 / "
            "Inspectors the caller may see (a department its own, maintainers all); `activeOn` keeps those eligible "
            "that day (active, certificate valid)."
        ),
    )
    result_categories = strawberry.field(
        resolver=list_resolvers.result_category_list,
        graphql_type=list[ResultCategory],
        description=(
            "检查结果类别（默认现行版本）/ The result categories of a version, by default the version in force."
        ),
    )
    inspection_tasks = strawberry.field(
        resolver=task_resolvers.inspection_tasks,
        graphql_type=Connection[InspectionTask],
        description=(
            "检查任务：本部门的任务及本部门牵头计划的任务（维护人员可见全部），按生成先后 / Inspection tasks: the "
            "caller's department's and those of plans it leads (maintainers all), in the order they were made."
        ),
    )
    entity_directories = strawberry.field(
        resolver=plan_resolvers.entity_directories,
        graphql_type=list[EntityDirectory],
        description=(
            "本部门的检查对象名录库（维护人员可见全部，或用 departmentCode 指定部门）/ "
            "The caller's department's entity directories; maintainers read all, or one department's."
        ),
    )
    spot_check_plan = strawberry.field(
        resolver=plan_resolvers.spot_check_plan,
        graphql_type=SpotCheckPlan | None,
        description=(
            "本部门牵头或参与的抽查计划；其他为 null（维护人员可见全部）/ "
            "A plan the caller's department leads or joins; null otherwise (maintainers read all)."
        ),
    )
    spot_check_plans = strawberry.field(
        resolver=plan_resolvers.spot_check_plans,
        graphql_type=Connection[SpotCheckPlan],
        description="本部门牵头或参与的抽查计划，新的在前 / The plans the caller leads or joins, newest first.",
    )
    statistics = strawberry.field(
        resolver=statistics_resolvers.statistics,
        graphql_type=Statistics,
        description=(
            "统计分析：按行政区划、行业、类型、状态、颜色和部门计数，限于调用方可见的范围 / Counts by region, "
            "industry, type, status, colour and department over a period, as far as the caller may see."
        ),
    )
    public_draw_record = strawberry.field(
        resolver=plan_resolvers.public_draw_record,
        graphql_type=DrawRecord | None,
        description=(
            "公开的抽取记录，无需登录；抽取前只有种子承诺值；计划不存在或未审批时为 null / "
            "A plan's published draw record, no login needed; before the draw only the seed's commitment."
        ),
    )
    department_performance = strawberry.field(
        resolver=performance_resolvers.department_performance,
        graphql_type=DepartmentPerformance,
        description=(
            "绩效考核：部门在期间内的各项指标（维护人员可查任一部门，部门只能查本部门）/ A department's performance "
            "measures over a period; maintainers for any department, a department for its own."
        ),
    )


@strawberry.type(
    description="变更；预期的失败在各自结果的 errors 中返回 / Every change the API makes; expected failures come back "
    "in each payload's `errors`."
)
class Mutation:
    """Each mutation is declared once, in its domain's mutations module (schema.mutation)."""

    register_entity = registry_mutations.register_entity
    record_license = records_mutations.record_license
    record_penalty = records_mutations.record_penalty
    withdraw_penalty = records_mutations.withdraw_penalty
    repair_penalty = records_mutations.repair_penalty
    record_complaint = records_mutations.record_complaint
    import_records = records_mutations.import_records
    claim_notice = notices_mutations.claim_notice
    forward_notice = notices_mutations.forward_notice
    return_notice = notices_mutations.return_notice
    give_notice_feedback = notices_mutations.give_notice_feedback
    claim_from_pool = notices_mutations.claim_from_pool
    send_referral = credit_mutations.send_referral
    acknowledge_referral = credit_mutations.acknowledge_referral
    handle_referral = credit_mutations.handle_referral
    upsert_supervision_matter = catalog_mutations.upsert_supervision_matter
    publish_catalog_version = catalog_mutations.publish_catalog_version
    set_calendar_days = platform_mutations.set_calendar_days
    set_rule_parameters = credit_mutations.set_rule_parameters
    upsert_region = registry_mutations.upsert_region
    upsert_department = registry_mutations.upsert_department
    list_entity = credit_mutations.list_entity
    delist_entity = credit_mutations.delist_entity
    upsert_discipline_measure = credit_mutations.upsert_discipline_measure
    upsert_check_item = spotcheck_mutations.upsert_check_item
    upsert_inspector = spotcheck_mutations.upsert_inspector
    import_inspectors = spotcheck_mutations.import_inspectors
    set_result_categories = spotcheck_mutations.set_result_categories
    record_inspection_result = task_mutations.record_inspection_result
    publish_inspection_result = task_mutations.publish_inspection_result
    upsert_entity_directory = plan_mutations.upsert_entity_directory
    create_spot_check_plan = plan_mutations.create_spot_check_plan
    accept_spot_check_plan = plan_mutations.accept_spot_check_plan
    approve_spot_check_plan = plan_mutations.approve_spot_check_plan
    draw_spot_check = plan_mutations.draw_spot_check
    replace_drawn_entity = plan_mutations.replace_drawn_entity


@strawberry.type(description="订阅（graphql-transport-ws，路径 /graphql）/ Live updates over WebSocket at /graphql.")
class Subscription:
    notice_pushed = strawberry.subscription(
        resolver=subscriptions.notice_pushed,
        graphql_type=Notice,
        description=(
            "推送到本部门的告知（graphql-transport-ws，connection_init 带 authorization: Bearer <令牌>）；"
            "维护人员可用 departmentCode 指定部门，否则为全部部门；afterId 先补发编号更大的告知 / "
            "Notices as they are pushed to the caller's department (maintainers: `departmentCode`, or every "
            "department). With `afterId`, first the caller's notices with a larger id, oldest first."
        ),
    )
