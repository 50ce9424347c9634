"""The draw (双随机): once per plan, by its lead, by the rule of services.spotchecks.draw_rule,
and its replacements; every attempt, refused or not, is logged.

What is stored is what tools/draw_record.md publishes (services.spotchecks.draw_record builds
the record): the candidates as drawn, the strata, the eligible inspectors per department and
the selections with their inspectors, so that anyone can recompute the draw from it."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity
from models.enums import (
    DrawAttemptOutcome,
    EntityStatus,
    InspectionTaskKind,
    InspectionTaskStatus,
    RiskColour,
    SampleKind,
    SpotCheckPlanStatus,
)
from models.spotchecks import (
    DrawAttempt,
    DrawRecord,
    DrawSelection,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    InspectorConflict,
    SpotCheckPlan,
)
from models.types import UTCDateTime, utcnow
from services.platform import audit, checks
from services.platform.access import (
    UNRESTRICTED,
    Action,
    Operation,
    principal_of,
    require,
    require_handler,
    restrict,
    seeing_all,
)
from services.platform.bulk_insert import insert_rows
from services.platform.clock import SHANGHAI, today
from services.platform.db import Database, lines_of
from services.platform.errors import Collector, DomainError, Forbidden, Problem, Unauthenticated
from services.platform.labels import label
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.platform.transitions import transition
from services.spotchecks import draw_rule
from services.spotchecks.directory import filter_conditions
from services.spotchecks.plans import plan_departments

REASON_LIMIT = 2000
# An entity the registry says is gone is replaced; one found closed on the spot is a result
# (已关闭停业或正在组织清算), recorded by the inspection, not a replacement.
_GONE = (EntityStatus.DEREGISTERED, EntityStatus.REVOKED)


@dataclass(frozen=True)
class Replacement:
    plan: SpotCheckPlan
    selection: DrawSelection
    replaced: DrawSelection

    @property
    def replaced_uscc(self) -> str:
        return self.replaced.uscc

    @property
    def replacement_uscc(self) -> str:
        return self.selection.uscc

    @property
    def order(self) -> int:
        return self.selection.draw_order


def _id(value: int | None) -> int:
    assert value is not None, "a stored row has its id"
    return value


def sample_of(plan: SpotCheckPlan) -> draw_rule.Sample:
    ratios = {c: Decimal(r) for c, r in (plan.colour_ratios or {}).items()}
    return draw_rule.Sample(plan.sample_kind.value, plan.sample_count, plan.sample_ratio, ratios or None)


def _plan_not_found(plan_id: int) -> DomainError:
    return DomainError("PLAN_NOT_FOUND", f"抽查计划 {plan_id} 不存在或与本部门无关", "planId")


async def _plan_to_draw(session: AsyncSession, plan_id: int, own: int) -> SpotCheckPlan:
    plan = await session.get(SpotCheckPlan, plan_id)
    if plan is None:
        raise _plan_not_found(plan_id)
    if plan.lead_department_id != own:
        raise DomainError("NOT_LEAD", "只有牵头部门可以抽取", "planId")
    if plan.status is SpotCheckPlanStatus.DRAFT:
        raise DomainError("PLAN_NOT_APPROVED", "计划尚未审批（未公布种子承诺值），不能抽取", "planId")
    if plan.status is not SpotCheckPlanStatus.APPROVED:
        raise DomainError("ALREADY_DRAWN", f"该计划已抽取（{label(plan.status)}），每个计划只抽取一次", "planId")
    return plan


def _start_of(day: date) -> datetime:
    """The first instant of a Beijing day."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class _Candidates:
    """The candidates in code-point order, each one's stored colour and entity id (same order)."""

    usccs: list[str]
    colours: list[str]
    ids: list[int]

    def at(self, uscc: str) -> int:
        return bisect_left(self.usccs, uscc)


