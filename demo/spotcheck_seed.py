"""seed-demo's 双随机、一公开: 一单两库 for the departments that supervise the demo city's entities
(market regulation and health, city and districts), an entity directory per district market
regulator, and plans at each stage.

Everything goes through services.spotchecks, as a department's staff would do it: lists as a
maintainer keeping them for the department, plans, draws and results as the department itself
(the audit log names it). Names, certificates, validity ranges, check items and which task gets
which result depend on the seed alone; dates count back from the day of seeding."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from demo.catalog import department_code
from demo.spotcheck_vocabulary import CERTIFICATE_LINES, CHECK_ITEMS, CONFLICT_REASONS
from models import Department, MarketEntity
from models.enums import DepartmentLevel, EntityStatus, Role
from services.platform.access import bind, principal_of
from services.platform.clock import today
from services.platform.principal import Principal
from services.spotchecks.check_items import CheckItemInput, FormItemInput, upsert_check_item
from services.spotchecks.inspectors import ConflictInput, InspectorInput, upsert_inspector

LEAD_DISTRICT = "210202"  # 中山区: the demo's plans are its market regulator's
# Officers per department: (eligible, expired certificate, inactive). The lead district has
# enough for two plans at once; its health bureau exactly two, so that both go on every joint task.
_LEAD_MARKET = (7, 1, 1)
_LEAD_HEALTH = (2, 1, 0)
_DISTRICT_MARKET = (4, 1, 0)
_DISTRICT_HEALTH = (2, 0, 0)
_CITY = (3, 0, 0)


@dataclass(frozen=True)
class SeededLists:
    check_items: int
    inspectors: int
    conflicts: int
    # The certificate number of the inspector the demo's inspector login signs in as.
    linked_certificate_no: str


@contextmanager
def acting_as(session: AsyncSession, department: Department) -> Iterator[None]:
    """The session acts as the department's own staff for a while: services see its principal,
    and the audit log names it."""
    before = principal_of(session)
    bind(session, Principal.acting_for(Role.DEPARTMENT, department.name, department))
    try:
        yield
    finally:
        bind(session, before)


async def supervising_departments(session: AsyncSession) -> list[Department]:
    """The market regulators and health departments of the city and its districts, by code."""
    rows = await session.scalars(select(Department).order_by(col(Department.code)))
    return [d for d in rows.all() if d.code.split("-")[0] in CHECK_ITEMS]


def _line(department: Department) -> str:
    return department.code.split("-")[0]


def _staffing(department: Department) -> tuple[int, int, int]:
    line = _line(department)
    if department.region_code == LEAD_DISTRICT:
        return _LEAD_MARKET if line == "SCJG" else _LEAD_HEALTH
    if department.level is DepartmentLevel.CITY:
        return _CITY
    return _DISTRICT_MARKET if line == "SCJG" else _DISTRICT_HEALTH


class _Lists:
    def __init__(self, session: AsyncSession, seed: int, on: date) -> None:
        self.session, self.on = session, on
        self.rng = random.Random(f"jianguan-spotchecks-{seed}")
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(self.rng.randrange(2**32))
        self.names: set[str] = set()
        self.inspectors = 0
        self.conflicts = 0

    def name(self) -> str:
        while True:
            found = self.faker.name()
            if found not in self.names:
                self.names.add(found)
                return found

    async def check_items(self, department: Department) -> int:
        kinds = CHECK_ITEMS[_line(department)]
        for kind in kinds:
            form = [FormItemInput(code, name) for code, name in kind.form]
            data = CheckItemInput(kind.code, kind.name, kind.legal_basis, form, department_code=department.code)
            await upsert_check_item(self.session, data)
        return len(kinds)

    def _validity(self, state: str) -> tuple[date, date]:
        """执法证 are issued for five years; an expired one ran out within the last half year."""
        if state == "expired":
            valid_to = self.on - timedelta(days=self.rng.randint(10, 180))
            return valid_to - timedelta(days=5 * 365), valid_to
        valid_from = self.on - timedelta(days=self.rng.randint(120, 4 * 365))
        return valid_from, valid_from + timedelta(days=5 * 365)

    async def inspectors_of(self, department: Department, conflict: str | None, username: str | None) -> list[str]:
        """The department's officers; the first eligible one declares `conflict` (a USCC) and signs
        in as `username`, if given."""
        eligible, expired, inactive = _staffing(department)
        states = ["eligible"] * eligible + ["expired"] * expired + ["inactive"] * inactive
        line = CERTIFICATE_LINES[_line(department)]
        numbers = []
        serials = sorted(self.rng.sample(range(1, 400), len(states)))
        for index, (state, serial) in enumerate(zip(states, serials, strict=True)):
            number = f"{department.region_code}{line}{serial:04d}"
            valid_from, valid_to = self._validity(state)
            conflicts = None
            if conflict is not None and index == 0:
                conflicts = [ConflictInput(conflict, self.rng.choice(CONFLICT_REASONS))]
                self.conflicts += 1
            data = InspectorInput(number, self.name(), valid_from, valid_to, active=state != "inactive",
                                  username=username if index == 0 else None, conflicts=conflicts,
                                  department_code=department.code)  # fmt: skip
            await upsert_inspector(self.session, data)
            numbers.append(number)
        self.inspectors += len(states)
        return numbers


async def _conflict_entity(session: AsyncSession, rng: random.Random) -> str | None:
    """An active entity of the lead district: an officer there declares a conflict with it (回避)."""
    rows = await session.scalars(
        select(col(MarketEntity.uscc))
        .where(col(MarketEntity.region_code) == LEAD_DISTRICT, col(MarketEntity.status) == EntityStatus.ACTIVE)
        .order_by(col(MarketEntity.uscc))
    )
    found = list(rows.all())
    return rng.choice(found) if found else None


async def seed_lists(session: AsyncSession, seed: int, inspector_username: str, on: date | None = None) -> SeededLists:
    """Check items and inspectors of every supervising department; the lead district's health
    bureau's first officer is linked to `inspector_username` (an existing user of that bureau)."""
    lists = _Lists(session, seed, on or today())
    conflict = await _conflict_entity(session, lists.rng)
    check_items = 0
    linked = ""
    for department in await supervising_departments(session):
        check_items += await lists.check_items(department)
        lead_market = department.code == department_code("SCJG", LEAD_DISTRICT)
        lead_health = department.code == department_code("WJ", LEAD_DISTRICT)
        numbers = await lists.inspectors_of(
            department, conflict if lead_market else None, inspector_username if lead_health else None
        )
        linked = numbers[0] if lead_health else linked
    assert linked, "the lead district has a health bureau"
    return SeededLists(check_items, lists.inspectors, lists.conflicts, linked)
