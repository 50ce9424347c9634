"""seed-demo's 双随机、一公开: 一单两库 for the departments that supervise the demo city's entities
(market regulation and health, city and districts), an entity directory per district market
regulator, and plans at each stage.

Everything goes through services.spotchecks, as a department's staff would do it: lists as a
maintainer keeping them for the department, plans, draws and results as the department itself
(the audit log names it). Names, certificates, validity ranges, check items and which task gets
which result depend on the seed alone; dates count back from the day of seeding."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from demo.catalog import department_code
from demo.spotcheck_vocabulary import CERTIFICATE_LINES, CHECK_ITEMS, CONFLICT_REASONS, NOTES
from models import Department, InspectionTask, MarketEntity, SpotCheckPlan
from models.enums import DepartmentLevel, EntityStatus, InspectionFinding, Role
from services.platform.access import bind, principal_of
from services.platform.clock import today
from services.platform.principal import Principal
from services.spotchecks.check_items import CheckItemInput, FormItemInput, upsert_check_item
from services.spotchecks.directory import DirectoryFilter, DirectoryInput, upsert_entity_directory
from services.spotchecks.draw import draw_plan
from services.spotchecks.inspectors import ConflictInput, InspectorInput, upsert_inspector
from services.spotchecks.plans import (
    DepartmentInspectorsInput,
    PlanInput,
    SampleInput,
    accept_spot_check_plan,
    approve_spot_check_plan,
    create_spot_check_plan,
)
from services.spotchecks.publication import publish_inspection_result
from services.spotchecks.results import ItemInput, ResultInput, form_of, record_inspection_result

LEAD_DISTRICT = "210202"  # 中山区: the demo's plans are its market regulator's
OTHER_DISTRICT = "210203"  # 西岗区: its plan is approved and waits for its draw
DONE_COUNT, JOINT_COUNT = 8, 4  # entities drawn by the done plan and by the joint plan
# Officers per department: (eligible, expired certificate, inactive). The lead district's market
# regulator has 7 eligible: the done plan's 8 × 2 assignments stay under the cap of 3 with room
# left for a recusal (回避) wherever it falls in the draw order. Its health bureau has exactly 2:
# the load cap then gives each of them, the inspector login's officer too, half the joint tasks.
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


async def _active_usccs(session: AsyncSession, region_code: str) -> list[str]:
    rows = await session.scalars(
        select(col(MarketEntity.uscc))
        .where(col(MarketEntity.region_code) == region_code, col(MarketEntity.status) == EntityStatus.ACTIVE)
        .order_by(col(MarketEntity.uscc))
    )
    return list(rows.all())


async def _conflict_entity(session: AsyncSession, rng: random.Random) -> str | None:
    """An active entity of the lead district: an officer there declares a conflict with it (回避)."""
    found = await _active_usccs(session, LEAD_DISTRICT)
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


# -- directories and plans ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeededPlans:
    directories: int
    done_plan_id: int | None  # drawn, every result recorded and published: DONE
    joint_plan_id: int | None  # market regulation with health: drawn, in progress
    approved_plan_id: int  # approved, its seed's commitment public, not drawn yet


@dataclass(frozen=True)
class _Outcome:
    categories: list[str]
    finding: Callable[[str], InspectionFinding]  # a form item's code → its finding
    notes: str
    rectify_in_days: int | None = None


def _all(finding: InspectionFinding) -> Callable[[str], InspectionFinding]:
    return lambda _: finding


def _failing(*codes: str) -> Callable[[str], InspectionFinding]:
    return lambda code: InspectionFinding.NON_CONFORMING if code in codes else InspectionFinding.CONFORMING


_NO_PROBLEM = _Outcome(["NO_PROBLEM"], _all(InspectionFinding.CONFORMING), NOTES["NO_PROBLEM"])
_UNREACHABLE = _Outcome(["UNREACHABLE"], _failing("NB-04"), NOTES["UNREACHABLE"])
_RECTIFY = _Outcome(["RECTIFICATION_ORDERED"], _failing("DJ-01", "DJ-02"), NOTES["RECTIFICATION_ORDERED"], 30)


class _Plans:
    def __init__(self, session: AsyncSession, seed: int, on: date) -> None:
        self.session, self.on = session, on
        self.rng = random.Random(f"jianguan-plans-{seed}")
        self.directories = 0

    async def department(self, code: str) -> Department:
        found = await self.session.scalar(select(Department).where(col(Department.code) == code))
        assert found is not None, code
        return found

    async def directories_of(self, regulators: list[Department], short_names: dict[str, str]) -> dict[str, int]:
        """Each district market regulator's directory of the active entities of its district: its id by region."""
        ids = {}
        for regulator in regulators:
            with acting_as(self.session, regulator):
                flt = DirectoryFilter(region_code=regulator.region_code, status=EntityStatus.ACTIVE)
                name = f"{short_names.get(regulator.region_code, '')}辖区在营市场主体"
                saved = await upsert_entity_directory(self.session, DirectoryInput(name, flt))
            assert saved.directory.id is not None
            ids[regulator.region_code] = saved.directory.id
            self.directories += 1
        return ids

    async def create(self, lead: Department, data: PlanInput) -> SpotCheckPlan:
        with acting_as(self.session, lead):
            plan = await create_spot_check_plan(self.session, data)
        assert plan.id is not None
        return plan

    async def approve_and_draw(self, lead: Department, plan_id: int, draw: bool = True) -> None:
        with acting_as(self.session, lead):
            await approve_spot_check_plan(self.session, plan_id)
            if draw:
                await draw_plan(self.session, plan_id)

    async def tasks(self, plan_id: int, department: Department) -> list[InspectionTask]:
        rows = await self.session.scalars(
            select(InspectionTask)
            .where(col(InspectionTask.plan_id) == plan_id, col(InspectionTask.department_id) == department.id)
            .order_by(col(InspectionTask.id))
        )
        return list(rows.all())

    async def record(self, department: Department, task: InspectionTask, outcome: _Outcome, publish: bool) -> None:
        """The result item by item against the plan's form, as the department's inspectors enter it."""
        assert task.id is not None
        with acting_as(self.session, department):
            form = await form_of(self.session, task.plan_id)
            items = [ItemInput(check, code, outcome.finding(code)) for check, code, _ in form]
            due = None if outcome.rectify_in_days is None else self.on + timedelta(days=outcome.rectify_in_days)
            data = ResultInput(items, outcome.categories, outcome.notes, rectification_due_on=due)
            await record_inspection_result(self.session, task.id, data)
            if publish:
                await publish_inspection_result(self.session, task.id)


