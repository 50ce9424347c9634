"""The records behind one number of 绩效考核: the rows a measure counted for a department and a period,
by the same conditions as the count (services.analysis.performance), first LIMIT of them. A rate's page
is its denominator's records, with which of them its numerator counts marked; a median's, the records it
is the median of, each with its working days.

Who may read them is who may read the measures: maintainers any department's, a department its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import (
    InspectionTask,
    License,
    MarketEntity,
    Notice,
    Penalty,
    Referral,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
)
from services.analysis import performance as p
from services.analysis.period import Period, checked_period
from services.notices.notices import POOL_REASON
from services.platform import calendar
from services.platform.access import Operation, principal_of, require
from services.platform.clock import beijing
from services.platform.errors import DomainError, Forbidden
from services.platform.labels import NOTICE_REASONS, label
from services.registry.departments import get_department

LIMIT = 500


@dataclass(frozen=True)
class BehindRow:
    """One record counted: what it is, its entity, when it started and when it was done."""

    kind: str  # notice, plan, task, license, penalty, referral
    id: int
    entity_id: int | None  # None: a plan
    uscc: str | None
    name: str  # the entity's name, or the plan's
    reference: str  # a document number, or ""
    started: date  # pushed, drawn, due, decided, sent (Beijing date)
    done: date | None  # claimed, recorded, published, stored, acknowledged, handled
    status: str  # in Chinese
    working_days: int | None  # from start to done, where the measure counts them
    timed: bool = True  # False: a claim from the open pool, never pushed, so it took no time to claim
    marked: bool | None = None  # on a rate's denominator page: whether the rate's numerator counts it


@dataclass(frozen=True)
class Behind:
    measure: str
    title: str
    period: Period
    department_code: str
    department_name: str
    rows: list[BehindRow]
    more: bool  # more rows than LIMIT were counted
    note: str | None = None  # what the page is, where its title does not say it all
    mark: str | None = None  # the heading of the rows' marks (BehindRow.marked), where they have them


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return beijing(value).date() if isinstance(value, datetime) else value


Query = Callable[[AsyncSession, Period, list[int]], Any]
# A condition on a measure's rows, some of which need the database first (the records stored in time).
Condition = Callable[[AsyncSession, Period, list[int]], Awaitable[Any]]


def _flag(build: Callable[[AsyncSession], Any]) -> Condition:
    async def condition(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        return build(session)

    return condition


def _stored_in_time(model: type[License] | type[Penalty]) -> Condition:
    async def condition(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        return await p.stored_in_time(session, model, period, ids)

    return condition


def _notices(condition: str) -> Query:
    def build(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        return (
            sa.select(Notice, col(MarketEntity.uscc), col(MarketEntity.name))
            .outerjoin(MarketEntity, col(MarketEntity.id) == col(Notice.entity_id))
            .where(*p.notice_scope(period, ids), p.notice_flags(session)[condition])
            .order_by(col(Notice.id))
        )

    return build


def _plans(session: AsyncSession, period: Period, ids: list[int]) -> Any:
    return (
        sa.select(SpotCheckPlan)
        .join(SpotCheckPlanDepartment, col(SpotCheckPlan.id) == col(SpotCheckPlanDepartment.plan_id))
        .where(*p.plan_scope(period, ids))
        .order_by(col(SpotCheckPlan.id))
    )


def _tasks(results: bool, condition: Callable[[AsyncSession], Any] | None = None) -> Query:
    def build(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        scope = p.result_scope(period, ids) if results else p.task_scope(period, ids)
        query = (
            sa.select(InspectionTask, col(MarketEntity.uscc), col(MarketEntity.name))
            .outerjoin(MarketEntity, col(MarketEntity.id) == col(InspectionTask.entity_id))
            .where(*scope)
            .order_by(col(InspectionTask.id))
        )
        return query if condition is None else query.where(condition(session))

    return build


def _records(model: type[License] | type[Penalty]) -> Query:
    def build(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        return (
            sa.select(model, col(MarketEntity.uscc), col(MarketEntity.name))
            .outerjoin(MarketEntity, col(MarketEntity.id) == col(model.entity_id))
            .where(*p.record_scope(model, period, ids))
            .order_by(col(model.id))
        )

    return build


def _referrals(condition: str | None) -> Query:
    def build(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        query = (
            sa.select(Referral, col(MarketEntity.uscc), col(MarketEntity.name))
            .outerjoin(MarketEntity, col(MarketEntity.id) == col(Referral.entity_id))
            .where(*p.referral_scope(period, ids))
            .order_by(col(Referral.id))
        )
        if condition == "acknowledged":
            query = query.where(col(Referral.acknowledged_at).is_not(None))
        elif condition == "handled":
            query = query.where(col(Referral.handled_at).is_not(None))
        return query

    return build


@dataclass(frozen=True)
class Measure:
    """The records behind one number: the page's title and rows, a further condition that needs the database
    first (`only`), and for a rate's denominator which rows its numerator counts (`marked`, headed `mark`)."""

    title: str
    query: Query
    only: Condition | None = None
    mark: str | None = None
    marked: Condition | None = None
    note: str | None = None


