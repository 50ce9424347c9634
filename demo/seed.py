"""seed-demo: Dalian's regions and departments, and a registry of realistic entities."""

from __future__ import annotations

import csv
import random
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from faker import Faker
from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from demo.catalog import (
    DEPARTMENT_KINDS,
    DISTRICT_WEIGHTS,
    GENERAL_LEAD,
    GENERAL_TAIL,
    INDUSTRIES,
    LICENSED_LEAD,
    LICENSED_TAIL,
    MATTERS,
    Industry,
    department_code,
)
from demo.listing_seed import seed_listings
from demo.record_seed import seed_records
from demo.spotcheck_seed import LEAD_DISTRICT, seed_lists, seed_plans
from models import Department, EntityPerson, MarketEntity, Person
from models.enums import ApprovalLevel, DepartmentLevel, EntityStatus, EntityType, MatterMode, PersonRole, Role
from services.accounts.passwords import hash_password
from services.accounts.tokens import create_token
from services.accounts.users import UserInput, create_user
from services.catalog import catalog_versions
from services.catalog.catalog import MatterInput, upsert_supervision_matter
from services.catalog.routing import route_batch
from services.credit import risk
from services.platform import audit
from services.platform.calendar import CalendarDayInput, set_calendar_days
from services.platform.db import Database, refresh_statistics
from services.platform.principal import Principal
from services.registry import outlines, uscc
from services.registry.departments import DepartmentInput, upsert_department
from services.registry.persons import id_number_hash
from services.registry.regions import RegionInput, upsert_region

T = TypeVar("T")
DATA = Path(__file__).parent / "data"
CITY = "210200"
CATALOG_VERSION = "2026版"
BATCH = 1000
# Organisation-code characters that are also legal in a USCC.
_ORG_CHARS = "".join(ch for ch in string.digits + string.ascii_uppercase if ch in uscc.ALPHABET)
_TYPES: list[tuple[EntityType, int, str]] = [
    (EntityType.COMPANY, 55, "1"),
    (EntityType.SOLE_TRADER, 30, "2"),
    (EntityType.PARTNERSHIP, 4, "1"),
    (EntityType.SOLE_PROPRIETORSHIP, 4, "1"),
    (EntityType.BRANCH, 4, "1"),
    (EntityType.COOPERATIVE, 3, "3"),
]
_EXECUTIVE_TITLES = ("执行董事", "监事", "经理", "董事", "财务负责人")


@dataclass(frozen=True)
class DemoToken:
    name: str
    department_code: str
    role: Role
    token: str


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    department_code: str
    role: Role
    password: str


@dataclass(frozen=True)
class SeededSpotChecks:
    check_items: int
    inspectors: int
    conflicts: int
    inspector_login: DemoLogin  # a health officer of the lead district, signing in on a phone
    inspector_certificate_no: str
    directories: int
    done_plan_id: int | None  # its public draw page is the demo's showcase (none in a tiny city)
    joint_plan_id: int | None
    approved_plan_id: int


@dataclass(frozen=True)
class SeedReport:
    regions: int
    departments: int
    entities: int
    persons: int
    notices: int
    catalog_version: str
    tokens: list[DemoToken]
    logins: list[DemoLogin]
    licenses: int
    penalties: int
    complaints: int
    listings: int  # 经营异常名录 and 严重违法失信名单, removed ones too
    standing_listings: int
    discipline_measures: int
    spot_checks: SeededSpotChecks | None = None  # 双随机、一公开, unless seeded without