async def _candidates(session: AsyncSession, plan: SpotCheckPlan, draw_date: date) -> _Candidates:
    """The USCCs matching the plan's filter now, within the caller's row policy, minus those the
    lead department recorded an inspection of within the plan's days; in code-point order (sorted
    here, whatever the database's collation), with each one's stored colour.

    A million candidates are read as one aggregated text on the session's connection, past the
    ORM, so the row policy is put in the SQL here (access.restrict, as a compiled read path does).
    The filter's matter subquery then weighs every department's notices, as
    registry.matter_options says it must."""
    entities = MarketEntity.__table__.c  # type: ignore[attr-defined]
    conditions = filter_conditions(plan.filter)
    policy = restrict(principal_of(session), Action.READ).get(MarketEntity)
    if policy is not None:
        conditions.append(policy)
    if plan.exclude_checked_within_days:
        since = _start_of(draw_date - timedelta(days=plan.exclude_checked_within_days))
        tasks = InspectionTask.__table__.c  # type: ignore[attr-defined]
        checked = sa.select(tasks.entity_id).where(
            tasks.department_id == plan.lead_department_id,
            tasks.recorded_at.is_not(None),
            tasks.recorded_at >= sa.literal(since, UTCDateTime()),
        )
        conditions.append(entities.id.not_in(checked))
    # One line per candidate, "USCC COLOUR ID": sorted as text they are in USCC order (a space
    # sorts before every character of a USCC), by code point, whatever the database's collation.
    colour = sa.type_coerce(entities.risk_colour, sa.String)
    line = entities.uscc + " " + colour + " " + sa.cast(entities.id, sa.String)
    connection = await session.connection()
    text = await connection.scalar(sa.select(lines_of(session, line)).where(*conditions))
    lines = text.split("\n") if text else []
    lines.sort()  # the order that decides
    fields = " ".join(lines).split(" ") if lines else []
    assert len(fields) == 3 * len(lines), "a USCC holds no space (GB 32100's alphabet)"
    found = _Candidates(fields[0::3], fields[1::3], [int(i) for i in fields[2::3]])
    return found


@dataclass(frozen=True)
class _Department:
    id: int
    code: str
    per_target: int


async def _departments(session: AsyncSession, plan: SpotCheckPlan) -> list[_Department]:
    assert plan.id is not None
    members = (await plan_departments(session, [plan.id]))[plan.id]
    codes = dict(
        (
            await session.execute(
                select(col(Department.id), col(Department.code)).where(
                    col(Department.id).in_([m.department_id for m in members])
                )
            )
        ).all()
    )
    return [_Department(m.department_id, codes[m.department_id], m.inspectors_per_target) for m in members]


async def _pools(
    session: AsyncSession, departments: Sequence[_Department], draw_date: date
) -> tuple[list[draw_rule.Pool], dict[str, int]]:
    """Each plan department's inspectors eligible on the draw date (active, certificate valid that
    day), and every pool certificate's inspector id. The lead reads its partners' inspectors
    here: the draw assigns them by the published rule, and shows only certificate numbers."""
    rows = (
        await session.execute(
            select(col(Inspector.id), col(Inspector.department_id), col(Inspector.certificate_no))
            .where(
                col(Inspector.department_id).in_([d.id for d in departments]),
                col(Inspector.active).is_(True),
                col(Inspector.valid_from) <= draw_date,
                col(Inspector.valid_to) >= draw_date,
            )
            .execution_options(**seeing_all(Inspector))
        )
    ).all()
    by_department: dict[int, list[str]] = {}
    for _, department_id, certificate in rows:
        by_department.setdefault(department_id, []).append(certificate)
    pools = [draw_rule.Pool(d.code, d.per_target, tuple(sorted(by_department.get(d.id, [])))) for d in departments]
    return pools, {certificate: _id(inspector_id) for inspector_id, _, certificate in rows}


async def _conflicts(
    session: AsyncSession, entity_ids: Sequence[int], inspector_ids: Sequence[int]
) -> dict[int, set[int]]:
    """Per entity, the inspectors declared in conflict with it (回避), whichever department's."""
    if not entity_ids or not inspector_ids:
        return {}
    rows = await session.execute(
        select(col(InspectorConflict.entity_id), col(InspectorConflict.inspector_id))
        .where(
            col(InspectorConflict.entity_id).in_(list(entity_ids)),
            col(InspectorConflict.inspector_id).in_(list(inspector_ids)),
        )
        .execution_options(**seeing_all(InspectorConflict))
    )
    declared: dict[int, set[int]] = {}
    for entity_id, inspector_id in rows.all():
        declared.setdefault(entity_id, set()).add(inspector_id)
    return declared


