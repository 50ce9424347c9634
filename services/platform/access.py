"""Access, in one place: which rows a principal may read or change, and who may run which operation.

Rows: `restrict(principal, action)` gives, for every table whose rows belong to a jurisdiction
or a department, the SQL condition on the rows this principal may read (`Action.READ`) or
change (`Action.CHANGE`). A session bound to a principal applies it to every ORM SELECT
(read) and every ORM UPDATE or DELETE statement (change) through `with_loader_criteria`, so
services, resolvers, DataLoaders and admin views cannot forget it, and a compiled read path
can put the same expressions in its own SQL.

Operations: `PERMISSIONS` says who may run each operation of the API (and the admin pages
doing the same thing); the services check it with `require`, and the permission-matrix test
reads it instead of restating it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.base import ExecutableOption
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel, col, select

from models import (
    Complaint,
    Department,
    EntityFormerName,
    EntityPerson,
    License,
    Listing,
    MarketEntity,
    Notice,
    Penalty,
    Referral,
    Region,
)
from models.enums import DepartmentLevel, RegionLevel
from models.spotchecks import (
    DrawAttempt,
    DrawRecord,
    DrawSelection,
    EntityDirectory,
    InspectionResult,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    InspectorConflict,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
)
from services.platform.errors import DomainError, Forbidden, Unauthenticated
from services.platform.principal import Principal, PrincipalKind, jurisdiction

_KEY = "principal"
_UNRESTRICTED = "jianguan_all_regions"
_SEEING_ALL = "jianguan_seeing_all"
# For the few service reads that must see across jurisdictions: a duplicate
# check before insert, and public data that is the same for every caller.
UNRESTRICTED = {_UNRESTRICTED: True}


# Every table whose rows belong to a jurisdiction or a department.
_DEPARTMENT_TABLES: tuple[type[SQLModel], ...] = (
    MarketEntity,
    EntityPerson,
    EntityFormerName,
    Notice,
    Referral,
    Listing,
    License,
    Penalty,
    Complaint,
    Inspector,
    InspectorConflict,
    EntityDirectory,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
    DrawRecord,
    DrawSelection,
    DrawAttempt,
    InspectionTask,
    InspectionTaskInspector,
    InspectionResult,
)
# A department's spot-check work, kept by the department itself: maintainers keep inspectors
# and directories for any department, and read plans and tasks, but draw and inspect for none.
_SPOT_CHECK_CASEWORK: tuple[type[SQLModel], ...] = (
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
    DrawRecord,
    DrawSelection,
    DrawAttempt,
    InspectionTask,
    InspectionTaskInspector,
    InspectionResult,
)


class Action(StrEnum):
    READ = "read"  # SELECT
    CHANGE = "change"  # UPDATE, DELETE


def bind(session: AsyncSession, principal: Principal) -> None:
    session.info[_KEY] = principal
    session.sync_session.info[_KEY] = principal


def principal_of(session: AsyncSession | Session) -> Principal:
    principal = session.info.get(_KEY)
    if principal is None:
        raise RuntimeError("session used without a principal")
    assert isinstance(principal, Principal)
    return principal


# -- rows ---------------------------------------------------------------------------------------------


def entities_within(regions: frozenset[str] | None) -> ColumnElement[bool] | None:
    """SQL: the entities of these regions; None when every entity is."""
    if regions is None:
        return None
    return col(MarketEntity.region_code).in_(sorted(regions))


def within_reach(department_level: DepartmentLevel, department_region: str) -> list[ColumnElement[bool]]:
    """SQL conditions on MarketEntity: the entities a department acts on, whoever acts for it
    (a maintainer naming a district department reaches no further than that department)."""
    condition = entities_within(jurisdiction(department_level, department_region))
    return [] if condition is None else [condition]


def policy_key(principal: Principal) -> Hashable:
    """What `restrict` decides a principal's rows by: two principals with the same key read the same rows
    (a key for answers kept a while, services.analysis.cache)."""
    return (principal.kind, principal.department_id, principal.jurisdiction, principal.is_registration_authority)


def restrict(principal: Principal, action: Action) -> Mapping[type[SQLModel], ColumnElement[bool]]:
    """The rows of each table this principal may read or change, as SQL on that table's columns.
    A table not named is open to the principal for this action (services still check the operation).

    - Entities and their persons: a district department's are its district's; the public reads
      none except through services that publish (and say so with UNRESTRICTED).
    - Notices: a department its own; maintainers read every department's and change none.
    - Referrals: a department reads those it sent or received and changes those it received;
      maintainers read every referral and change none.
    - Licenses, penalties, complaints and listings are shared for supervision: every department
      reads them all. A department changes only the records whose source it is; a listing only a
      registration authority changes (which one, by kind, services.credit.listings decides, for a
      maintainer acting for an authority too). The public reads them only as published.
    - Spot checks (inspectors, directories, plans, draws, tasks, results): see `_spot_checks`;
      maintainers read them all and change only inspectors, conflicts and directories.
    The command line and scheduled jobs (SYSTEM) are not restricted.
    """
    if principal.kind is PrincipalKind.SYSTEM:
        return {}
    nothing = sa.false()
    if principal.kind is PrincipalKind.ANONYMOUS:
        return dict.fromkeys(_DEPARTMENT_TABLES, nothing)
    rules: dict[type[SQLModel], ColumnElement[bool]] = {}
    entities = entities_within(principal.jurisdiction)
    if entities is not None:
        rules[MarketEntity] = entities
        rules[EntityPerson] = col(EntityPerson.entity_id).in_(select(col(MarketEntity.id)).where(entities))
        rules[EntityFormerName] = col(EntityFormerName.entity_id).in_(select(col(MarketEntity.id)).where(entities))
    own = principal.department_id
    if principal.kind is PrincipalKind.MAINTAINER:
        if action is Action.CHANGE:
            rules[Notice] = rules[Referral] = nothing
            rules.update(dict.fromkeys(_SPOT_CHECK_CASEWORK, nothing))
        return rules
    assert own is not None
    rules.update(_spot_checks(own, action))
    if action is Action.READ:
        rules[Notice] = col(Notice.department_id) == own
        rules[Referral] = sa.or_(col(Referral.to_department_id) == own, col(Referral.from_department_id) == own)
        return rules
    rules[Notice] = col(Notice.department_id) == own
    rules[Referral] = col(Referral.to_department_id) == own
    rules[License] = col(License.source_department_id) == own
    rules[Penalty] = col(Penalty.source_department_id) == own
    rules[Complaint] = col(Complaint.source_department_id) == own
    if not principal.is_registration_authority:
        rules[Listing] = nothing
    return rules


def _spot_checks(own: int, action: Action) -> dict[type[SQLModel], ColumnElement[bool]]:
    """A department's inspectors and directories are its own. It reads the plans it leads or
    joins (and their draws), changes only those it leads (a partner accepts on its own row), and
    reads its own tasks and those of the plans it leads, but records results only on its own.
    Check items and result categories are open to every department to read; services say who
    keeps them. (Core columns in the subqueries: the tables' own criteria must not nest.)"""
    members = SpotCheckPlanDepartment.__table__.c  # type: ignore[attr-defined]
    tasks = InspectionTask.__table__.c  # type: ignore[attr-defined]
    led = sa.select(members.plan_id).where(members.department_id == own, members.role == "LEAD")
    joined = sa.select(members.plan_id).where(members.department_id == own)
    plans = joined if action is Action.READ else led
    inspectors = Inspector.__table__.c  # type: ignore[attr-defined]
    own_inspectors = sa.select(inspectors.id).where(inspectors.department_id == own)
    task_rule: ColumnElement[bool]
    plan_members: ColumnElement[bool]
    if action is Action.READ:
        task_rows = sa.select(tasks.id).where(sa.or_(tasks.department_id == own, tasks.plan_id.in_(led)))
        task_rule = sa.or_(col(InspectionTask.department_id) == own, col(InspectionTask.plan_id).in_(led))
        plan_members = col(SpotCheckPlanDepartment.plan_id).in_(joined)
    else:
        task_rows = sa.select(tasks.id).where(tasks.department_id == own)
        task_rule = col(InspectionTask.department_id) == own
        plan_members = sa.or_(
            col(SpotCheckPlanDepartment.department_id) == own, col(SpotCheckPlanDepartment.plan_id).in_(led)
        )
    return {
        Inspector: col(Inspector.department_id) == own,
        InspectorConflict: col(InspectorConflict.inspector_id).in_(own_inspectors),
        EntityDirectory: col(EntityDirectory.department_id) == own,
        SpotCheckPlan: col(SpotCheckPlan.id).in_(plans),
        SpotCheckPlanDepartment: plan_members,
        SpotCheckPlanItem: col(SpotCheckPlanItem.plan_id).in_(plans),
        DrawRecord: col(DrawRecord.plan_id).in_(plans),
        DrawSelection: col(DrawSelection.plan_id).in_(joined),  # a partner's task may need a replacement
        DrawAttempt: col(DrawAttempt.plan_id).in_(plans),
        InspectionTask: task_rule,
        InspectionTaskInspector: col(InspectionTaskInspector.task_id).in_(task_rows),
        InspectionResult: col(InspectionResult.task_id).in_(task_rows),
    }


def seeing_all(*models: type[SQLModel]) -> dict[str, Any]:
    """Execution options for a read that must weigh every department's rows of these tables
    (whether any notice of an entity is alive, whether a department already holds one): the
    other tables of the statement stay restricted. A query that selects those tables' rows
    with it shows rows the caller could not otherwise read: say why where it is used."""
    return {_SEEING_ALL: frozenset(model.__tablename__ for model in models)}


@lru_cache(maxsize=4096)
def _options(principal: Principal, action: Action, seeing_all: frozenset[str]) -> tuple[ExecutableOption, ...]:
    return tuple(
        with_loader_criteria(model, criteria, include_aliases=True)
        for model, criteria in restrict(principal, action).items()
        if model.__tablename__ not in seeing_all
    )


@event.listens_for(Session, "do_orm_execute")
def _apply_row_policy(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load or state.execution_options.get(_UNRESTRICTED):
        return
    principal = state.session.info.get(_KEY)
    if principal is None:
        raise RuntimeError("ORM query without a principal: open sessions through Database")
    action = Action.READ if state.is_select else Action.CHANGE
    options = _options(principal, action, state.execution_options.get(_SEEING_ALL, frozenset()))
    if options:
        state.statement = state.statement.options(*options)


# -- operations -----------------------------------------------------------------------------------------


class Permission(Enum):
    """Who may run an operation (the rules of domain.md, "Who may see and do what")."""

    ANYONE = "anyone, without a login"
    AUTHENTICATED = "any department, or a maintainer"
    DEPARTMENT = "a department, or a maintainer acting for one it names"
    REGISTRATION_AUTHORITY = "a registration authority, or a maintainer acting for one it names"
    HANDLER = "a department's own staff or system: maintainers read, but act on no case"
    MAINTAINER = "catalog maintainers"


class Operation(StrEnum):
    """The operations of the API, named as the API names them."""

    VIEWER = "viewer"
    ENTITY = "entity"
    ENTITIES = "entities"
    SEARCH_ENTITIES = "searchEntities"
    DEPARTMENTS = "departments"
    REGIONS = "regions"
    NOTICES = "notices"
    OPEN_POOL = "openPool"
    SUPERVISION_MATTERS = "supervisionMatters"
    CALENDAR_DAYS = "calendarDays"
    RULE_PARAMETERS = "ruleParameters"
    PUBLICITY = "publicity"
    REFERRALS = "referrals"
    CATALOG_VERSIONS = "catalogVersions"
    LISTINGS = "listings"
    DISCIPLINE = "discipline"
    DISCIPLINE_MEASURES = "disciplineMeasures"
    ENTITY_GRAPH = "entityGraph"
    REGISTER_ENTITY = "registerEntity"
    CLAIM_NOTICE = "claimNotice"
    FORWARD_NOTICE = "forwardNotice"
    RETURN_NOTICE = "returnNotice"
    GIVE_NOTICE_FEEDBACK = "giveNoticeFeedback"
    CLAIM_FROM_POOL = "claimFromPool"
    SEND_REFERRAL = "sendReferral"
    ACKNOWLEDGE_REFERRAL = "acknowledgeReferral"
    HANDLE_REFERRAL = "handleReferral"
    UPSERT_SUPERVISION_MATTER = "upsertSupervisionMatter"
    PUBLISH_CATALOG_VERSION = "publishCatalogVersion"
    RECORD_LICENSE = "recordLicense"
    RECORD_PENALTY = "recordPenalty"
    RECORD_COMPLAINT = "recordComplaint"
    REPAIR_PENALTY = "repairPenalty"
    WITHDRAW_PENALTY = "withdrawPenalty"
    IMPORT_RECORDS = "importRecords"
    SET_RULE_PARAMETERS = "setRuleParameters"
    SET_CALENDAR_DAYS = "setCalendarDays"
    UPSERT_REGION = "upsertRegion"
    UPSERT_DEPARTMENT = "upsertDepartment"
    LIST_ENTITY = "listEntity"
    DELIST_ENTITY = "delistEntity"
    UPSERT_DISCIPLINE_MEASURE = "upsertDisciplineMeasure"
    CHECK_ITEMS = "checkItems"
    INSPECTORS = "inspectors"
    ENTITY_DIRECTORIES = "entityDirectories"
    RESULT_CATEGORIES = "resultCategories"
    UPSERT_CHECK_ITEM = "upsertCheckItem"
    UPSERT_INSPECTOR = "upsertInspector"
    IMPORT_INSPECTORS = "importInspectors"
    UPSERT_ENTITY_DIRECTORY = "upsertEntityDirectory"
    SET_RESULT_CATEGORIES = "setResultCategories"
    SPOT_CHECK_PLAN = "spotCheckPlan"
    SPOT_CHECK_PLANS = "spotCheckPlans"
    INSPECTION_TASKS = "inspectionTasks"
    STATISTICS = "statistics"
    PUBLIC_DRAW_RECORD = "publicDrawRecord"
    CREATE_SPOT_CHECK_PLAN = "createSpotCheckPlan"
    ACCEPT_SPOT_CHECK_PLAN = "acceptSpotCheckPlan"
    APPROVE_SPOT_CHECK_PLAN = "approveSpotCheckPlan"
    DRAW_SPOT_CHECK = "drawSpotCheck"
    REPLACE_DRAWN_ENTITY = "replaceDrawnEntity"
    RECORD_INSPECTION_RESULT = "recordInspectionResult"
    PUBLISH_INSPECTION_RESULT = "publishInspectionResult"
    DEPARTMENT_PERFORMANCE = "departmentPerformance"


_READS = (
    Operation.VIEWER,
    Operation.ENTITY,
    Operation.ENTITIES,
    Operation.SEARCH_ENTITIES,
    Operation.DEPARTMENTS,
    Operation.REGIONS,
    Operation.NOTICES,
    Operation.OPEN_POOL,
    Operation.SUPERVISION_MATTERS,
    Operation.CALENDAR_DAYS,
    Operation.RULE_PARAMETERS,
    Operation.REFERRALS,
    Operation.CATALOG_VERSIONS,
    Operation.LISTINGS,
    Operation.DISCIPLINE,  # joint discipline is applied city-wide: any department may ask
    Operation.DISCIPLINE_MEASURES,
    Operation.ENTITY_GRAPH,  # internal: signed-in callers only, each node as its row policy allows
    Operation.CHECK_ITEMS,
    Operation.INSPECTORS,
    Operation.ENTITY_DIRECTORIES,
    Operation.RESULT_CATEGORIES,
    Operation.SPOT_CHECK_PLAN,
    Operation.SPOT_CHECK_PLANS,
    Operation.INSPECTION_TASKS,
    Operation.STATISTICS,
    Operation.DEPARTMENT_PERFORMANCE,  # a department its own (services.analysis.performance)
)
_CASEWORK = (
    Operation.CLAIM_NOTICE,
    Operation.FORWARD_NOTICE,
    Operation.RETURN_NOTICE,
    Operation.GIVE_NOTICE_FEEDBACK,
    Operation.CLAIM_FROM_POOL,
    Operation.SEND_REFERRAL,
    Operation.ACKNOWLEDGE_REFERRAL,
    Operation.HANDLE_REFERRAL,
    # 双随机: a department plans, draws and inspects itself; maintainers watch.
    Operation.CREATE_SPOT_CHECK_PLAN,
    Operation.ACCEPT_SPOT_CHECK_PLAN,
    Operation.APPROVE_SPOT_CHECK_PLAN,
    Operation.DRAW_SPOT_CHECK,
    Operation.REPLACE_DRAWN_ENTITY,
    Operation.RECORD_INSPECTION_RESULT,
    Operation.PUBLISH_INSPECTION_RESULT,
)
_DEPARTMENT_LISTS = (  # 一单两库: a department keeps its own; a maintainer keeps them for any
    Operation.UPSERT_CHECK_ITEM,
    Operation.UPSERT_INSPECTOR,
    Operation.IMPORT_INSPECTORS,
    Operation.UPSERT_ENTITY_DIRECTORY,
)
_RECORDS = (  # 一数一源: a department sends its own records
    Operation.RECORD_LICENSE,
    Operation.RECORD_PENALTY,
    Operation.RECORD_COMPLAINT,
    Operation.REPAIR_PENALTY,
    Operation.WITHDRAW_PENALTY,
    Operation.IMPORT_RECORDS,
)
_CATALOGS = (
    Operation.UPSERT_SUPERVISION_MATTER,
    Operation.PUBLISH_CATALOG_VERSION,
    Operation.SET_RULE_PARAMETERS,
    Operation.SET_CALENDAR_DAYS,
    Operation.UPSERT_REGION,
    Operation.UPSERT_DEPARTMENT,
    Operation.UPSERT_DISCIPLINE_MEASURE,
    Operation.SET_RESULT_CATEGORIES,
)

PERMISSIONS: Mapping[Operation, Permission] = {
    Operation.PUBLICITY: Permission.ANYONE,
    Operation.PUBLIC_DRAW_RECORD: Permission.ANYONE,
    **dict.fromkeys(_DEPARTMENT_LISTS, Permission.DEPARTMENT),
    **dict.fromkeys(_READS, Permission.AUTHENTICATED),
    **dict.fromkeys(_CASEWORK, Permission.HANDLER),
    **dict.fromkeys(_RECORDS, Permission.DEPARTMENT),
    Operation.REGISTER_ENTITY: Permission.REGISTRATION_AUTHORITY,
    Operation.LIST_ENTITY: Permission.REGISTRATION_AUTHORITY,
    Operation.DELIST_ENTITY: Permission.REGISTRATION_AUTHORITY,
    **dict.fromkeys(_CATALOGS, Permission.MAINTAINER),
}

_REFUSALS: Mapping[Permission, str] = {
    Permission.DEPARTMENT: "只有部门账号（或代部门办理的维护人员）可以执行此操作",
    Permission.REGISTRATION_AUTHORITY: "本部门不是登记机关（市场监督管理部门），只有登记机关可以执行此操作",
    Permission.HANDLER: "只有部门业务账号可以办理告知、联动告知和抽查检查（维护人员只能查看）",
    Permission.MAINTAINER: "仅目录维护人员可以执行此操作",
}


def refusal(permission: Permission) -> str:
    """What a caller the permission leaves out is told."""
    return _REFUSALS.get(permission, "无权执行此操作")


def allows(permission: Permission, principal: Principal) -> bool:
    if permission is Permission.ANYONE:
        return True
    if not principal.is_authenticated:
        return False
    if permission is Permission.AUTHENTICATED:
        return True
    maintainer = principal.is_maintainer  # the command line and scheduled jobs too
    if permission is Permission.MAINTAINER:
        return maintainer
    if permission is Permission.HANDLER:
        return not maintainer and principal.department_id is not None
    if permission is Permission.REGISTRATION_AUTHORITY:
        return maintainer or principal.is_registration_authority
    return maintainer or principal.department_id is not None


def may(principal: Principal, operation: Operation) -> bool:
    """Whether the principal may run the operation at all (its rows and data are checked after)."""
    return allows(PERMISSIONS[operation], principal)


def require_permission(principal: Principal, permission: Permission) -> None:
    if allows(permission, principal):
        return
    if not principal.is_authenticated:
        raise Unauthenticated()
    raise Forbidden(refusal(permission))


def require(principal: Principal, operation: Operation) -> None:
    """Unauthenticated for the public where a login is needed; Forbidden for a caller the
    operation's permission leaves out."""
    require_permission(principal, PERMISSIONS[operation])


def require_authenticated(principal: Principal) -> None:
    require_permission(principal, Permission.AUTHENTICATED)


def may_maintain(principal: Principal) -> bool:
    """Catalogs, users, tokens, the audit log and bulk exports are for maintainers."""
    return allows(Permission.MAINTAINER, principal)


def require_maintainer(principal: Principal) -> None:
    require_permission(principal, Permission.MAINTAINER)


def may_handle(principal: Principal) -> bool:
    """Claiming, forwarding, returning and feedback on notices, and sending, acknowledging and
    handling referrals, are a department's casework; maintainers read every case but act on none."""
    return allows(Permission.HANDLER, principal)


def require_handler(principal: Principal) -> int:
    """The department whose cases (notices, referrals) the caller handles."""
    require_permission(principal, Permission.HANDLER)
    assert principal.department_id is not None
    return principal.department_id


async def acting_department(session: AsyncSession, principal: Principal, department_code: str | None) -> Department:
    """The department on whose behalf the caller acts: its own, or the one a maintainer names
    (a maintainer must name one). A department naming any code but its own, exactly, is refused."""
    require_permission(principal, Permission.DEPARTMENT)
    if principal.is_maintainer:
        if not department_code:
            raise DomainError(
                "DEPARTMENT_REQUIRED", "维护人员代部门办理时须填写 departmentCode（代为办理的部门）", "departmentCode"
            )
        found = await session.scalar(select(Department).where(col(Department.code) == department_code.strip()))
        if found is None:
            raise DomainError("UNKNOWN_DEPARTMENT", f"部门“{department_code}”不存在", "departmentCode")
        return found
    if department_code and department_code != principal.department_code:
        raise Forbidden("只能以本部门名义办理（一数一源）")
    own = await session.get(Department, principal.department_id)
    assert own is not None
    return own


async def acting_registration_authority(
    session: AsyncSession, principal: Principal, department_code: str | None, doing: str
) -> Department:
    """The registration authority on whose behalf the caller acts (`acting_department`). A
    department that is none was refused by the operation's permission already; a maintainer
    naming one that is none made a mistake in `departmentCode`, told as data."""
    department = await acting_department(session, principal, department_code)
    if not department.is_registration_authority:
        raise DomainError(
            "NOT_REGISTRATION_AUTHORITY", f"“{department.name}”不是登记机关，不能{doing}", "departmentCode"
        )
    return department


# -- registration ---------------------------------------------------------------------------------------


def may_register_in(authority: Department, region: Region) -> bool:
    """Entities sit in district-level regions; a district registration authority
    registers in its own district, a city authority in any district of its city."""
    if region.level is not RegionLevel.DISTRICT:
        return False
    if authority.level is DepartmentLevel.DISTRICT:
        return region.code == authority.region_code
    return region.parent_code == authority.region_code


def may_change(authority: Department, entity: MarketEntity, entity_region: Region) -> bool:
    """A change registration comes from the entity's own registration authority,
    or from the city authority above the entity's district."""
    if entity.registration_authority_id == authority.id:
        return True
    return authority.level is DepartmentLevel.CITY and entity_region.parent_code == authority.region_code