async def _active_in(session: AsyncSession, region_code: str) -> int:
    found = await session.scalar(
        select(func.count(col(MarketEntity.id))).where(
            col(MarketEntity.region_code) == region_code, col(MarketEntity.status) == EntityStatus.ACTIVE
        )
    )
    return int(found or 0)


async def _done_plan(plans: _Plans, lead: Department, directory_id: int, place: str) -> int:
    """Drawn, every result recorded item by item and published: the plan is DONE."""
    day = plans.on
    done = await plans.create(lead, PlanInput(
        f"{day.year}年度{place}区企业公示信息和登记事项双随机抽查", ["SJ-GSXX", "SJ-DJSX"],
        SampleInput(count=DONE_COUNT), day - timedelta(days=100), day - timedelta(days=10),
        directory_id=str(directory_id), inspectors_per_target=2,
    ))  # fmt: skip
    assert done.id is not None
    await plans.approve_and_draw(lead, done.id)
    tasks = await plans.tasks(done.id, lead)
    # Which drawn entity gets which result goes by draw order: the seed decides the positions.
    unreachable, rectified = plans.rng.sample(range(len(tasks)), 2) if len(tasks) >= 2 else (-1, -1)
    for index, task in enumerate(tasks):
        outcome = _UNREACHABLE if index == unreachable else _RECTIFY if index == rectified else _NO_PROBLEM
        await plans.record(lead, task, outcome, publish=True)
    return done.id


async def _joint_plan(plans: _Plans, lead: Department, health: Department, directory_id: int, place: str) -> int:
    """With the district's health bureau: accepted, approved, drawn, one result recorded (IN_PROGRESS)."""
    day = plans.on
    joint = await plans.create(lead, PlanInput(
        f"{day.year}年度{place}区食品经营和公共场所卫生部门联合抽查", ["SJ-SPJY", "WJ-GGCS"],
        SampleInput(count=JOINT_COUNT), day - timedelta(days=5), day + timedelta(days=40),
        partner_department_codes=[health.code], directory_id=str(directory_id),
        inspectors_per_department=[DepartmentInspectorsInput(lead.code, 1), DepartmentInspectorsInput(health.code, 1)],
        # Not those the done plan has just checked: 避免多头重复检查.
        exclude_checked_within_days=180,
    ))  # fmt: skip
    assert joint.id is not None
    with acting_as(plans.session, health):
        await accept_spot_check_plan(plans.session, joint.id)
    await plans.approve_and_draw(lead, joint.id)
    started = await plans.tasks(joint.id, lead)
    if started:
        await plans.record(lead, started[0], _NO_PROBLEM, publish=False)
    return joint.id


async def seed_plans(
    session: AsyncSession, seed: int, short_names: dict[str, str], on: date | None = None
) -> SeededPlans:
    """Directories of every district market regulator, then the lead district's plans: one done
    and published, one joint plan in progress (both only when the district has the entities for
    them: a tiny demo city has none drawn), and another district's approved and waiting."""
    plans = _Plans(session, seed, on or today())
    day = plans.on
    departments = await supervising_departments(session)
    regulators = [d for d in departments if _line(d) == "SCJG" and d.level is DepartmentLevel.DISTRICT]
    directories = await plans.directories_of(regulators, short_names)
    lead = await plans.department(department_code("SCJG", LEAD_DISTRICT))
    health = await plans.department(department_code("WJ", LEAD_DISTRICT))
    other = await plans.department(department_code("SCJG", OTHER_DISTRICT))
    place, other_place = short_names.get(LEAD_DISTRICT, ""), short_names.get(OTHER_DISTRICT, "")
    done = joint = None
    if await _active_in(session, LEAD_DISTRICT) >= DONE_COUNT + 2:  # the joint plan draws what is left
        done = await _done_plan(plans, lead, directories[LEAD_DISTRICT], place)
        joint = await _joint_plan(plans, lead, health, directories[LEAD_DISTRICT], place)

    waiting = await plans.create(other, PlanInput(
        f"{day.year}年度{other_place}区食品经营者和明码标价双随机抽查", ["SJ-SPJY", "SJ-MMBJ"],
        SampleInput(ratio="0.2"), day + timedelta(days=7), day + timedelta(days=60),
        directory_id=str(directories[OTHER_DISTRICT]), inspectors_per_target=2,
    ))  # fmt: skip
    assert waiting.id is not None
    await plans.approve_and_draw(other, waiting.id, draw=False)
    return SeededPlans(plans.directories, done, joint, waiting.id)