async def _entity_ids(session: AsyncSession, usccs: Sequence[str]) -> dict[str, int]:
    """The selected entities' ids: the draw chose them from what the caller sees, and a
    replacement's candidates were drawn from the lead's view, whoever asks for it."""
    found: dict[str, int] = {}
    chunk = 5000
    for start in range(0, len(usccs), chunk):
        rows = await session.execute(
            select(col(MarketEntity.uscc), col(MarketEntity.id))
            .where(col(MarketEntity.uscc).in_(list(usccs[start : start + chunk])))
            .execution_options(**UNRESTRICTED)
        )
        found.update(dict(rows.all()))  # type: ignore[arg-type]
    return found


async def _colour_now(session: AsyncSession, entity_id: int) -> RiskColour:
    colour = await session.scalar(
        select(col(MarketEntity.risk_colour)).where(col(MarketEntity.id) == entity_id).execution_options(**UNRESTRICTED)
    )
    assert colour is not None
    return colour


def _assign(
    assigner: draw_rule.Assigner,
    selection: draw_rule.Selection,
    entity_id: int,
    conflicts: dict[int, set[int]],
    inspector_ids: dict[str, int],
) -> None:
    # Most entities have no declared conflict: no need to look through the whole pool for them.
    declared = conflicts.get(entity_id)
    recused = [c for c, inspector in inspector_ids.items() if inspector in declared] if declared else []
    try:
        assigner.assign(selection, recused)
    except draw_rule.DrawRuleError as error:
        raise DomainError(error.code, str(error), "planId") from error


async def _add_tasks(
    session: AsyncSession,
    plan: SpotCheckPlan,
    departments: Sequence[_Department],
    selections: Sequence[tuple[int, int, list[tuple[str, str]]]],
    inspector_ids: dict[str, int],
) -> None:
    """One ASSIGNED task per (selection id, entity id, inspectors) per plan department, with that
    department's assigned inspectors."""
    by_code = {d.code: d.id for d in departments}
    rows = [
        {
            "plan_id": plan.id,
            "selection_id": selection_id,
            "entity_id": entity_id,
            "department_id": d.id,
            "kind": InspectionTaskKind.DRAWN,
            "status": InspectionTaskStatus.ASSIGNED,
            "due_on": plan.period_end,
        }
        for selection_id, entity_id, _ in selections
        for d in departments
    ]
    await insert_rows(session, InspectionTask.__table__, rows)  # type: ignore[attr-defined]
    wanted = [selection_id for selection_id, _, _ in selections]
    tasks: dict[tuple[int, int], int] = {}
    for start in range(0, len(wanted), 5000):
        found = await session.execute(
            select(col(InspectionTask.selection_id), col(InspectionTask.department_id), col(InspectionTask.id))
            .where(
                col(InspectionTask.plan_id) == plan.id,
                col(InspectionTask.selection_id).in_(wanted[start : start + 5000]),
            )
            # A partner replacing its own task adds every plan department's tasks, and reads their ids back.
            .execution_options(**seeing_all(InspectionTask))
        )
        tasks.update({(s, d): t for s, d, t in found.all()})  # type: ignore[misc]
    links = [
        {"task_id": tasks[(selection_id, by_code[code])], "inspector_id": inspector_ids[certificate]}
        for selection_id, _, inspectors in selections
        for certificate, code in inspectors
    ]
    await insert_rows(session, InspectionTaskInspector.__table__, links)  # type: ignore[attr-defined]


