"""Follow-on updates (services.platform.follow_on): whatever writes a record, through a service or
not, its entity's colour and the licenses it revokes are brought up to date before the
transaction commits; a rolled-back transaction changes nothing; a batch import re-rates once per
commit, not once per row."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import AuditEvent, Department, License, Listing, MarketEntity, Penalty, Referral, RiskColourChange
from models.enums import (
    EntityStatus,
    LicenseCategory,
    ListingKind,
    ListingReason,
    PenaltyCategory,
    RecordStatus,
    ReferralReason,
    RiskColour,
)
from models.types import utcnow
from services.credit import risk
from services.platform import audit, follow_on
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import DemoCity
from tests.support.entities import new_code
from tests.support.record_files import PENALTY_HEADER, penalty_row, write_csv
from tests.support.record_import import run

SYSTEM = Principal.system("follow-on-test")


async def _department_id(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(col(Department.id)).where(col(Department.code) == code))
    assert found is not None
    return found


async def _plain_entity(db: Database, uscc: str) -> int:
    """A new active entity of 中山区, written as a plain row (no service)."""

    async def work(session: AsyncSession) -> int:
        template = await session.scalar(select(MarketEntity).where(col(MarketEntity.region_code) == "210202"))
        assert template is not None
        entity = MarketEntity(**template.model_dump(exclude={"id", "uscc", "name", "status", "risk_colour"}),
                              uscc=uscc, name=f"后续更新测试{uscc[-10:]}有限公司",
                              status=EntityStatus.ACTIVE)  # fmt: skip
        session.add(entity)
        await session.flush()
        assert entity.id is not None
        return entity.id

    entity_id, problems = await run_change(db, SYSTEM, work)
    assert problems == [] and entity_id is not None
    return entity_id


async def _abnormal_listing(session: AsyncSession, entity_id: int) -> Listing:
    listing = Listing(entity_id=entity_id, kind=ListingKind.ABNORMAL_OPERATION, reason=ListingReason.ANNUAL_REPORT,
                      document_number="大中山市监异字〔2026〕第 99 号", listed_on=today() - timedelta(days=3),
                      department_id=await _department_id(session, "SCJG-210202"))  # fmt: skip
    session.add(listing)
    return listing


async def _stored(db: Database, entity_id: int) -> tuple[RiskColour, list[tuple[RiskColour, str]]]:
    """The entity's stored colour, and its colour history (new colour, cause), oldest first."""
    async with db.session(SYSTEM) as session:
        entity = await session.get(MarketEntity, entity_id)
        assert entity is not None
        changes = await session.scalars(
            select(RiskColourChange)
            .where(col(RiskColourChange.entity_id) == entity_id)
            .order_by(col(RiskColourChange.id))
        )
        return entity.risk_colour, [(change.new_colour, change.cause) for change in changes.all()]


async def test_a_plain_write_is_re_rated_before_it_commits(db: Database, city: DemoCity) -> None:
    entity_id = await _plain_entity(db, new_code(body="MA0FLW01"))
    assert await _stored(db, entity_id) == (RiskColour.GREEN, [])

    async def listed(session: AsyncSession) -> None:
        await _abnormal_listing(session, entity_id)  # no service, no re-rating by hand

    assert (await run_change(db, SYSTEM, listed))[1] == []
    assert await _stored(db, entity_id) == (RiskColour.RED, [(RiskColour.RED, follow_on.UNNAMED_CAUSE)])


async def test_the_cause_is_the_first_audited_action(db: Database, city: DemoCity) -> None:
    entity_id = await _plain_entity(db, new_code(body="MA0FLW02"))

    async def listed(session: AsyncSession) -> None:
        listing = await _abnormal_listing(session, entity_id)
        await session.flush()
        await audit.record(session, "listing.planted", "Listing", str(listing.id), None, {"by": "test"})
        await audit.record(session, "listing.noted", "Listing", str(listing.id), None, {"by": "test"})

    assert (await run_change(db, SYSTEM, listed))[1] == []
    assert await _stored(db, entity_id) == (RiskColour.RED, [(RiskColour.RED, "listing.planted")])


def _decision(entity_id: int, department_id: int, number: str) -> dict[str, Any]:
    day = today() - timedelta(days=10)
    return {"entity_id": entity_id, "source_department_id": department_id, "party_name": "后续更新测试",
            "authority_name": "中山区卫生健康局", "document_number": number, "decision_date": day,
            "public_until": day + timedelta(days=1000), "status": RecordStatus.EFFECTIVE, "created_at": utcnow(),
            "updated_at": utcnow()}  # fmt: skip


