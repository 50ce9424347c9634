"""The records behind one number of 绩效考核: the rows a measure counted for a department and a period,
by the same conditions as the count (services.analysis.performance), first LIMIT of them.

Who may read them is who may read the measures: maintainers any department's, a department its own."""

from __future__ import annotations

from collections.abc import Callable
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


@dataclass(frozen=True)
class Behind:
    measure: str
    title: str
    period: Period
    department_code: str
    department_name: str
    rows: list[BehindRow]
    more: bool  # more rows than LIMIT were counted


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return beijing(value).date() if isinstance(value, datetime) else value


Query = Callable[[AsyncSession, Period, list[int]], Any]


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


def _tasks(results: bool, condition: bool) -> Query:
    def build(session: AsyncSession, period: Period, ids: list[int]) -> Any:
        scope = p.result_scope(period, ids) if results else p.task_scope(period, ids)
        query = (
            sa.select(InspectionTask, col(MarketEntity.uscc), col(MarketEntity.name))
            .outerjoin(MarketEntity, col(MarketEntity.id) == col(InspectionTask.entity_id))
            .where(*scope)
            .order_by(col(InspectionTask.id))
        )
        if condition:
            query = query.where(p.published_in_time(session) if results else p.done_by_due(session))
        return query

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


# Each number of the ranking page that links to its records: its title and its rows.
MEASURES: dict[str, tuple[str, Query]] = {
    "notices.received": ("收到的告知", _notices("received")),
    "notices.claimed": ("已认领的告知", _notices("claimed")),
    "notices.claimed_in_time": ("按期认领的告知", _notices("claimed_in_time")),
    "notices.forwarded": ("已转交的告知", _notices("forwarded")),
    "notices.returned": ("已退回的告知", _notices("returned")),
    "notices.overdue": ("逾期未认领的告知", _notices("overdue")),
    "notices.claimed_from_pool": ("从待认领池认领的告知", _notices("claimed_from_pool")),
    "notices.feedback_given": ("已反馈的告知（含从待认领池认领的）", _notices("feedback_given")),
    "spot_checks.plans_run": ("完成抽取的抽查计划", _plans),
    "spot_checks.tasks_due": ("到期的检查任务", _tasks(results=False, condition=False)),
    "spot_checks.tasks_done_by_due": ("按期完成的检查任务", _tasks(results=False, condition=True)),
    "spot_checks.results_recorded": ("录入的检查结果", _tasks(results=True, condition=False)),
    "spot_checks.results_published_in_time": ("按期公示的检查结果", _tasks(results=True, condition=True)),
    "licenses.aggregated": ("归集的行政许可", _records(License)),
    "licenses.within_deadline": ("7 个工作日内归集的行政许可", _records(License)),
    "penalties.aggregated": ("归集的行政处罚", _records(Penalty)),
    "penalties.within_deadline": ("7 个工作日内归集的行政处罚", _records(Penalty)),
    "referrals.received": ("收到的联动告知", _referrals(None)),
    "referrals.acknowledged": ("已签收的联动告知", _referrals("acknowledged")),
    "referrals.handled": ("已办结的联动告知", _referrals("handled")),
}


def _row(kind: str, found: Any) -> BehindRow:
    """One selected row as the page shows it (working days are counted after)."""
    if kind == "spot_checks.plans_run":
        plan: SpotCheckPlan = found[0]
        assert plan.id is not None and plan.drawn_at is not None
        return BehindRow("plan", plan.id, None, None, plan.name, "", beijing(plan.drawn_at).date(), _day(plan.done_at),
                         label(plan.status), None)  # fmt: skip
    record, uscc, name = found
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
    title, build = MEASURES[measure]
    query = build(session, period, [department.id]).execution_options(**p.ALL_DEPARTMENTS)
    if measure.endswith("within_deadline"):
        model = License if measure.startswith("licenses") else Penalty
        query = query.where(await p.stored_in_time(session, model, period, [department.id]))
    rows = [_row(measure, found) for found in (await session.execute(query.limit(LIMIT + 1))).all()]
    if rows and measure.split(".")[0] in ("licenses", "penalties", "notices", "referrals"):
        counted = [day for row in rows for day in (row.started, row.done) if day is not None]
        days = await calendar.load(session, min(counted), max(counted))
        between = days.working_days_between
        rows = [
            replace(row, working_days=between(row.started, row.done) if row.done is not None and row.timed else None)
            for row in rows
        ]
    return Behind(measure, title, period, department.code, department.name, rows[:LIMIT], len(rows) > LIMIT)
