"""Statistics (统计分析): what the city's registry and the departments' work add up to, as the
caller may see it.

Entities are counted as they stand now (by district, industry section, entity type, status and
四色警示 colour); everything else within a period (services.analysis.period), by the day that
places it there: new registrations by establishment date (per month), licences and penalties by
decision date, complaints by the day received, notices by the day pushed (Beijing time), inspection
tasks by their due date and inspection results by the day recorded. Each kind of record is counted
per department (its source or owning department) and by its own categories. Withdrawn penalties
(撤销) are counted apart from effective ones and their fines are not added to the total.

`region` narrows everything to the entities of one district (the city's code, or none: all). Every
count is one grouped statement over the caller's row policy (services.platform.access): a district
department's counts are its district's entities, and notices and inspection tasks are those the
caller's department may read; licences, penalties and complaints are shared for supervision."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from models import Complaint, Department, License, MarketEntity, Notice, Penalty, Region
from models.enums import (
    ComplaintCategory,
    EntityStatus,
    EntityType,
    InspectionTaskStatus,
    LicenseCategory,
    NoticeStatus,
    PenaltyCategory,
    RecordStatus,
    RegionLevel,
    RiskColour,
)
from models.spotchecks import InspectionResult, InspectionTask, ResultCategory
from services.analysis.cache import remembered
from services.analysis.period import Period, checked_period
from services.platform import checks
from services.platform.access import Operation, entities_within, policy_key, principal_of, require
from services.platform.errors import Collector, DomainError
from services.platform.labels import label
from services.registry.industries import SECTIONS

E = TypeVar("E", bound=Enum)
S = TypeVar("S", bound="sa.Select[*tuple[Any, ...]]")
Pair = tuple[list["Count"], list["Count"]]
Triple = tuple[list["Count"], list["Count"], list["Count"]]
# By region, industry section, entity type, status and colour.
Stock = tuple[list["Count"], list["Count"], list["Count"], list["Count"], list["Count"]]
UNKNOWN_SECTION = "其他"


@dataclass(frozen=True)
class Count:
    """One bar of a chart: a stable key, its Chinese label, the count (and a sum in yuan where one is kept)."""

    key: str
    label: str
    count: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class DistrictCounts:
    """The admin home's district table: entities of one district by status and by colour."""

    region_code: str
    region_name: str
    by_status: dict[EntityStatus, int]
    by_colour: dict[RiskColour, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class EntityStock:
    """Entities as they stand (no period): the admin home's tables, map and stock charts."""

    region_code: str | None  # None: every district the caller may see
    entities_by_region: list[Count]
    entities_by_industry: list[Count]
    entities_by_type: list[Count]
    entities_by_status: list[Count]
    entities_by_colour: list[Count]
    districts: list[DistrictCounts]

    @property
    def total_entities(self) -> int:
        return sum(c.count for c in self.entities_by_status)


@dataclass(frozen=True)
class Statistics(EntityStock):
    """The stock, and what happened in the period."""

    period: Period
    registrations_by_month: list[Count]
    licenses_by_department: list[Count]
    licenses_by_category: list[Count]
    penalties_by_department: list[Count]  # effective (not withdrawn); amount: fines in yuan
    penalties_by_category: list[Count]  # effective, by 处罚类别 (one penalty under each of its categories)
    withdrawn_penalties_by_department: list[Count]
    complaints_by_department: list[Count]
    complaints_by_category: list[Count]
    notices_by_department: list[Count]
    notices_by_status: list[Count]
    inspections_by_department: list[Count]
    inspections_by_status: list[Count]
    results_by_department: list[Count]
    results_by_category: list[Count]

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end


async def checked_region(session: AsyncSession, region: str | None, problems: Collector) -> str | None:
    """A district's code, or None for the whole city (no code, or the city's own)."""
    given = (region or "").strip()
    if not given:
        return None
    before = len(problems.problems)
    code = checks.code(given, checks.REGION_CODE, "region", problems)
    if len(problems.problems) > before:
        return None
    found = await session.get(Region, code)
    if found is None:
        problems.add("UNKNOWN_REGION", f"行政区划“{code}”不存在", "region")
        return None
    return None if found.level is not RegionLevel.DISTRICT else code


async def districts(session: AsyncSession) -> list[tuple[str, str]]:
    """The districts the caller may count, as (code, name): a period picker's choices."""
    reach = principal_of(session).jurisdiction
    rows = (await session.scalars(select(Region).where(col(Region.level) == RegionLevel.DISTRICT))).all()
    return [(r.code, r.name) for r in sorted(rows, key=lambda r: r.code) if reach is None or r.code in reach]


async def statistics(session: AsyncSession, start: date, end: date, region: str | None = None) -> Statistics:
    """Every count of the period; a DomainError (INVALID_RANGE, DATE_OUT_OF_RANGE, PERIOD_TOO_LONG,
    INVALID_REGION_CODE, UNKNOWN_REGION) before any count is read."""
    require(principal_of(session), Operation.STATISTICS)
    problems = Collector()
    district = await checked_region(session, region, problems)
    period: Period | None = None
    try:
        period = await checked_period(session, start, end)
    except DomainError as error:  # one answer names every problem: the period's and the region's
        problems.problems[:0] = error.problems
    problems.raise_if_any()
    assert period is not None
    key = ("statistics", policy_key(principal_of(session)), district, period)
    return await remembered(session, key, lambda: _counted(session, period, district))


async def stock(session: AsyncSession, region: str | None = None) -> EntityStock:
    """Entities as they stand, by district, industry section, type, status and colour: the one grouped
    statement of `statistics` that needs no period (the admin home's default)."""
    require(principal_of(session), Operation.STATISTICS)
    problems = Collector()
    district = await checked_region(session, region, problems)
    problems.raise_if_any()
    scope = _Scope(session, district)
    await scope.load_names()
    counts, by_district = await _stock(scope)
    return EntityStock(district, *counts, by_district)


async def _counted(session: AsyncSession, period: Period, district: str | None) -> Statistics:
    scope = _Scope(session, district)
    await scope.load_names()
    stock, by_district = await _stock(scope)
    return Statistics(
        district,
        *stock,
        by_district,
        period,
        await _registrations(scope, period),
        *await _licences(scope, period),
        *await _penalties(scope, period),
        *await _complaints(scope, period),
        *await _notices(scope, period),
        *await _tasks(scope, period),
        *await _results(scope, period),
    )


class _Scope:
    """The entities counted (the caller's, narrowed to one district) and the names of things."""

    def __init__(self, session: AsyncSession, district: str | None) -> None:
        self.session = session
        self.district = district
        self.regions: dict[str, str] = {}
        self.departments: dict[int, tuple[str, str]] = {}

    async def load_names(self) -> None:
        self.regions = {r.code: r.name for r in (await self.session.scalars(select(Region))).all()}
        rows = (
            await self.session.execute(sa.select(col(Department.id), col(Department.code), col(Department.name)))
        ).all()
        self.departments = {int(i or 0): (c, n) for i, c, n in rows}

    def entities(self) -> list[ColumnElement[bool]]:
        return [] if self.district is None else [col(MarketEntity.region_code) == self.district]

    def of_entities(self, statement: S, entity_id: Any) -> S:
        """Records of the counted entities: those of the district asked for, within the caller's
        jurisdiction, as a set of ids read off the region index (joining each record to its entity's
        wide row cost seconds at a million). A caller who sees every entity, counting the whole city,
        needs no condition at all (a record always has its entity)."""
        reach = entities_within(principal_of(self.session).jurisdiction)
        conditions = self.entities() + ([] if reach is None else [reach])
        if not conditions:
            return statement
        return statement.where(entity_id.in_(sa.select(col(MarketEntity.id)).where(*conditions)))

    def per_department(self, counts: Mapping[int, int], amounts: Mapping[int, Decimal] | None = None) -> list[Count]:
        named = {i: self.departments.get(i, (str(i), str(i))) for i in counts}
        shown = [
            Count(*named[i], n, None if amounts is None else amounts.get(i, Decimal("0.00")))
            for i, n in counts.items()
            if n
        ]
        return sorted(shown, key=lambda c: (-c.count, c.key))


def _by_enum(
    members: Iterable[E], counts: Mapping[Any, int], amounts: Mapping[Any, Decimal] | None = None
) -> list[Count]:
    """Every member of a code list, zero where none, in the list's order (with its sum where one is kept)."""
    return [
        Count(m.value, label(m), counts.get(m, 0), None if amounts is None else amounts.get(m, Decimal("0.00")))
        for m in members
    ]


async def _stock(scope: _Scope) -> tuple[Stock, list[DistrictCounts]]:
    """Entities as they stand: one statement grouped by every dimension at once, in the order of the
    index that holds them all (ix_market_entity_statistics), so SQLite reads the groups off the index
    without sorting; the full industry code (not its section letter) keeps that order, and the
    sections are added up here (a few thousand groups)."""
    columns = (
        col(MarketEntity.region_code),
        col(MarketEntity.industry_code),
        col(MarketEntity.entity_type),
        col(MarketEntity.status),
        col(MarketEntity.risk_colour),
    )
    statement = sa.select(*columns, sa.func.count()).where(*scope.entities()).group_by(*columns)
    regions: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    types: Counter[EntityType] = Counter()
    statuses: Counter[EntityStatus] = Counter()
    colours: Counter[RiskColour] = Counter()
    districts: dict[str, DistrictCounts] = {}
    for region_code, industry, entity_type, status, colour, n in (await scope.session.execute(statement)).all():
        regions[region_code] += n
        known = (industry or "")[:1].upper()
        sections[known if known in SECTIONS else ""] += n
        types[entity_type] += n
        statuses[status] += n
        colours[colour] += n
        district = districts.setdefault(
            region_code,
            DistrictCounts(region_code, scope.regions.get(region_code, region_code), dict.fromkeys(EntityStatus, 0),
                           dict.fromkeys(RiskColour, 0)),
        )  # fmt: skip
        district.by_status[status] += n
        district.by_colour[colour] += n
    counts: Stock = (
        [Count(c, scope.regions.get(c, c), regions[c]) for c in sorted(regions)],
        [
            Count(letter or "-", SECTIONS.get(letter, UNKNOWN_SECTION), sections[letter])
            for letter in sorted(sections, key=lambda s: s or "~")
        ],
        _by_enum(EntityType, types),
        _by_enum(EntityStatus, statuses),
        _by_enum(RiskColour, colours),
    )
    return counts, [districts[c] for c in sorted(districts)]


async def _registrations(scope: _Scope, period: Period) -> list[Count]:
    """New entities per month of the period, by establishment date: grouped by day in SQL (the same
    on both engines), rolled up to months here (at most a few hundred rows)."""
    day = col(MarketEntity.established_on)
    statement = (
        sa.select(day, sa.func.count()).where(day >= period.start, day <= period.end, *scope.entities()).group_by(day)
    )
    months: Counter[str] = Counter()
    for established, n in (await scope.session.execute(statement)).all():
        months[f"{established.year:04d}-{established.month:02d}"] += n
    return [Count(m, f"{int(m[:4])}年{int(m[5:])}月", months[m]) for m in period.months()]


async def _licences(scope: _Scope, period: Period) -> Pair:
    department, category = col(License.source_department_id), col(License.category)
    decided = col(License.decision_date)
    statement = scope.of_entities(
        sa.select(department, category, sa.func.count()).where(decided >= period.start, decided <= period.end),
        col(License.entity_id),
    ).group_by(department, category)
    by_department: Counter[int] = Counter()
    by_category: Counter[LicenseCategory] = Counter()
    for department_id, kind, n in (await scope.session.execute(statement)).all():
        by_department[department_id] += n
        by_category[kind] += n
    return (
        scope.per_department(by_department),
        _by_enum(LicenseCategory, by_category),
    )


async def _penalties(scope: _Scope, period: Period) -> Triple:
    """Penalties decided in the period, with their fines: the effective ones per department and per
    处罚类别 (a penalty of two categories counts, with its fine, under each), the withdrawn ones per
    department apart. The categories are a JSON list: grouped by its text (a handful of combinations),
    read here."""
    department = col(Penalty.source_department_id)
    withdrawn = col(Penalty.status) == RecordStatus.WITHDRAWN
    categories = sa.cast(col(Penalty.categories), sa.Text)
    decided = col(Penalty.decision_date)
    statement = scope.of_entities(
        sa.select(department, withdrawn, categories, sa.func.count(), sa.func.sum(col(Penalty.fine_amount))).where(
            decided >= period.start, decided <= period.end
        ),
        col(Penalty.entity_id),
    ).group_by(department, withdrawn, categories)
    effective: Counter[int] = Counter()
    fines: defaultdict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    by_category: Counter[PenaltyCategory] = Counter()
    category_fines: defaultdict[PenaltyCategory, Decimal] = defaultdict(lambda: Decimal("0.00"))
    annulled: Counter[int] = Counter()
    annulled_fines: defaultdict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for department_id, is_withdrawn, listed, n, fine in (await scope.session.execute(statement)).all():
        if is_withdrawn:
            annulled[department_id] += n
            annulled_fines[department_id] += fine or Decimal("0.00")
        else:
            effective[department_id] += n
            fines[department_id] += fine or Decimal("0.00")
            for kind in {PenaltyCategory(code) for code in json.loads(listed or "[]")}:
                by_category[kind] += n
                category_fines[kind] += fine or Decimal("0.00")
    return (
        scope.per_department(effective, fines),
        _by_enum(PenaltyCategory, by_category, category_fines),
        scope.per_department(annulled, annulled_fines),
    )


async def _complaints(scope: _Scope, period: Period) -> Pair:
    department, category = col(Complaint.source_department_id), col(Complaint.category)
    received = col(Complaint.received_on)
    statement = scope.of_entities(
        sa.select(department, category, sa.func.count()).where(received >= period.start, received <= period.end),
        col(Complaint.entity_id),
    ).group_by(department, category)
    by_department: Counter[int] = Counter()
    by_category: Counter[ComplaintCategory] = Counter()
    for department_id, kind, n in (await scope.session.execute(statement)).all():
        by_department[department_id] += n
        by_category[kind] += n
    return (
        scope.per_department(by_department),
        _by_enum(ComplaintCategory, by_category),
    )


async def _notices(scope: _Scope, period: Period) -> Pair:
    """Notices pushed in the period: a department reads its own (the row policy), maintainers all."""
    department, status = col(Notice.department_id), col(Notice.status)
    first, after = period.utc_bounds()
    pushed = col(Notice.pushed_at)
    statement = scope.of_entities(
        sa.select(department, status, sa.func.count()).where(pushed >= first, pushed < after), col(Notice.entity_id)
    ).group_by(department, status)
    by_department: Counter[int] = Counter()
    by_status: Counter[NoticeStatus] = Counter()
    for department_id, state, n in (await scope.session.execute(statement)).all():
        by_department[department_id] += n
        by_status[state] += n
    return (
        scope.per_department(by_department),
        _by_enum(NoticeStatus, by_status),
    )


async def _tasks(scope: _Scope, period: Period) -> Pair:
    """Inspection tasks due in the period, as the caller reads them (its own and its plans')."""
    department, status = col(InspectionTask.department_id), col(InspectionTask.status)
    due = col(InspectionTask.due_on)
    statement = scope.of_entities(
        sa.select(department, status, sa.func.count()).where(due >= period.start, due <= period.end),
        col(InspectionTask.entity_id),
    ).group_by(department, status)
    by_department: Counter[int] = Counter()
    by_status: Counter[InspectionTaskStatus] = Counter()
    for department_id, state, n in (await scope.session.execute(statement)).all():
        by_department[department_id] += n
        by_status[state] += n
    return (
        scope.per_department(by_department),
        _by_enum(InspectionTaskStatus, by_status),
    )


async def _results(scope: _Scope, period: Period) -> Pair:
    """Results recorded in the period, per department and per result category (a result with two
    categories counts under each). The categories are a JSON list: grouped by its text (a handful
    of combinations), read here; named as the newest version that has the code names it."""
    department = col(InspectionTask.department_id)
    categories = sa.cast(col(InspectionResult.categories), sa.Text)
    first, after = period.utc_bounds()
    recorded = col(InspectionResult.recorded_at)
    statement = scope.of_entities(
        sa.select(department, categories, sa.func.count())
        .select_from(InspectionResult)
        .join(InspectionTask, col(InspectionTask.id) == col(InspectionResult.task_id))
        .where(recorded >= first, recorded < after),
        col(InspectionTask.entity_id),
    ).group_by(department, categories)
    by_department: Counter[int] = Counter()
    by_category: Counter[str] = Counter()
    for department_id, listed, n in (await scope.session.execute(statement)).all():
        by_department[department_id] += n
        for code in set(json.loads(listed or "[]")):
            by_category[str(code)] += n
    names: dict[str, str] = {}
    versions = sa.select(col(ResultCategory.code), col(ResultCategory.name)).order_by(col(ResultCategory.version))
    for code, name in (await scope.session.execute(versions)).all():
        names[code] = name
    return (
        scope.per_department(by_department),
        sorted(
            (Count(code, names.get(code, code), n) for code, n in by_category.items()),
            key=lambda c: (-c.count, c.key),
        ),
    )