async def test_a_plain_revoking_penalty_revokes_refers_and_re_rates(db: Database, city: DemoCity) -> None:
    entity_id = await _plain_entity(db, new_code(body="MA0FLW03"))
    number = "JY22102020099999"

    async def licensed(session: AsyncSession) -> None:
        health = await _department_id(session, "WJ-210202")
        session.add(License(**_decision(entity_id, health, "中卫许〔2026〕99 号"), document_name="食品经营许可决定书",
                            category=LicenseCategory.ORDINARY, license_number=number, content="食品经营",
                            valid_from=date(2026, 1, 1), valid_to=date(2099, 12, 31)))  # fmt: skip

    async def revoked(session: AsyncSession) -> int:
        health = await _department_id(session, "WJ-210202")
        penalty = Penalty(**_decision(entity_id, health, "中卫罚〔2026〕99 号"), violation_type="测试", facts="测试",
                          basis="测试", categories=[PenaltyCategory.LICENSE_REVOCATION], content="吊销许可证件",
                          revoked_license_number=number)  # fmt: skip
        session.add(penalty)
        await session.flush()
        assert penalty.id is not None
        return penalty.id

    assert (await run_change(db, SYSTEM, licensed))[1] == []
    penalty_id, problems = await run_change(db, SYSTEM, revoked)
    assert problems == []
    async with db.session(SYSTEM) as session:
        license = await session.scalar(select(License).where(col(License.license_number) == number))
        referrals = (await session.scalars(select(Referral).where(col(Referral.entity_id) == entity_id))).all()
        event = await session.scalar(select(AuditEvent).where(col(AuditEvent.action) == "license.revoked"))
    assert license is not None and (license.status, license.revoked_by_id) == (RecordStatus.REVOKED, penalty_id)
    assert license.status_reason == "被行政处罚决定“中卫罚〔2026〕99 号”吊销"
    assert event is not None and event.department_code == "WJ-210202", "audited for the penalty's department"
    assert [(r.reason, r.license_id) for r in referrals] == [(ReferralReason.LICENSE_REVOKED, license.id)]
    assert await _stored(db, entity_id) == (RiskColour.BLACK, [(RiskColour.BLACK, "license.revoked")])


async def test_a_rolled_back_transaction_follows_on_with_nothing(db: Database, city: DemoCity) -> None:
    entity_id = await _plain_entity(db, new_code(body="MA0FLW04"))

    async def refused(session: AsyncSession) -> None:
        await _abnormal_listing(session, entity_id)
        await session.flush()
        raise DomainError("REFUSED", "测试：拒绝")

    assert [p.code for p in (await run_change(db, SYSTEM, refused))[1]] == ["REFUSED"]
    assert await _stored(db, entity_id) == (RiskColour.GREEN, [])

    session = await db.write_session(SYSTEM)
    try:
        await _abnormal_listing(session, entity_id)
        await session.flush()
        assert follow_on.marked(session, follow_on.ENTITIES) == [entity_id]
        await session.rollback()
        assert follow_on.marked(session, follow_on.ENTITIES) == [], "what was collected went with the rollback"
        await session.commit()
    finally:
        await session.close()
    async with db.session(SYSTEM) as session:
        assert await session.scalar(select(Listing).where(col(Listing.entity_id) == entity_id)) is None
    assert await _stored(db, entity_id) == (RiskColour.GREEN, [])


async def test_a_batch_import_re_rates_once_per_commit(
    db: Database, city: DemoCity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, str]] = []
    rate = risk.rerate

    async def counted(session: AsyncSession, entity_ids: Collection[int], cause: str) -> int:
        calls.append((len(set(entity_ids)), cause))
        return await rate(session, entity_ids, cause)

    monkeypatch.setattr(risk, "rerate", counted)
    codes = [new_code(body=f"MA0FLX{n:02d}") for n in range(5)]
    for code in codes:
        await _plain_entity(db, code)
    calls.clear()
    # Three penalties each, dated today: every entity turns RED (three in the window).
    rows = [penalty_row(code, 文号=f"中市监罚〔2026〕9{n}{k} 号", 日期=today().isoformat())
            for k in range(3) for n, code in enumerate(codes)]  # fmt: skip
    report = await run(db, write_csv(tmp_path / "十五次处罚.csv", PENALTY_HEADER, rows), chunk_rows=2, commit_rows=6)
    assert report.created == 15
    assert [cause for _, cause in calls] == ["penalty.import"] * 3, "15 rows, 6 a commit: three commits, one each"
    assert sum(count for count, _ in calls) <= 3 * len(codes)
    async with db.session(SYSTEM) as session:
        colours = await session.scalars(select(MarketEntity.risk_colour).where(col(MarketEntity.uscc).in_(codes)))
        assert set(colours.all()) == {RiskColour.RED}
