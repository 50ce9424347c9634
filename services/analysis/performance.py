"""绩效考核: each department's timeliness and completeness over a period, from the platform's own traces.

A period is whole days in Asia/Shanghai, both ends included (services.analysis.period). A stored time
counts on its Beijing date. Working days come from the maintainers' calendar
(services.platform.calendar), loaded once for a window around the period (WINDOW_DAYS either side) and
counted in SQL over it (services.platform.working_days): the statements return how many rows lie at each
count of working days, not the rows.

The measures (rates are percentages to one decimal place, None when nothing is counted under them):

双告知, over the notices pushed to the department in the period (a forwarded notice counts for the
department it was forwarded to, as the new notice pushed to it). A claim from the open pool
(services.notices.notices.claim_from_pool: a notice made already CLAIMED, reason POOL) was never pushed to
it, so it counts in claimed_from_pool and the feedback only: counted as pushed, it would be a notice
received and claimed at once, in 0 working days, lifting the claim rates and shortening the median.
- received: those notices;
- claimed: claimed (feedback given or not); claimed_rate = claimed / to claim;
- claimed_in_time: claimed on or before the notice's deadline (the claim's Beijing date ≤ deadline);
  claimed_in_time_rate = claimed_in_time / to claim;
  "to claim" (to_claim) = received − forwarded − returned − those still unclaimed (PUSHED) whose deadline
  is today or later: a forward or a return is the proper answer to a notice not the department's matter
  (domain.md), and a notice not yet due may still be claimed in time. "Today" is the day of the
  reading, whatever the period's end;
- median_claim_days: the median of the working days from push to claim over the claimed ones
  (working days after the push day, up to and including the claim day: a claim the same day is 0);
- forwarded, returned: passed on to another department, or returned as not its matter;
- overdue: still unclaimed (PUSHED) today and past their deadline;
- claimed_from_pool: the department's claims from the open pool in the period (on the claim's day);
- feedback_given: claimed and fed back (双反馈; domain.md sets no deadline for it), over the notices
  claimed and those claimed from the pool: feedback on an entity taken from the pool is the same work;
  feedback_rate = feedback_given / feedback_due, feedback_due = claimed + claimed_from_pool.

双随机:
- plans_run: the plans the department leads or joins whose draw was made in the period;
- tasks_due: its inspection tasks due in the period (a task replaced after the draw excepted) whose
  due date has passed (before today) or whose result is recorded already;
  tasks_done_by_due: those whose result was recorded on or before the due date;
  tasks_done_rate = tasks_done_by_due / tasks_due;
- results_recorded: its results recorded in the period; results_published_in_time: those published
  within 20 working days of recording (published on or before the task's publish_due_on);
  results_published_rate = results_published_in_time / results_to_publish, those of the recorded published
  already or past their publish_due_on (before today).

双归集, licences and penalties apart, over the records whose source is the department and which
were stored (aggregated) in the period:
- aggregated: those records;
- within_deadline: stored within 7 working days of the decision date (双公示), i.e. at most 7 working
  days after the decision day up to and including the storing day (within_deadline, the rule's one home,
  which the records page's SQL is derived from too); within_deadline_rate;
- median_lag_days: the median of those working days.

联动告知, over the referrals sent to the department in the period:
- received; acknowledged (and acknowledged_rate); handled (and handled_rate);
- median_acknowledge_days, median_handle_days: median working days from sending to each.

Each measure is a few grouped statements for every department at once: a ranking costs what one
department costs, whatever the number of records, and what comes back is a few rows per department.

Who sees what: maintainers (and the command line) every department; a department its own and no
other's, district counterparts included (notices and referrals are each department's own: the
row policy shows no department another's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import (
    Department,
    InspectionTask,
    License,
    Notice,
    Penalty,
    Referral,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
)
from models.enums import InspectionTaskStatus, NoticeStatus
from services.analysis.cache import remembered
from services.analysis.period import Period, checked_period
from services.notices.notices import POOL_REASON
from services.platform import calendar, working_days
from services.platform.access import Operation, policy_key, principal_of, require, seeing_all
from services.platform.clock import today
from services.platform.db import as_date as read_date
from services.platform.db import beijing_date
from services.platform.errors import Forbidden
from services.registry.departments import get_department

RECORD_DEADLINE_DAYS = 7  # 双公示: a decision is aggregated within 7 working days
# The calendar sent with the statements: the period and this many days either side, where nearly every
# decision before a storing and every claim, acknowledgement or handling after a push or a sending falls (a
# date outside it is counted all the same, in Python: services.platform.working_days).
WINDOW_DAYS = 92
# Every table read here is weighed for every department; who may see which department is checked first.
ALL_DEPARTMENTS = seeing_all(Notice, Referral, InspectionTask, SpotCheckPlan, SpotCheckPlanDepartment, License, Penalty)
_TENTH = Decimal("0.1")
# A year's rows name a few hundred days: each is read once (SQLite gives them as text).
as_date = lru_cache(maxsize=8192)(read_date)


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage to one decimal place; None when `whole` is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def median(counted: Iterable[tuple[int, int]]) -> Decimal | None:
    """The median of values given as (value, how many times); None when there are none."""
    ordered = sorted((value, n) for value, n in counted if n > 0)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value, n in ordered:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (Decimal(found[0] + found[1]) / 2).quantize(_TENTH)


@dataclass(frozen=True)
class NoticeMeasures:
    received: int = 0
    claimed: int = 0
    claimed_rate: Decimal | None = None
    claimed_in_time: int = 0
    claimed_in_time_rate: Decimal | None = None
    median_claim_days: Decimal | None = None
    forwarded: int = 0
    returned: int = 0
    overdue: int = 0
    claimed_from_pool: int = 0
    feedback_given: int = 0
    feedback_rate: Decimal | None = None
    # The rates' denominators (the records pages list them): claimed_rate's and claimed_in_time_rate's,
    # and feedback_rate's.
    to_claim: int = 0
    feedback_due: int = 0


@dataclass(frozen=True)
class SpotCheckMeasures:
    plans_run: int = 0
    tasks_due: int = 0
    tasks_done_by_due: int = 0
    tasks_done_rate: Decimal | None = None
    results_recorded: int = 0
    results_published_in_time: int = 0
    results_published_rate: Decimal | None = None
    # results_published_rate's denominator (its records page lists them).
    results_to_publish: int = 0


@dataclass(frozen=True)
class AggregationMeasures:
    aggregated: int = 0
    within_deadline: int = 0
    within_deadline_rate: Decimal | None = None
    median_lag_days: Decimal | None = None


@dataclass(frozen=True)
class ReferralMeasures:
    received: int = 0
    acknowledged: int = 0
    acknowledged_rate: Decimal | None = None
    handled: int = 0
    handled_rate: Decimal | None = None
    median_acknowledge_days: Decimal | None = None
    median_handle_days: Decimal | None = None


@dataclass(frozen=True)
class DepartmentPerformance:
    department: Department
    period: Period
    notices: NoticeMeasures
    spot_checks: SpotCheckMeasures
    licenses: AggregationMeasures
    penalties: AggregationMeasures
    referrals: ReferralMeasures


@dataclass
class _Gathered:
    """What the statements returned, by department: counts, and (working days, how many) pairs."""

    notice_counts: dict[int, dict[str, int]] = field(default_factory=dict)
    claims: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[int, int] = field(default_factory=dict)
    tasks: dict[int, tuple[int, int]] = field(default_factory=dict)
    results: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # recorded, to publish, in time
    licenses: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    penalties: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # (working days to the acknowledgement or None, to the handling or None, how many)
    referrals: dict[int, list[tuple[int | None, int | None, int]]] = field(default_factory=lambda: defaultdict(list))


def _one(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _grouped(column: Any) -> Any:
    """The department to group by, as an expression rather than the bare column: grouping by an indexed
    column made SQLite walk that index and fetch every row of the period at random (20 s for the ranking
    of a million entities' year); over an expression it reads the table once, in order."""
    return column + 0


def _of(column: Any, ids: Sequence[int] | None) -> list[Any]:
    return [] if ids is None else [column.in_(list(ids))]


# Which rows each measure counts, as SQL: the measures here and the rows behind each number
# (services.analysis.performance_records) use these same conditions.


def notice_scope(period: Period, ids: Sequence[int] | None) -> list[Any]:
    first, after = period.utc_bounds()
    return [col(Notice.pushed_at) >= first, col(Notice.pushed_at) < after, *_of(col(Notice.department_id), ids)]


def notice_flags(session: AsyncSession) -> dict[str, Any]:
    """Which of notice_scope's rows each measure counts. A claim from the open pool sits among them (made
    the day it was claimed) but was never pushed: only claimed_from_pool and the feedback count it."""
    pushed = col(Notice.reason) != POOL_REASON
    claimed = col(Notice.claimed_at).is_not(None)
    return {
        "received": pushed,
        "claimed": pushed & claimed,
        "claimed_in_time": pushed & claimed & (beijing_date(session, col(Notice.claimed_at)) <= col(Notice.deadline)),
        "forwarded": pushed & (col(Notice.status) == NoticeStatus.FORWARDED),
        "returned": pushed & (col(Notice.status) == NoticeStatus.RETURNED),
        "overdue": pushed & (col(Notice.status) == NoticeStatus.PUSHED) & (col(Notice.deadline) < today()),
        # Over the claims from the pool too, as its rate's denominator feedback_due: feedback on an entity
        # taken from the pool is the same work as on one pushed.
        "feedback_given": claimed & col(Notice.feedback_at).is_not(None),
        # The rates' denominator: the notices that were the department's to claim by now. A forward or a
        # return is the proper answer to a notice not its matter, and an unclaimed one not yet due may
        # still be claimed in time (its deadline is today or later).
        "to_claim": pushed
        & col(Notice.status).not_in([NoticeStatus.FORWARDED, NoticeStatus.RETURNED])
        & ~((col(Notice.status) == NoticeStatus.PUSHED) & (col(Notice.deadline) >= today())),
        "claimed_from_pool": ~pushed,
        "feedback_due": claimed,
    }


def plan_scope(period: Period, ids: Sequence[int] | None) -> list[Any]:
    first, after = period.utc_bounds()
    member = col(SpotCheckPlanDepartment.department_id)
    return [col(SpotCheckPlan.drawn_at) >= first, col(SpotCheckPlan.drawn_at) < after, *_of(member, ids)]


def task_scope(period: Period, ids: Sequence[int] | None) -> list[Any]:
    """The tasks due in the period whose due date has passed (before today) or that are done already, a
    task replaced after the draw excepted: a task not yet due may still be done in time."""
    due = col(InspectionTask.due_on)
    return [due >= period.start, due <= period.end, (due < today()) | col(InspectionTask.recorded_at).is_not(None),
            col(InspectionTask.status) != InspectionTaskStatus.REPLACED,
            *_of(col(InspectionTask.department_id), ids)]  # fmt: skip


def done_by_due(session: AsyncSession) -> Any:
    recorded_on = beijing_date(session, col(InspectionTask.recorded_at))
    return col(InspectionTask.recorded_at).is_not(None) & (recorded_on <= col(InspectionTask.due_on))


def result_scope(period: Period, ids: Sequence[int] | None) -> list[Any]:
    first, after = period.utc_bounds()
    return [col(InspectionTask.recorded_at) >= first, col(InspectionTask.recorded_at) < after,
            *_of(col(InspectionTask.department_id), ids)]  # fmt: skip


def to_publish() -> Any:
    """The results the publishing rate counts: published, or past their publishing deadline (before today)."""
    return col(InspectionTask.published_at).is_not(None) | (col(InspectionTask.publish_due_on) < today())


def published_in_time(session: AsyncSession) -> Any:
    published_on = beijing_date(session, col(InspectionTask.published_at))
    return col(InspectionTask.published_at).is_not(None) & (published_on <= col(InspectionTask.publish_due_on))


def record_scope(model: type[License] | type[Penalty], period: Period, ids: Sequence[int] | None) -> list[Any]:
    first, after = period.utc_bounds()
    return [col(model.created_at) >= first, col(model.created_at) < after, *_of(col(model.source_department_id), ids)]


def record_days(session: AsyncSession, model: type[License] | type[Penalty]) -> tuple[Any, Any]:
    """The two days a record's lag lies between: its decision date, and the Beijing date it was stored on."""
    return col(model.decision_date), beijing_date(session, col(model.created_at))


def within_deadline(lag: int) -> bool:
    """双公示's rule, the one place it is written: a record is stored in time when its lag is at most
    RECORD_DEADLINE_DAYS. The lag is the working days after its decision date up to and including its storing
    day (record_days), by the calendar (WorkCalendar.working_days_between; services.platform.working_days
    counts the same in SQL). So a record stored on a day off right after its 7th working day is in time: its
    8th has not come. The measure applies this to the lags it counts, the records page to the SQL
    stored_in_time derives from it."""
    return lag <= RECORD_DEADLINE_DAYS


async def stored_in_time(session: AsyncSession, model: type[License] | type[Penalty], period: Period,
                         ids: Sequence[int] | None) -> Any:  # fmt: skip
    """The records within_deadline keeps, as SQL, for the rows behind the number. A lag only grows with the
    storing day, so each decision date has a last storing day in time: those of the decision dates the period's
    records have (a few hundred) are found here from the calendar and the rule, and the database compares each
    record's storing day with its decision date's."""
    decided, stored_on = record_days(session, model)
    found = await session.scalars(
        sa.select(decided).where(*record_scope(model, period, ids)).distinct().execution_options(**ALL_DEPARTMENTS)
    )
    dates = sorted(as_date(day) for day in found.all())
    if not dates:
        return sa.false()
    # Up to the last decision date's first working day past the deadline, where the search below stops.
    work = await calendar.for_deadline(session, dates[0], (dates[-1] - dates[0]).days + RECORD_DEADLINE_DAYS + 1)

    def last_in_time(decision: date) -> date:
        day = decision
        while within_deadline(work.working_days_between(decision, day + timedelta(days=1))):
            day += timedelta(days=1)
        return day

    deadline = sa.case({day: sa.literal(last_in_time(day), sa.Date) for day in dates}, value=decided)
    return stored_on <= deadline


def referral_scope(period: Period, ids: Sequence[int] | None) -> list[Any]:
    first, after = period.utc_bounds()
    return [col(Referral.sent_at) >= first, col(Referral.sent_at) < after, *_of(col(Referral.to_department_id), ids)]


async def _notices(session: AsyncSession, gathered: _Gathered, period: Period, ids: Sequence[int] | None,
                   window: calendar.WorkCalendar) -> None:  # fmt: skip
    scope, flags = notice_scope(period, ids), notice_flags(session)
    names = tuple(flags)
    department = _grouped(col(Notice.department_id))
    counts = (
        sa.select(department, *(_one(flags[name]) for name in names))
        .where(*scope)
        .group_by(department)
        .execution_options(**ALL_DEPARTMENTS)
    )
    for department_id, *values in (await session.execute(counts)).all():
        gathered.notice_counts[department_id] = dict(zip(names, (int(v or 0) for v in values), strict=True))
    pushed_on = beijing_date(session, col(Notice.pushed_at))
    claimed_on = beijing_date(session, col(Notice.claimed_at))
    claims = (
        sa.select(department, pushed_on, claimed_on, sa.func.count())
        .where(*scope, flags["claimed"])
        .group_by(department, pushed_on, claimed_on)
    )
    for department_id, (days,), n in await working_days.counted(session, window, claims, **ALL_DEPARTMENTS):
        assert days is not None
        gathered.claims[department_id].append((days, n))


async def _spot_checks(session: AsyncSession, gathered: _Gathered, period: Period, ids: Sequence[int] | None) -> None:
    member = _grouped(col(SpotCheckPlanDepartment.department_id))
    plans = (
        sa.select(member, sa.func.count())
        .join(SpotCheckPlan, col(SpotCheckPlan.id) == col(SpotCheckPlanDepartment.plan_id))
        .where(*plan_scope(period, ids))
        .group_by(member)
        .execution_options(**ALL_DEPARTMENTS)
    )
    gathered.plans = {department_id: n for department_id, n in (await session.execute(plans)).all()}
    department = _grouped(col(InspectionTask.department_id))
    tasks = (
        sa.select(department, sa.func.count(), _one(done_by_due(session)))
        .where(*task_scope(period, ids))
        .group_by(department)
        .execution_options(**ALL_DEPARTMENTS)
    )
    gathered.tasks = {d: (n, int(done or 0)) for d, n, done in (await session.execute(tasks)).all()}
    results = (
        sa.select(department, sa.func.count(), _one(to_publish()), _one(published_in_time(session)))
        .where(*result_scope(period, ids))
        .group_by(department)
        .execution_options(**ALL_DEPARTMENTS)
    )
    gathered.results = {
        d: (n, int(counted or 0), int(done or 0)) for d, n, counted, done in (await session.execute(results)).all()
    }


async def _records(session: AsyncSession, model: type[License] | type[Penalty], period: Period,
                   ids: Sequence[int] | None, window: calendar.WorkCalendar
                   ) -> dict[int, list[tuple[int, int]]]:  # fmt: skip
    source = _grouped(col(model.source_department_id))
    decided, stored_on = record_days(session, model)
    query = (
        sa.select(source, decided, stored_on, sa.func.count())
        .where(*record_scope(model, period, ids))
        .group_by(source, decided, stored_on)
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for department_id, (lag,), n in await working_days.counted(session, window, query, **ALL_DEPARTMENTS):
        assert lag is not None
        found[department_id].append((lag, n))
    return found


async def _referrals(session: AsyncSession, gathered: _Gathered, period: Period, ids: Sequence[int] | None,
                     window: calendar.WorkCalendar) -> None:  # fmt: skip
    to = _grouped(col(Referral.to_department_id))
    sent_on = beijing_date(session, col(Referral.sent_at))
    acknowledged_on = beijing_date(session, col(Referral.acknowledged_at))
    handled_on = beijing_date(session, col(Referral.handled_at))
    query = (
        sa.select(to, sent_on, acknowledged_on, handled_on, sa.func.count())
        .where(*referral_scope(period, ids))
        .group_by(to, sent_on, acknowledged_on, handled_on)
    )
    for department_id, (acknowledged, handled), n in await working_days.counted(
        session, window, query, **ALL_DEPARTMENTS
    ):
        gathered.referrals[department_id].append((acknowledged, handled, n))


async def _gather(session: AsyncSession, period: Period, ids: Sequence[int] | None) -> _Gathered:
    gathered = _Gathered()
    window = await calendar.load(
        session, period.start - timedelta(days=WINDOW_DAYS), period.end + timedelta(days=WINDOW_DAYS)
    )
    await _notices(session, gathered, period, ids, window)
    await _spot_checks(session, gathered, period, ids)
    gathered.licenses = await _records(session, License, period, ids, window)
    gathered.penalties = await _records(session, Penalty, period, ids, window)
    await _referrals(session, gathered, period, ids, window)
    return gathered


def _aggregation(lags: list[tuple[int, int]]) -> AggregationMeasures:
    total = sum(n for _, n in lags)
    within = sum(n for lag, n in lags if within_deadline(lag))
    return AggregationMeasures(total, within, rate(within, total), median(lags))


def _measure(department: Department, period: Period, gathered: _Gathered) -> DepartmentPerformance:
    assert department.id is not None
    key = department.id
    counts = gathered.notice_counts.get(key, {})
    received, claimed, in_time = counts.get("received", 0), counts.get("claimed", 0), counts.get("claimed_in_time", 0)
    to_claim, feedback_due = counts.get("to_claim", 0), counts.get("feedback_due", 0)
    feedback_given = counts.get("feedback_given", 0)
    notices = NoticeMeasures(
        received=received,
        claimed=claimed,
        claimed_rate=rate(claimed, to_claim),
        claimed_in_time=in_time,
        claimed_in_time_rate=rate(in_time, to_claim),
        median_claim_days=median(gathered.claims.get(key, [])),
        forwarded=counts.get("forwarded", 0),
        returned=counts.get("returned", 0),
        overdue=counts.get("overdue", 0),
        claimed_from_pool=counts.get("claimed_from_pool", 0),
        feedback_given=feedback_given,
        feedback_rate=rate(feedback_given, feedback_due),
        to_claim=to_claim,
        feedback_due=feedback_due,
    )
    due, done = gathered.tasks.get(key, (0, 0))
    recorded, to_be_published, published = gathered.results.get(key, (0, 0, 0))
    spot_checks = SpotCheckMeasures(
        plans_run=gathered.plans.get(key, 0),
        tasks_due=due,
        tasks_done_by_due=done,
        tasks_done_rate=rate(done, due),
        results_recorded=recorded,
        results_published_in_time=published,
        results_published_rate=rate(published, to_be_published),
        results_to_publish=to_be_published,
    )
    rows = gathered.referrals.get(key, [])
    sent = sum(n for *_, n in rows)
    acknowledged = sum(n for a, _, n in rows if a is not None)
    handled = sum(n for _, h, n in rows if h is not None)
    referrals = ReferralMeasures(
        received=sent,
        acknowledged=acknowledged,
        acknowledged_rate=rate(acknowledged, sent),
        handled=handled,
        handled_rate=rate(handled, sent),
        median_acknowledge_days=median((a, n) for a, _, n in rows if a is not None),
        median_handle_days=median((h, n) for _, h, n in rows if h is not None),
    )
    return DepartmentPerformance(
        department=department,
        period=period,
        notices=notices,
        spot_checks=spot_checks,
        licenses=_aggregation(gathered.licenses.get(key, [])),
        penalties=_aggregation(gathered.penalties.get(key, [])),
        referrals=referrals,
    )


async def _measured(session: AsyncSession, period: Period, departments: list[Department],
                    ids: Sequence[int] | None) -> list[DepartmentPerformance]:  # fmt: skip
    gathered = await _gather(session, period, ids)
    return [_measure(department, period, gathered) for department in departments]


async def department_performance(session: AsyncSession, department_code: str, start: date,
                                 end: date) -> DepartmentPerformance:  # fmt: skip
    """One department's measures over the period: a maintainer's for any department, a department's
    for its own."""
    principal = principal_of(session)
    require(principal, Operation.DEPARTMENT_PERFORMANCE)
    period = await checked_period(session, start, end)
    department = await get_department(session, department_code)
    assert department.id is not None
    if not principal.is_maintainer and principal.department_id != department.id:
        raise Forbidden("只能查看本部门的绩效考核")
    [measured] = await _measured(session, period, [department], [department.id])
    return measured


async def ranking(session: AsyncSession, start: date, end: date) -> list[DepartmentPerformance]:
    """Every department the caller may see (maintainers: all; a department: its own), in code order,
    from the same few statements as one department. Kept a few minutes per period and caller's rows
    (services.analysis.cache): a sort, a reload and each export reuse it."""
    principal = principal_of(session)
    require(principal, Operation.DEPARTMENT_PERFORMANCE)
    period = await checked_period(session, start, end)
    key = ("ranking", policy_key(principal), period)
    return list(await remembered(session, key, lambda: _ranked(session, period)))


async def _ranked(session: AsyncSession, period: Period) -> list[DepartmentPerformance]:
    principal = principal_of(session)
    query = select(Department).order_by(col(Department.code))
    ids: list[int] | None = None
    if not principal.is_maintainer:
        assert principal.department_id is not None
        ids = [principal.department_id]
        query = query.where(col(Department.id) == principal.department_id)
    departments = list((await session.scalars(query)).all())
    return await _measured(session, period, departments, ids)