def _regions() -> list[dict[str, str]]:
    with (DATA / "regions-dalian.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _calendar() -> list[CalendarDayInput]:
    with (DATA / "calendar-2026.csv").open(encoding="utf-8") as handle:
        return [
            CalendarDayInput(date.fromisoformat(row["date"]), row["is_workday"] == "true", row["name"])
            for row in csv.DictReader(handle)
        ]


async def _catalog(session: AsyncSession) -> int:
    for code, name, mode, line, level, keywords, basis in MATTERS:
        data = MatterInput(code, name, MatterMode(mode), basis, line, ApprovalLevel(level), date(2026, 1, 1),
                           keywords=keywords)  # fmt: skip
        await upsert_supervision_matter(session, data)
    return len(MATTERS)


def _short(district_name: str) -> str:
    # 中山区 -> 中山, 瓦房店市 -> 瓦房店; used in the names of branch offices (分局).
    return district_name[:-1] if district_name[-1] in "区县市" else district_name


async def _departments(session: AsyncSession, regions: list[dict[str, str]]) -> int:
    count = 0
    for region in regions:
        level = DepartmentLevel.CITY if region["level"] == "CITY" else DepartmentLevel.DISTRICT
        for kind, city_name, district_pattern, registers in DEPARTMENT_KINDS:
            name = (
                city_name
                if level is DepartmentLevel.CITY
                else district_pattern.format(d=region["name"], s=_short(region["name"]))
            )
            await upsert_department(
                session,
                DepartmentInput(department_code(kind, region["code"]), name, level, region["code"], registers, kind),
            )
            count += 1
    return count


class _Generator:
    """Deterministic entities for one seed: the same seed gives the same city."""

    def __init__(self, seed: int, secret_key: str, districts: dict[str, str]) -> None:
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.secret_key = secret_key
        self.districts = districts
        self.used_codes: set[str] = set()
        self.used_names: set[str] = set()
        self.people: list[tuple[str, str]] = []  # (name, id number) met so far
        self.used_ids: set[str] = set()
        # A generator of its own: the city's entities are the same as before coordinates came.
        self.places = random.Random(f"places:{seed}")
        self.outlines = outlines.load()

    def point(self, region: str) -> tuple[Decimal | None, Decimal | None]:
        """A point inside the district's outline (rejection sampling in its bounds), as stored:
        six places, checked again after rounding; none for a district the file does not draw."""
        outline = self.outlines.get(region)
        if outline is None:
            return None, None
        west, south, east, north = outline.bounds
        while True:
            lon = Decimal(self.places.uniform(west, east)).quantize(Decimal("0.000001"))
            lat = Decimal(self.places.uniform(south, north)).quantize(Decimal("0.000001"))
            if outline.contains(float(lon), float(lat)):
                return lon, lat

    def pick(self, items: list[tuple[T, int]]) -> T:
        return self.rng.choices([item for item, _ in items], weights=[w for _, w in items])[0]

    def code(self, type_digit: str, region: str) -> str:
        while True:
            organisation = "".join(self.rng.choice(_ORG_CHARS) for _ in range(8))
            code = uscc.compose("9", type_digit, region, organisation)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def person(self) -> tuple[str, str]:
        # One in ten people already runs another entity: the entity graph has links.
        if self.people and self.rng.random() < 0.1:
            return self.rng.choice(self.people)
        while True:
            id_number = self.faker.ssn()
            if id_number not in self.used_ids:
                break
        self.used_ids.add(id_number)
        found = (self.faker.name(), id_number)
        self.people.append(found)
        return found

    def name(self, entity_type: EntityType, industry: Industry, district: str, lr: str) -> str:
        word = self.rng.choice(industry.words)
        for attempt in range(100):
            prefix = self.faker.company_prefix() + (str(attempt) if attempt > 20 else "")
            if entity_type is EntityType.COMPANY:
                name = f"大连{prefix}{word}有限公司"
            elif entity_type is EntityType.BRANCH:
                name = f"大连{prefix}{word}有限公司{_short(district)}分公司"
            elif entity_type is EntityType.PARTNERSHIP:
                name = f"大连{prefix}{word}合伙企业（有限合伙）"
            elif entity_type is EntityType.SOLE_PROPRIETORSHIP:
                name = f"大连{prefix}{word}中心"
            elif entity_type is EntityType.COOPERATIVE:
                name = f"{district}{prefix}{word}专业合作社"
            else:
                name = f"大连市{district}{lr[0]}{prefix}{self.rng.choice(industry.shops)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("could not find a free entity name")

    def scope(self, industry: Industry) -> str:
        licensed = self.rng.sample(industry.licensed, k=self.rng.randint(0, min(2, len(industry.licensed))))
        general = self.rng.sample(industry.general, k=self.rng.randint(1, min(3, len(industry.general))))
        parts = []
        if licensed:
            parts.append(LICENSED_LEAD + "；".join(licensed) + "。" + LICENSED_TAIL)
        parts.append(GENERAL_LEAD + "；".join(general) + "。" + GENERAL_TAIL)
        return "".join(parts)

    def entity(
        self, authorities: dict[str, int]
    ) -> tuple[dict[str, Any], list[tuple[PersonRole, str, str, Decimal | None, str | None]]]:
        entity_type, type_digit = self.pick([((t, d), w) for t, w, d in _TYPES])
        if entity_type is EntityType.COOPERATIVE:
            industry = INDUSTRIES[0]
        else:
            industry = self.pick([(i, i.weight) for i in INDUSTRIES])
        region = self.pick(list(DISTRICT_WEIGHTS.items()))
        district = self.districts[region]
        lr_name, lr_id = self.person()
        city_registers = entity_type is EntityType.COMPANY and self.rng.random() < 0.2
        authority = authorities[CITY if city_registers else region]
        capital: Decimal | None
        if entity_type is EntityType.BRANCH:
            capital = None  # a branch has no capital of its own
        elif entity_type is EntityType.SOLE_TRADER:
            capital = Decimal(self.rng.choice((1, 2, 3, 5, 10, 20, 50))) * 10000
        else:
            capital = Decimal(self.rng.choice((10, 50, 100, 200, 300, 500, 1000, 2000, 5000))) * 10000
        established = date(1995, 1, 1) + timedelta(
            days=self.rng.randrange((date(2026, 10, 31) - date(1995, 1, 1)).days)
        )
        status = self.pick([(EntityStatus.ACTIVE, 92), (EntityStatus.REVOKED, 3), (EntityStatus.DEREGISTERED, 5)])
        longitude, latitude = self.point(region)
        row = {
            "uscc": self.code(type_digit, region),
            "name": self.name(entity_type, industry, district, lr_name),
            "entity_type": entity_type,
            "legal_representative": lr_name,
            "registered_capital": capital,
            "established_on": established,
            "status": status,
            "region_code": region,
            "address": f"辽宁省大连市{district}{self.faker.street_name()}{self.rng.randint(1, 999)}号",
            "longitude": longitude,
            "latitude": latitude,
            "industry_code": self.rng.choice(industry.codes),
            "business_scope": self.scope(industry),
            "registration_authority_id": authority,
            "data_quality_issue": None,
        }
        people: list[tuple[PersonRole, str, str, Decimal | None, str | None]] = [
            (PersonRole.LEGAL_REPRESENTATIVE, lr_name, lr_id, None, None)
        ]
        if entity_type in (EntityType.COMPANY, EntityType.PARTNERSHIP):
            holders = [(lr_name, lr_id)] + [self.person() for _ in range(self.rng.randint(0, 2))]
            holders = list(dict.fromkeys(holders))
            cuts = sorted(self.rng.sample(range(1, 100), len(holders) - 1))
            shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            people += [
                (PersonRole.SHAREHOLDER, n, i, Decimal(s), None) for (n, i), s in zip(holders, shares, strict=True)
            ]
            people.append((PersonRole.EXECUTIVE, lr_name, lr_id, None, "执行董事"))
            supervisor = self.person()
            if supervisor[1] != lr_id:
                people.append((PersonRole.EXECUTIVE, supervisor[0], supervisor[1], None, "监事"))
        return row, people


async def _insert_entities(
    session: AsyncSession,
    generator: _Generator,
    count: int,
    authorities: dict[str, int],
    progress: Callable[[int], None],
) -> tuple[int, list[int]]:
    person_ids: dict[str, int] = {
        digest: pid
        for digest, pid in (await session.execute(select(Person.id_number_hash, Person.id))).all()
        if digest is not None
    }
    persons_added = 0
    entity_ids: list[int] = []
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        batch = [generator.entity(authorities) for _ in range(size)]
        ids = (
            await session.scalars(
                insert(MarketEntity).returning(col(MarketEntity.id), sort_by_parameter_order=True),
                [row for row, _ in batch],
            )
        ).all()
        entity_ids.extend(i for i in ids if i is not None)
        digests = list(
            dict.fromkeys(
                digest
                for _, people in batch
                for _, _, id_number, _, _ in people
                if (digest := id_number_hash(generator.secret_key, id_number)) not in person_ids
            )
        )
        if digests:
            new_ids = (
                await session.scalars(
                    insert(Person).returning(col(Person.id), sort_by_parameter_order=True),
                    [{"id_number_hash": d} for d in digests],
                )
            ).all()
            person_ids.update(zip(digests, [i for i in new_ids if i is not None], strict=True))
            persons_added += len(digests)
        links = []
        for entity_id, (_, people) in zip(ids, batch, strict=True):
            seen: set[tuple[int, PersonRole]] = set()
            for role, name, id_number, share, title in people:
                pid = person_ids[id_number_hash(generator.secret_key, id_number)]
                if (pid, role) not in seen:
                    seen.add((pid, role))
                    links.append(
                        {
                            "entity_id": entity_id,
                            "person_id": pid,
                            "role": role,
                            "name": name,
                            "share_percent": share,
                            "title": title,
                        }
                    )
        await session.execute(insert(EntityPerson), links)
        done += size
        progress(size)
    return persons_added, entity_ids


async def is_empty(db: Database) -> bool:
    async with db.session(Principal.system()) as session:
        return not await session.scalar(select(func.count()).select_from(Department))


DEMO_TOKENS: list[tuple[str, str, Role]] = [
    ("演示维护人员", department_code("SCJG", CITY), Role.MAINTAINER),
    ("大连市市场监督管理局登记系统", department_code("SCJG", CITY), Role.DEPARTMENT),
    ("中山区市场监督管理局", department_code("SCJG", "210202"), Role.DEPARTMENT),
    ("西岗区市场监督管理局", department_code("SCJG", "210203"), Role.DEPARTMENT),
    ("大连市卫生健康委员会", department_code("WJ", CITY), Role.DEPARTMENT),
    ("中山区卫生健康局", department_code("WJ", "210202"), Role.DEPARTMENT),
]


async def seed_demo(
    db: Database,
    seed: int,
    entities: int,
    progress: Callable[[int], None] = lambda _: None,
    spot_checks: bool = True,
) -> SeedReport:
    """Load the demo city in one transaction: all of it, or nothing. Without `spot_checks` the
    city has no 一单两库, plans or inspection tasks (tests that build their own use that)."""
    session = await db.write_session(Principal.system("seed-demo"))
    try:
        regions = _regions()
        for region in regions:
            await upsert_region(session, RegionInput(region["code"], region["name"], region["parent"] or None))
        departments = await _departments(session, regions)
        await set_calendar_days(session, _calendar())
        matters = await _catalog(session)
        authorities = {
            row.region_code: row.id
            for row in (await session.scalars(select(Department).where(col(Department.code).startswith("SCJG-")))).all()
            if row.id is not None
        }
        districts = {r["code"]: r["name"] for r in regions if r["level"] == "DISTRICT"}
        generator = _Generator(seed, db.secret_key, districts)
        persons, entity_ids = await _insert_entities(session, generator, entities, authorities, progress)
        version = await catalog_versions.publish(session, CATALOG_VERSION, "演示城市的监管职责目录")
        routed = await route_batch(session, entity_ids)
        short_names = {code: _short(name) for code, name in districts.items()}
        records = await seed_records(session, seed, entity_ids, short_names)
        listings = await seed_listings(session, seed, short_names)
        # Records and listings went in set-based: rate every entity once, as the nightly job would.
        await risk.recompute_all(session)
        await audit.record(
            session,
            "demo.seeded",
            "Registry",
            "demo",
            None,
            {
                "seed": seed,
                "entities": entities,
                "persons": persons,
                "departments": departments,
                "matters": matters,
                "notices": routed.notices,
                "licenses": records.licenses,
                "penalties": records.penalties,
                "complaints": records.complaints,
                "listings": listings.listings,
                "discipline_measures": listings.measures,
            },
        )
        tokens = []
        for name, code, role in DEMO_TOKENS:
            _, plain = await create_token(session, code, role, name)
            tokens.append(DemoToken(name, code, role, plain))
        logins = await _demo_users(session)
        seeded = await _spot_checks(session, seed, short_names) if spot_checks else None
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()
    await refresh_statistics(db, "market_entity", "entity_person")  # a city of many entities is a bulk load
    return SeedReport(len(regions), departments, entities, persons, routed.notices, version.name, tokens, logins,
                      records.licenses, records.penalties, records.complaints, listings.listings, listings.standing,
                      listings.measures, seeded)  # fmt: skip


INSPECTOR_LOGIN = "执法检查人员（手机端）"


async def _spot_checks(session: AsyncSession, seed: int, short_names: dict[str, str]) -> SeededSpotChecks:
    """一单两库, directories and plans; the officer linked to the inspector login gets a password of its own."""
    code = department_code("WJ", LEAD_DISTRICT)
    login = DemoLogin("inspector", INSPECTOR_LOGIN, code, Role.DEPARTMENT, "demo-" + secrets.token_urlsafe(9))
    await create_user(session, UserInput(login.username, login.display_name, login.password, login.role, code))
    lists = await seed_lists(session, seed, login.username)
    plans = await seed_plans(session, seed, short_names)
    return SeededSpotChecks(
        lists.check_items, lists.inspectors, lists.conflicts, login, lists.linked_certificate_no,
        plans.directories, plans.done_plan_id, plans.joint_plan_id, plans.approved_plan_id,
    )  # fmt: skip


async def _demo_users(session: AsyncSession) -> list[DemoLogin]:
    """A maintainer with a password of its own, and one user per department
    (username: the department code in lower case) sharing another; printed once."""
    maintainer_password = "demo-" + secrets.token_urlsafe(9)
    staff_password = "demo-" + secrets.token_urlsafe(9)
    maintainer = DemoLogin("admin", "演示维护人员", department_code("SCJG", CITY), Role.MAINTAINER, maintainer_password)
    data = UserInput(
        maintainer.username, maintainer.display_name, maintainer_password, maintainer.role, maintainer.department_code
    )
    await create_user(session, data)
    logins = [maintainer]
    shared = hash_password(staff_password)
    for department in (await session.scalars(select(Department).order_by(col(Department.code)))).all():
        login = DemoLogin(department.code.lower(), department.name, department.code, Role.DEPARTMENT, staff_password)
        data = UserInput(login.username, login.display_name, staff_password, login.role, login.department_code)
        await create_user(session, data, password_hash=shared)
        logins.append(login)
    return logins