async def draw_plan(session: AsyncSession, plan_id: int) -> DrawRecord:
    """The draw in the caller's transaction (drawSpotCheck runs it through `draw_spot_check`, which
    also logs a refusal); a refusal raises, and the caller rolls back."""
    principal = principal_of(session)
    require(principal, Operation.DRAW_SPOT_CHECK)
    own = require_handler(principal)
    plan = await _plan_to_draw(session, plan_id, own)
    assert plan.id is not None and plan.seed_hex is not None and plan.seed_commitment is not None
    draw_date = today()
    found = await _candidates(session, plan, draw_date)
    candidates, colours = found.usccs, found.colours
    if not candidates:
        raise DomainError("NO_CANDIDATES", "没有符合筛选条件的检查对象（或均在排除期内），未抽取", "planId")
    by_colour = plan.sample_kind is SampleKind.COLOUR_RATIO
    sample = sample_of(plan)
    strata, selections = draw_rule.draw(plan.seed_hex, sample, candidates, colours if by_colour else None)
    if not selections:
        raise DomainError("NO_CANDIDATES", "按计划的抽取比例，各层均无应抽取的对象，未抽取", "planId")
    departments = await _departments(session, plan)
    pools, inspector_ids = await _pools(session, departments, draw_date)
    entity_ids = {s.uscc: found.ids[found.at(s.uscc)] for s in selections}
    conflicts = await _conflicts(session, list(entity_ids.values()), list(inspector_ids.values()))
    assigner = draw_rule.Assigner(plan.seed_hex, pools, len(selections))
    for selection in selections:
        _assign(assigner, selection, entity_ids[selection.uscc], conflicts, inspector_ids)
    drawn_at = utcnow()

    def wrong_state(row: SpotCheckPlan) -> DomainError:
        return DomainError("ALREADY_DRAWN", "该计划已抽取，每个计划只抽取一次", "planId")

    await transition(
        session,
        SpotCheckPlan,
        plan.id,
        (SpotCheckPlanStatus.APPROVED,),
        SpotCheckPlanStatus.DRAWN,
        {"drawn_at": drawn_at, "updated_at": drawn_at},
        not_found=lambda _: _plan_not_found(plan_id),
        wrong_state=wrong_state,
    )

    def colour_of(uscc: str) -> RiskColour:
        return RiskColour(colours[found.at(uscc)])

    record = DrawRecord(
        plan_id=plan.id,
        drawn_at=drawn_at,
        draw_date=draw_date,
        seed_hex=plan.seed_hex,
        seed_commitment=plan.seed_commitment,
        filter=plan.filter,
        candidate_count=len(candidates),
        candidate_list_hash=draw_rule.candidate_list_hash(candidates),
        candidates="\n".join(candidates),
        candidate_colours="\n".join(colours) if by_colour else None,
        strata=[{"colour": s.colour, "size": s.size, "sampleSize": s.sample_size} for s in strata],
        inspector_pool=[
            {"departmentCode": p.department_code, "perTarget": p.per_target, "certificateNos": list(p.certificate_nos)}
            for p in pools
        ],
    )
    session.add(record)
    await session.flush()  # the unique plan is the last guard against a second draw
    await insert_rows(
        session,
        DrawSelection.__table__,  # type: ignore[attr-defined]
        [
            {
                "plan_id": plan.id,
                "draw_order": s.order,
                "entity_id": entity_ids[s.uscc],
                "uscc": s.uscc,
                "colour": colour_of(s.uscc),
                "key": s.key,
                "inspectors": [{"certificateNo": c, "departmentCode": d} for c, d in s.inspectors],
                "recused": s.recused,
            }
            for s in selections
        ],
    )
    numbered = await session.execute(
        select(col(DrawSelection.draw_order), col(DrawSelection.id)).where(col(DrawSelection.plan_id) == plan.id)
    )
    ids = {order: _id(selection_id) for order, selection_id in numbered.all()}
    await _add_tasks(
        session,
        plan,
        departments,
        [(ids[s.order], entity_ids[s.uscc], s.inspectors) for s in selections],
        inspector_ids,
    )
    session.add(DrawAttempt(plan_id=plan.id, actor=principal.name, outcome=DrawAttemptOutcome.DRAWN))
    after = {
        "status": SpotCheckPlanStatus.DRAWN.value,
        "seed": plan.seed_hex,
        "seed_commitment": plan.seed_commitment,
        "draw_date": draw_date,
        "candidate_count": len(candidates),
        "candidate_list_hash": record.candidate_list_hash,
        "selected": len(selections),
    }
    before = {"status": SpotCheckPlanStatus.APPROVED.value}
    await audit.record(session, "spot_check_plan.drawn", "SpotCheckPlan", str(plan.id), before, after)
    return record


