"""四色警示: every rule of domain.md's colour table at its edges, on a day `asOf`, and the
stored colour agreeing with the evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Complaint, Department, License, Listing, MarketEntity, Penalty
from models.enums import (
    ComplaintCategory,
    EntityStatus,
    LicenseCategory,
    ListingKind,
    ListingReason,
    PenaltyCategory,
    RecordStatus,
    RemovalReason,
    RiskColour,
)
from models.types import utcnow
from services.credit import risk
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.principal import Principal
from tests.conftest import DemoCity
from tests.support.entities import new_code

SYSTEM = Principal.system("risk-test")
AS_OF = today()


@dataclass(frozen=True)
class Case:
    """An entity's records: penalties by age in days (and status), complaints (how many, how
    many resolved), listings (kind, listed days ago, removed days ago), revoked licenses."""

    name: str
    colour: RiskColour
    rules: tuple[str, ...] = ()
    penalties: tuple[int, ...] = ()
    withdrawn: tuple[int, ...] = ()
    complaints: tuple[int, int] = (0, 0)
    listings: tuple[tuple[ListingKind, int, int | None], ...] = ()
    revoked_licenses: int = 0
    registration_revoked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


A, S = ListingKind.ABNORMAL_OPERATION, ListingKind.SERIOUS_DISHONEST
CASES = [
    Case("nothing", RiskColour.GREEN),
    Case("1 penalty", RiskColour.YELLOW, ("PENALTIES_YELLOW",), penalties=(10,)),
    Case("2 penalties", RiskColour.YELLOW, ("PENALTIES_YELLOW",), penalties=(10, 400)),
    Case("3 penalties", RiskColour.RED, ("PENALTIES_RED",), penalties=(10, 400, 729)),
    Case("penalty decided today", RiskColour.YELLOW, ("PENALTIES_YELLOW",), penalties=(0,)),
    Case("penalty 729 days old", RiskColour.YELLOW, ("PENALTIES_YELLOW",), penalties=(729,)),
    Case("penalty 730 days old", RiskColour.GREEN, penalties=(730,)),
    Case("penalty 731 days old", RiskColour.GREEN, penalties=(731,)),
    Case("withdrawn penalty", RiskColour.GREEN, withdrawn=(10,)),
    Case("2 penalties and a withdrawn one", RiskColour.YELLOW, ("PENALTIES_YELLOW",), penalties=(5, 6), withdrawn=(7,)),
    Case("3 complaints, none resolved", RiskColour.GREEN, complaints=(3, 0)),
    Case("4 complaints, none resolved", RiskColour.RED, ("COMPLAINTS_RED",), complaints=(4, 0)),
    Case("4 complaints, 2 resolved (50 %)", RiskColour.YELLOW, ("COMPLAINTS_YELLOW",), complaints=(4, 2)),
    Case("4 complaints, all resolved", RiskColour.GREEN, complaints=(4, 4)),
    Case("resolution rate 49.9 %", RiskColour.RED, ("COMPLAINTS_RED",), complaints=(1000, 499)),
    Case("resolution rate 50 %", RiskColour.YELLOW, ("COMPLAINTS_YELLOW",), complaints=(1000, 500)),
    Case("resolution rate 79.9 %", RiskColour.YELLOW, ("COMPLAINTS_YELLOW",), complaints=(1000, 799)),
    Case("resolution rate 80 %", RiskColour.GREEN, complaints=(1000, 800)),
    Case("on the abnormal list", RiskColour.RED, ("ABNORMAL_OPERATION_LISTED",), listings=((A, 30, None),)),
    Case("listed today", RiskColour.RED, ("ABNORMAL_OPERATION_LISTED",), listings=((A, 0, None),)),
    Case("removed the day before asOf", RiskColour.GREEN, listings=((A, 30, 1),)),
    Case("removed on asOf", RiskColour.GREEN, listings=((A, 30, 0),)),
    Case("serious list", RiskColour.BLACK, ("SERIOUS_DISHONEST_LISTED",), listings=((S, 100, None),)),
    Case("a revoked license", RiskColour.BLACK, ("LICENSE_REVOKED",), revoked_licenses=1),
    Case("registration revoked", RiskColour.BLACK, ("REGISTRATION_REVOKED",), registration_revoked=True),
    Case("the most severe wins, every rule named", RiskColour.BLACK,
         ("LICENSE_REVOKED", "ABNORMAL_OPERATION_LISTED", "PENALTIES_YELLOW"),
         penalties=(3,), listings=((A, 10, None),), revoked_licenses=1),
]  # fmt: skip


async def _department(session: AsyncSession, code: str) -> Department:
    found: Department | None = await session.scalar(select(Department).where(col(Department.code) == code))
    assert found is not None
    return found


async def build(db: Database, cases: list[Case]) -> dict[str, int]:
    """One new entity per case, with its records stored as given; entity ids by case name."""
    ids: dict[str, int] = {}
    async with db.session(SYSTEM) as session:
        district = await _department(session, "SCJG-210202")
        template = await session.scalar(select(MarketEntity).where(col(MarketEntity.region_code) == "210202"))
        assert template is not None
        for number, case in enumerate(cases):
            entity = MarketEntity(
                **template.model_dump(exclude={"id", "uscc", "name", "status", "risk_colour"}),
                uscc=new_code(body=f"MA0RTK{number:02d}"),
                name=f"风险评定测试{number}号有限公司",
                status=EntityStatus.REVOKED if case.registration_revoked else EntityStatus.ACTIVE,
            )
            session.add(entity)
            await session.flush()
            assert entity.id is not None
            ids[case.name] = entity.id
            await _records(session, entity.id, district.id or 0, number, case)
        await session.commit()
    return ids


async def _records(session: AsyncSession, entity_id: int, department_id: int, number: int, case: Case) -> None:
    common: dict[str, Any] = {"entity_id": entity_id, "source_department_id": department_id, "party_name": "测试",
              "authority_name": "中山区市场监督管理局", "created_at": utcnow(), "updated_at": utcnow()}  # fmt: skip
    ages = [(age, RecordStatus.EFFECTIVE) for age in case.penalties] + [
        (a, RecordStatus.WITHDRAWN) for a in case.withdrawn
    ]
    for index, (age, status) in enumerate(ages):
        decided = AS_OF - timedelta(days=age)
        session.add(Penalty(**common, document_number=f"罚-{number}-{index}", violation_type="测试", facts="测试",
                            basis="测试", categories=[PenaltyCategory.WARNING], content="警告", decision_date=decided,
                            public_until=decided + timedelta(days=1000), status=status))  # fmt: skip
    total, resolved = case.complaints
    if total:
        rows = [{"entity_id": entity_id, "source_department_id": department_id, "reference": f"SX-{number}-{i}",
                 "received_on": AS_OF - timedelta(days=1 + i % 700), "category": ComplaintCategory.OTHER.value,
                 "resolved": i < resolved, "resolved_on": AS_OF if i < resolved else None,
                 "created_at": utcnow(), "updated_at": utcnow()} for i in range(total)]  # fmt: skip
        await session.execute(sa.insert(Complaint.__table__), rows)  # type: ignore[attr-defined]
    for index, (kind, listed_ago, removed_ago) in enumerate(case.listings):
        session.add(Listing(entity_id=entity_id, kind=kind, department_id=department_id,
                            reason=ListingReason.ANNUAL_REPORT if kind is A else ListingReason.SERIOUS_VIOLATION,
                            document_number=f"列-{number}-{index}", listed_on=AS_OF - timedelta(days=listed_ago),
                            removed_on=None if removed_ago is None else AS_OF - timedelta(days=removed_ago),
                            removal_reason=None if removed_ago is None else RemovalReason.CURED))  # fmt: skip
    for index in range(case.revoked_licenses):
        decided = AS_OF - timedelta(days=100)
        session.add(License(**common, document_number=f"许-{number}-{index}", document_name="许可决定书",
                            category=LicenseCategory.ORDINARY, license_number=f"JY-{number}-{index}", content="许可",
                            decision_date=decided, valid_from=decided, valid_to=date(2099, 12, 31),
                            public_until=decided + timedelta(days=1000), status=RecordStatus.REVOKED,
                            status_reason="被吊销"))  # fmt: skip


async def test_every_rule_of_the_colour_table_at_its_edges(db: Database, city: DemoCity) -> None:
    ids = await build(db, CASES)
    async with db.session(SYSTEM) as session:
        assessed = await risk.assess(session, list(ids.values()), AS_OF)
    got = {name: (assessed[ids[name]].colour, tuple(r.rule for r in assessed[ids[name]].reasons)) for name in ids}
    expected = {case.name: (case.colour, tuple(sorted(case.rules))) for case in CASES}
    assert {name: (colour, tuple(sorted(rules))) for name, (colour, rules) in got.items()} == expected


async def test_evidence_names_the_records_that_made_the_rule_hold(db: Database, city: DemoCity) -> None:
    cases = [
        Case("two penalties, one too old", RiskColour.YELLOW, penalties=(10, 731)),
        Case("listed", RiskColour.BLACK, listings=((S, 10, None), (A, 10, 5)), revoked_licenses=1),
    ]
    ids = await build(db, cases)
    async with db.session(SYSTEM) as session:
        assessed = await risk.assess(session, list(ids.values()), AS_OF)
    [penalties] = assessed[ids["two penalties, one too old"]].reasons
    assert [(e.kind, e.reference, e.day) for e in penalties.evidence] == [
        ("PENALTY", "罚-0-0", AS_OF - timedelta(days=10))
    ]
    reasons = {reason.rule: reason for reason in assessed[ids["listed"]].reasons}
    assert set(reasons) == {"SERIOUS_DISHONEST_LISTED", "LICENSE_REVOKED"}, "the removed abnormal listing is gone"
    assert [e.reference for e in reasons["SERIOUS_DISHONEST_LISTED"].evidence] == ["列-1-0"]
    assert "严重违法失信名单" in reasons["SERIOUS_DISHONEST_LISTED"].evidence[0].text
    assert [e.reference for e in reasons["LICENSE_REVOKED"].evidence] == ["JY-1-0"]


async def test_a_past_day_sees_the_records_of_that_day(db: Database, city: DemoCity) -> None:
    cases = [
        Case("penalised last week", RiskColour.YELLOW, penalties=(7,)),
        Case("listed last week, removed yesterday", RiskColour.GREEN, listings=((A, 7, 1),)),
    ]
    ids = await build(db, cases)
    async with db.session(SYSTEM) as session:
        earlier = await risk.assess(session, list(ids.values()), AS_OF - timedelta(days=8))
        between = await risk.assess(session, list(ids.values()), AS_OF - timedelta(days=3))
    assert [earlier[ids[c.name]].colour for c in cases] == [RiskColour.GREEN, RiskColour.GREEN]
    assert [between[ids[c.name]].colour for c in cases] == [RiskColour.YELLOW, RiskColour.RED]


@pytest.mark.parametrize("days", [1, 30])
async def test_a_day_beyond_today_is_refused(days: int) -> None:
    with pytest.raises(DomainError) as refused:
        risk.checked_day(AS_OF + timedelta(days=days))
    assert refused.value.code == "DATE_IN_FUTURE" and "不能晚于今天" in refused.value.problems[0].message


async def test_the_stored_colour_follows_the_evaluation_and_keeps_its_history(db: Database, city: DemoCity) -> None:
    ids = await build(db, CASES)
    async with db.session(SYSTEM) as session:
        done = await risk.recompute_all(session)
        await session.commit()
    assert done.changed >= sum(case.colour is not RiskColour.GREEN for case in CASES)
    async with db.session(SYSTEM) as session:
        rows = (await session.execute(select(MarketEntity.id, MarketEntity.risk_colour))).all()
        stored: dict[int, RiskColour] = {int(entity_id or 0): colour for entity_id, colour in rows}
        assessed = await risk.assess(session, list(stored), AS_OF)
        history = (await session.execute(sa.text(
            "SELECT entity_id, old_colour, new_colour, reasons, cause FROM risk_colour_change"))).all()  # fmt: skip
        again = await risk.recompute_all(session)
    assert stored == {entity_id: a.colour for entity_id, a in assessed.items()}, "on the whole city"
    assert again.changed == 0, "a second run changes nothing"
    by_entity = {row[0]: row for row in history}
    red = by_entity[ids["3 penalties"]]
    assert (red[1], red[2], red[4]) == ("GREEN", "RED", "recompute")
    assert "PENALTIES_RED" in str(red[3])


async def test_the_seeded_demo_city_is_stored_as_it_is_assessed(db: Database, city: DemoCity) -> None:
    async with db.session(SYSTEM) as session:
        rows = (await session.execute(select(MarketEntity.id, MarketEntity.risk_colour))).all()
        stored = {int(entity_id or 0): colour for entity_id, colour in rows}
        assessed = await risk.assess(session, list(stored), AS_OF)
    assert stored == {entity_id: found.colour for entity_id, found in assessed.items()}
    assert len(set(stored.values())) >= 3, "the demo city shows several colours"