def _notice_flag(name: str) -> Condition:
    return _flag(lambda session: p.notice_flags(session)[name])


# Each number of the ranking page that links to its records, and each denominator of a rate (the ranking page
# links a rate to its denominator's records, a median to the records it is the median of).
MEASURES: dict[str, Measure] = {
    "notices.received": Measure("收到的告知", _notices("received")),
    "notices.to_claim": Measure(
        "应认领的告知",
        _notices("to_claim"),
        mark="按期认领",
        marked=_notice_flag("claimed_in_time"),
        note="认领率、按期认领率的分母：收到的告知中，除去已转交的、已退回的和未认领而认领期限（截至今天）未过的",
    ),
    "notices.claimed": Measure("已认领的告知", _notices("claimed")),
    "notices.claimed_in_time": Measure("按期认领的告知", _notices("claimed_in_time")),
    "notices.forwarded": Measure("已转交的告知", _notices("forwarded")),
    "notices.returned": Measure("已退回的告知", _notices("returned")),
    "notices.overdue": Measure("逾期未认领的告知", _notices("overdue")),
    "notices.claimed_from_pool": Measure("从待认领池认领的告知", _notices("claimed_from_pool")),
    "notices.feedback_due": Measure(
        "已认领的告知（含从待认领池认领的）",
        _notices("feedback_due"),
        mark="已反馈",
        marked=_notice_flag("feedback_given"),
        note="反馈率的分母",
    ),
    "notices.feedback_given": Measure("已反馈的告知（含从待认领池认领的）", _notices("feedback_given")),
    "spot_checks.plans_run": Measure("完成抽取的抽查计划", _plans),
    "spot_checks.tasks_due": Measure(
        "到期的检查任务", _tasks(results=False), mark="按期完成", marked=_flag(p.done_by_due)
    ),
    "spot_checks.tasks_done_by_due": Measure("按期完成的检查任务", _tasks(results=False, condition=p.done_by_due)),
    "spot_checks.results_recorded": Measure("录入的检查结果", _tasks(results=True)),
    "spot_checks.results_to_publish": Measure(
        "已公示或公示期限已过的检查结果",
        _tasks(results=True, condition=lambda session: p.to_publish()),
        mark="按期公示",
        marked=_flag(p.published_in_time),
        note="按期公示率的分母：期间内录入的检查结果中，已公示或公示期限已过（早于今天）的",
    ),
    "spot_checks.results_published_in_time": Measure(
        "按期公示的检查结果", _tasks(results=True, condition=p.published_in_time)
    ),
    "licenses.aggregated": Measure(
        "归集的行政许可", _records(License), mark="7 个工作日内", marked=_stored_in_time(License)
    ),
    "licenses.within_deadline": Measure("7 个工作日内归集的行政许可", _records(License), only=_stored_in_time(License)),
    "penalties.aggregated": Measure(
        "归集的行政处罚", _records(Penalty), mark="7 个工作日内", marked=_stored_in_time(Penalty)
    ),
    "penalties.within_deadline": Measure(
        "7 个工作日内归集的行政处罚", _records(Penalty), only=_stored_in_time(Penalty)
    ),
    "referrals.received": Measure("收到的联动告知", _referrals(None)),
    "referrals.acknowledged": Measure("已签收的联动告知", _referrals("acknowledged")),
    "referrals.handled": Measure("已办结的联动告知", _referrals("handled")),
}