async def _log_refusal(session: AsyncSession, plan_id: int, problem: Problem) -> None:
    """A refused attempt, in a transaction of its own (the attempt's own rolled back). A plan the
    caller cannot see is still named: the attempt was made on it."""
    principal = principal_of(session)
    exists = await session.scalar(
        select(col(SpotCheckPlan.id)).where(col(SpotCheckPlan.id) == plan_id).execution_options(**UNRESTRICTED)
    )
    if exists is not None:
        session.add(
            DrawAttempt(
                plan_id=plan_id, actor=principal.name, outcome=DrawAttemptOutcome.REFUSED, code=problem.code,
                message=problem.message,
            )
        )  # fmt: skip
        await session.flush()
    after = {"outcome": DrawAttemptOutcome.REFUSED.value, "code": problem.code, "message": problem.message}
    await audit.record(session, "spot_check_plan.draw_refused", "SpotCheckPlan", str(plan_id), None, after)


async def draw_spot_check(db: Database, principal: Principal, plan_id: int) -> tuple[DrawRecord | None, list[Problem]]:
    """drawSpotCheck: the draw in one transaction; a refusal (as data, or FORBIDDEN) is then
    logged in a transaction of its own, so that nothing of the refused draw is stored but the
    attempt is."""
    try:
        record, problems = await run_change(db, principal, lambda session: draw_plan(session, plan_id))
    except Forbidden as error:
        refusal = error.problems[0]
        await run_change(db, principal, lambda session: _log_refusal(session, plan_id, refusal))
        raise
    except Unauthenticated:
        raise
    if problems:
        await run_change(db, principal, lambda session: _log_refusal(session, plan_id, problems[0]))
    return record, problems


# -- replacement --------------------------------------------------------------------------------------


