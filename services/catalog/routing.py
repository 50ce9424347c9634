"""双告知 routing: from a registration to the notices it pushes (domain.md, 双告知 steps 2–3).

The business scope is matched against the newest published catalog version; each
matched matter goes to the responsible line's department at the registration
authority's level (a district registration to that district's counterpart), unless
the matter is approved at city level or above, in which case it goes to the
department the catalog names for it. One rule, used for one registration
(`route`) and for a batch of them (`route_batch`, the demo seed and the bench)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, or_, select

from models import Department, MarketEntity, Notice
from models.enums import ApprovalLevel, DepartmentLevel, NoticeStatus
from models.types import utcnow
from services.catalog import catalog_versions
from services.catalog.catalog_versions import PublishedCatalog, PublishedMatter
from services.platform import audit, calendar
from services.platform.access import principal_of, seeing_all
from services.platform.calendar import WorkCalendar
from services.platform.clock import today
from services.platform.errors import Forbidden
from services.platform.principal import PrincipalKind


@dataclass(frozen=True)
class Planned:
    matter: PublishedMatter
    department_id: int
    deadline: date


@dataclass(frozen=True)
class Registration:
    """What routing reads of a registered entity."""

    entity_id: int
    business_scope: str
    entry_codes: Sequence[str]
    region_code: str
    authority: Department


class Router:
    """Built once (catalog version, departments, calendar) and then applied to any number of registrations."""

    def __init__(self, catalog: PublishedCatalog, departments: Iterable[Department], work: WorkCalendar, on: date):
        self.catalog, self.on, self._work = catalog, on, work
        self._by_id: dict[int, Department] = {}
        self._city: dict[str, Department] = {}
        self._local: dict[tuple[str, str], Department] = {}
        for department in departments:
            assert department.id is not None
            self._by_id[department.id] = department
            if department.line is None:
                continue
            if department.level is DepartmentLevel.CITY:
                self._city.setdefault(department.line, department)
            self._local.setdefault((department.line, department.region_code), department)
        self._deadlines: dict[int, date] = {}

    def target(self, matter: PublishedMatter, authority: Department, region_code: str) -> Department | None:
        city = self._city.get(matter.line)
        if matter.approval_level is not ApprovalLevel.DISTRICT:
            handling = self._by_id.get(matter.handling_department_id or -1)
            return handling or city
        if authority.level is DepartmentLevel.DISTRICT:
            # A district without that line's office: the city department takes it.
            return self._local.get((matter.line, region_code)) or city
        return city

    def deadline(self, working_days: int) -> date:
        found = self._deadlines.get(working_days)
        if found is None:
            found = self._deadlines[working_days] = self._work.add_working_days(self.on, working_days)
        return found

    def matched(self, registration: Registration) -> list[PublishedMatter]:
        return matched(self.catalog, self.on, registration)

    def plan(self, registration: Registration, matters: Sequence[PublishedMatter]) -> list[Planned]:
        """One notice per matter and department, in the order the scope named them."""
        planned: list[Planned] = []
        seen: set[tuple[int, int]] = set()
        for matter in matters:
            target = self.target(matter, registration.authority, registration.region_code)
            if target is None or target.id is None or (matter.id, target.id) in seen:
                continue
            seen.add((matter.id, target.id))
            planned.append(Planned(matter, target.id, self.deadline(matter.claim_deadline_days)))
        return planned


def matched(catalog: PublishedCatalog, on: date, registration: Registration) -> list[PublishedMatter]:
    """Standard entry codes first, when the registration gives them; else keywords in the scope."""
    result = catalog.matcher_on(on).match(registration.business_scope, registration.entry_codes)
    return [catalog.matters[key] for key in result.matter_keys]


def _notice_row(planned: Planned, entity_id: int, version_id: int, reason: str) -> dict[str, object]:
    return {
        "entity_id": entity_id,
        "matter_id": planned.matter.id,
        "department_id": planned.department_id,
        "catalog_version_id": version_id,
        "status": NoticeStatus.PUSHED,
        "deadline": planned.deadline,
        "reason": reason,
        "pushed_at": utcnow(),
    }


async def route(session: AsyncSession, entity: MarketEntity, authority: Department, reason: str) -> list[Notice]:
    """Push one notice per matched matter and department; never a duplicate for the same
    entity, matter and department (a changed scope adds only what is new)."""
    assert entity.id is not None
    published = await catalog_versions.current(session)
    if published is None:
        return []
    on = today()
    registration = Registration(
        entity.id, entity.business_scope, entity.scope_entry_codes, entity.region_code, authority
    )
    matters = matched(published, on, registration)
    if not matters:
        return []
    lines = sorted({m.line for m in matters})
    handling = sorted({m.handling_department_id for m in matters if m.handling_department_id is not None})
    departments = (
        await session.scalars(
            select(Department)
            .where(or_(col(Department.line).in_(lines), col(Department.id).in_(handling)))
            .order_by(col(Department.id))
        )
    ).all()
    work = await calendar.for_deadline(session, on, max(m.claim_deadline_days for m in matters))
    router = Router(published, departments, work, on)
    # Every department's notices of the entity, not only the registering authority's: never a second one.
    held = sa.select(col(Notice.matter_id), col(Notice.department_id)).where(col(Notice.entity_id) == entity.id)
    existing = {
        (matter_id, department_id)
        for matter_id, department_id in await session.execute(held.execution_options(**seeing_all(Notice)))
    }
    pushed = [
        Notice(**_notice_row(planned, entity.id, published.version_id, reason))  # type: ignore[arg-type]
        for planned in router.plan(registration, matters)
        if (planned.matter.id, planned.department_id) not in existing
    ]
    if pushed:
        session.add_all(pushed)
        await session.flush()
        codes = {d.id: d.code for d in departments}
        await audit.record(
            session,
            "notices.pushed",
            "MarketEntity",
            entity.uscc,
            None,
            {
                "reason": reason,
                "catalogVersion": published.name,
                "notices": [[published.by_id[n.matter_id].code, codes[n.department_id]] for n in pushed],
            },
            authority.code,
        )
    return pushed


@dataclass(frozen=True)
class BatchReport:
    entities: int
    routed: int  # entities that received at least one notice
    notices: int


async def route_batch(
    session: AsyncSession, entity_ids: Sequence[int], reason: str = "REGISTERED", chunk: int = 2000
) -> BatchReport:
    """Route many registered entities at once, for bulk loads (seed-demo, a migration of
    old registrations): the router is built once and notices are inserted in bulk, with
    one audit event for the batch. Entities that already have notices are left alone,
    so running it again changes nothing."""
    if principal_of(session).kind is not PrincipalKind.SYSTEM:
        raise Forbidden("批量推送只能由系统任务执行")
    published = await catalog_versions.current(session)
    if published is None or not entity_ids:
        return BatchReport(len(entity_ids), 0, 0)
    on = today()
    departments = (await session.scalars(select(Department).order_by(col(Department.id)))).all()
    by_id = {d.id: d for d in departments}
    longest = max((m.claim_deadline_days for m in published.matters.values()), default=1)
    work = await calendar.for_deadline(session, on, longest)
    router = Router(published, departments, work, on)
    routed = notices = 0
    columns = (
        col(MarketEntity.id),
        col(MarketEntity.business_scope),
        col(MarketEntity.scope_entry_codes),
        col(MarketEntity.region_code),
        col(MarketEntity.registration_authority_id),
    )
    for start in range(0, len(entity_ids), chunk):
        ids = list(entity_ids[start : start + chunk])
        rows: list[dict[str, object]] = []
        unrouted = ~sa.exists().where(col(Notice.entity_id) == MarketEntity.id)
        query = sa.select(*columns).where(col(MarketEntity.id).in_(ids), unrouted)
        for row in (await session.execute(query)).all():
            entity_id, scope, codes, region, authority_id = row
            assert entity_id is not None
            registration = Registration(entity_id, scope, codes or (), region, by_id[authority_id])
            planned = router.plan(registration, router.matched(registration))
            routed += bool(planned)
            rows.extend(_notice_row(p, entity_id, published.version_id, reason) for p in planned)
        if rows:
            await session.execute(sa.insert(Notice), rows)
            notices += len(rows)
    report = BatchReport(len(entity_ids), routed, notices)
    await audit.record(
        session,
        "notices.pushed_batch",
        "CatalogVersion",
        published.name,
        None,
        {"reason": reason, "entities": report.entities, "routed": report.routed, "notices": report.notices},
    )
    return report