def _row(kind: str, found: Any) -> BehindRow:
    """One selected row as the page shows it (working days are counted after)."""
    if kind == "spot_checks.plans_run":
        plan: SpotCheckPlan = found[0]
        assert plan.id is not None and plan.drawn_at is not None
        return BehindRow("plan", plan.id, None, None, plan.name, "", beijing(plan.drawn_at).date(), _day(plan.done_at),
                         label(plan.status), None)  # fmt: skip
    record, uscc, name = found[0], found[1], found[2]
    if isinstance(record, Notice):
        pooled = record.reason == POOL_REASON
        status = f"{label(record.status)}（{NOTICE_REASONS[POOL_REASON]}）" if pooled else label(record.status)
        return BehindRow("notice", record.id or 0, record.entity_id, uscc, name or "", "",
                         beijing(record.pushed_at).date(), _day(record.claimed_at), status, None,
                         timed=not pooled)  # fmt: skip
    if isinstance(record, InspectionTask):
        results = kind.startswith("spot_checks.results")
        started = _day(record.recorded_at) if results else record.due_on
        done = _day(record.published_at) if results else _day(record.recorded_at)
        return BehindRow("task", record.id or 0, record.entity_id, uscc, name or "", "", started or record.due_on, done,
                         label(record.status), None)  # fmt: skip
    if isinstance(record, License | Penalty):
        kind_name = "license" if isinstance(record, License) else "penalty"
        return BehindRow(kind_name, record.id or 0, record.entity_id, uscc, name or "", record.document_number,
                         record.decision_date, beijing(record.created_at).date(), label(record.status),
                         None)  # fmt: skip
    assert isinstance(record, Referral)
    # The day the measure counts to: acknowledged for 签收, handled for 办结; for the referrals received,
    # the later of the two that happened.
    done = {"referrals.acknowledged": record.acknowledged_at, "referrals.handled": record.handled_at}.get(
        kind, record.handled_at or record.acknowledged_at
    )
    return BehindRow("referral", record.id or 0, record.entity_id, uscc, name or "", "", beijing(record.sent_at).date(),
                     _day(done), label(record.status), None)  # fmt: skip


async def records_behind(session: AsyncSession, department_code: str, start: date, end: date,
                         measure: str) -> Behind:  # fmt: skip
    """The rows `measure` counted for the department over the period, oldest first, at most LIMIT."""
    principal = principal_of(session)
    require(principal, Operation.DEPARTMENT_PERFORMANCE)
    if measure not in MEASURES:
        raise DomainError("UNKNOWN_MEASURE", f"没有“{measure}”这项指标", "measure")
    period = await checked_period(session, start, end)
    department = await get_department(session, department_code)
    assert department.id is not None
    if not principal.is_maintainer and principal.department_id != department.id:
        raise Forbidden("只能查看本部门的绩效考核")
    measured, ids = MEASURES[measure], [department.id]
    query = measured.query(session, period, ids).execution_options(**p.ALL_DEPARTMENTS)
    if measured.only is not None:
        query = query.where(await measured.only(session, period, ids))
    if measured.marked is not None:
        query = query.add_columns(sa.case((await measured.marked(session, period, ids), 1), else_=0))
    found = (await session.execute(query.limit(LIMIT + 1))).all()
    rows = [_row(measure, one) for one in found]
    if measured.marked is not None:
        rows = [replace(row, marked=bool(one[-1])) for row, one in zip(rows, found, strict=True)]
    if rows and measure.split(".")[0] in ("licenses", "penalties", "notices", "referrals"):
        counted = [day for row in rows for day in (row.started, row.done) if day is not None]
        days = await calendar.load(session, min(counted), max(counted))
        between = days.working_days_between
        rows = [
            replace(row, working_days=between(row.started, row.done) if row.done is not None and row.timed else None)
            for row in rows
        ]
    return Behind(measure, measured.title, period, department.code, department.name, rows[:LIMIT], len(rows) > LIMIT,
                  measured.note, measured.mark)  # fmt: skip