async def replace_drawn_entity(session: AsyncSession, task_id: int, reason: str) -> Replacement:
    """Rule 7: a drawn entity the registry now shows deregistered or revoked is replaced by the
    next candidate of its stratum by key that no selection holds; its tasks (every department's)
    become REPLACED and the replacement gets new ones. NO_REPLACEMENT_LEFT when none is left."""
    principal = principal_of(session)
    require(principal, Operation.REPLACE_DRAWN_ENTITY)
    require_handler(principal)
    problems = Collector()
    text = checks.text(reason, "替补原因", "reason", problems, limit=REASON_LIMIT)
    problems.raise_if_any()
    # Replacements of one plan take turns: each numbers its selection after the last and counts loads.
    await audit.lock_chain(session)
    task = await session.get(InspectionTask, task_id)
    if task is None:
        raise DomainError("TASK_NOT_FOUND", f"检查任务 {task_id} 不存在或与本部门无关", "taskId")
    if task.kind is not InspectionTaskKind.DRAWN or task.selection_id is None or task.plan_id is None:
        raise DomainError("NOT_DRAWN_TASK", "只有随机抽取产生的检查任务可以替补", "taskId")
    if task.status is InspectionTaskStatus.REPLACED:
        raise DomainError("ALREADY_REPLACED", "该检查任务的对象已被替补", "taskId")
    if task.status is not InspectionTaskStatus.ASSIGNED:
        raise DomainError("TASK_NOT_ASSIGNED", f"该检查任务{label(task.status)}，不能再替补", "taskId")
    status = await session.scalar(
        select(sa.type_coerce(col(MarketEntity.status), sa.String))
        .where(col(MarketEntity.id) == task.entity_id)
        .execution_options(**UNRESTRICTED)  # the draw assigned the entity to this department
    )
    if status not in {s.value for s in _GONE}:
        raise DomainError(
            "ENTITY_STILL_ACTIVE",
            "只有登记状态为注销或吊销的抽中对象可以替补（现场发现已关闭停业的，请录入检查结果）",
            "taskId",
        )
    plan = await session.get(SpotCheckPlan, task.plan_id)
    record = await session.scalar(select(DrawRecord).where(col(DrawRecord.plan_id) == task.plan_id))
    assert plan is not None and plan.id is not None and record is not None
    selections = list(
        (
            await session.scalars(
                select(DrawSelection)
                .where(col(DrawSelection.plan_id) == plan.id)
                .order_by(col(DrawSelection.draw_order))
            )
        ).all()
    )
    replaced = next(s for s in selections if s.id == task.selection_id)
    # Every department's tasks of the selection: the replacement holds for the whole plan.
    gone = await session.execute(
        sa.update(InspectionTask)
        .where(
            col(InspectionTask.selection_id) == replaced.id, col(InspectionTask.status) == InspectionTaskStatus.ASSIGNED
        )
        .values(status=InspectionTaskStatus.REPLACED, updated_at=utcnow())
        .returning(col(InspectionTask.id))
        .execution_options(synchronize_session=False, **seeing_all(InspectionTask))
    )
    if task_id not in set(gone.scalars().all()):
        raise DomainError("ALREADY_REPLACED", "该检查任务的对象已被替补", "taskId")
    candidates = record.candidates.split("\n") if record.candidates else []
    colours = record.candidate_colours.split("\n") if record.candidate_colours else None
    stratum = replaced.colour.value if colours is not None else None
    found = draw_rule.next_in_stratum(record.seed_hex, candidates, colours, stratum, {s.uscc for s in selections})
    if found is None:
        raise DomainError("NO_REPLACEMENT_LEFT", "该层候选对象已全部抽中，没有可替补的对象", "taskId")
    key, uscc = found
    pools = draw_rule.pools_of(record.inspector_pool)
    targets = sum(int(s["sampleSize"]) for s in record.strata)
    assigner = draw_rule.Assigner(record.seed_hex, pools, targets)
    replaced_ids = {s.replaces_id for s in selections if s.replaces_id is not None} | {replaced.id}
    assigner.loads = Counter(
        (i["departmentCode"], i["certificateNo"]) for s in selections if s.id not in replaced_ids for i in s.inspectors
    )
    departments = await _departments(session, plan)
    certificates = [c for p in pools for c in p.certificate_nos]
    pooled = await session.execute(
        select(col(Inspector.certificate_no), col(Inspector.id))
        .where(col(Inspector.certificate_no).in_(certificates))
        .execution_options(**seeing_all(Inspector))
    )
    inspector_ids = {certificate: _id(inspector_id) for certificate, inspector_id in pooled.all()}
    entity_id = (await _entity_ids(session, [uscc]))[uscc]
    conflicts = await _conflicts(session, [entity_id], list(inspector_ids.values()))
    new = draw_rule.Selection(max(s.draw_order for s in selections) + 1, uscc, stratum, key)
    _assign(assigner, new, entity_id, conflicts, inspector_ids)
    colour = RiskColour(stratum) if stratum is not None else await _colour_now(session, entity_id)
    selection = DrawSelection(
        plan_id=plan.id,
        draw_order=new.order,
        entity_id=entity_id,
        uscc=uscc,
        colour=colour,
        key=key,
        inspectors=[{"certificateNo": c, "departmentCode": d} for c, d in new.inspectors],
        recused=new.recused,
        replaces_id=replaced.id,
        replacement_reason=text,
    )
    session.add(selection)
    await session.flush()
    assert selection.id is not None
    await _add_tasks(session, plan, departments, [(selection.id, entity_id, new.inspectors)], inspector_ids)
    after = {"replaced": replaced.uscc, "replacement": uscc, "order": new.order, "reason": text, "task": task_id}
    await audit.record(session, "spot_check_plan.replaced", "SpotCheckPlan", str(plan.id), None, after)
    return Replacement(plan, selection, replaced)
