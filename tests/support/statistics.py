"""A small hand-built district for the statistics tests: 测试区 (210299) in the demo city, whose
entities and records are known one by one, with a record on each side of both edges of the year 2025."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from models import Complaint, Department, License, MarketEntity, Notice, Penalty, Region, SupervisionMatter
from models.enums import (
    ComplaintCategory,
    EntityStatus,
    EntityType,
    InspectionTaskKind,
    InspectionTaskStatus,
    LicenseCategory,
    NoticeStatus,
    PenaltyCategory,
    RecordStatus,
    RegionLevel,
    ResultConsequence,
    RiskColour,
)
from models.spotchecks import InspectionResult, InspectionTask, ResultCategory
from services.platform.db import Database
from services.platform.principal import Principal
from tests.support.entities import new_code

REGION = "210299"
REGION_NAME = "测试区"
START, END = date(2025, 1, 1), date(2025, 12, 31)
CITY, HEALTH = "SCJG-210200", "WJ-210200"
# Beijing midnight of 2025-01-01 is 16:00 UTC the day before.
BEIJING_NEW_YEAR = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)


async def build(db: Database) -> None:
    async with db.session(Principal.system()) as session:
        session.add(Region(code=REGION, name=REGION_NAME, level=RegionLevel.DISTRICT, parent_code="210200"))
        await session.flush()
        ids: dict[str, int] = {
            code: int(id_ or 0)
            for code, id_ in (
                await session.execute(select(col(Department.code), col(Department.id)).where(
                    col(Department.code).in_([CITY, HEALTH])))
            ).all()
        }  # fmt: skip
        city, health = ids[CITY], ids[HEALTH]
        entities = [
            # (type, status, colour, industry, established)
            (EntityType.COMPANY, EntityStatus.ACTIVE, RiskColour.GREEN, "H6210", date(2025, 1, 1)),
            (EntityType.SOLE_TRADER, EntityStatus.ACTIVE, RiskColour.RED, "F5211", date(2025, 12, 31)),
            (EntityType.COMPANY, EntityStatus.DEREGISTERED, RiskColour.YELLOW, "F5211", date(2024, 12, 31)),
            (EntityType.COMPANY, EntityStatus.ACTIVE, RiskColour.GREEN, "C1391", date(2026, 1, 1)),
        ]
        rows = [
            MarketEntity(
                uscc=new_code(REGION, f"MA0TJ{n:03d}"), name=f"测试区统计{n}有限公司", entity_type=kind,
                legal_representative="周统计", established_on=established, status=status, region_code=REGION,
                address="辽宁省大连市测试区", industry_code=industry, business_scope="日用百货销售",
                registration_authority_id=city, risk_colour=colour,
            )
            for n, (kind, status, colour, industry, established) in enumerate(entities)
        ]  # fmt: skip
        session.add_all(rows)
        await session.flush()
        one, two, three = rows[0].id, rows[1].id, rows[2].id
        assert one is not None and two is not None and three is not None

        def licence(n: int, entity: int, source: int, day: date, category: LicenseCategory) -> License:
            return License(
                entity_id=entity, source_department_id=source, party_name="测试", document_number=f"测许-{n}",
                document_name="许可决定书", category=category, content="食品经营", decision_date=day, valid_from=day,
                valid_to=date(2099, 12, 31), authority_name="测试", public_until=day + timedelta(days=1095),
                status=RecordStatus.EFFECTIVE,
            )  # fmt: skip

        def penalty(
            n: int, day: date, fine: str, kinds: list[PenaltyCategory], status: RecordStatus = RecordStatus.EFFECTIVE
        ) -> Penalty:
            return Penalty(
                entity_id=one, source_department_id=city, party_name="测试", document_number=f"测罚-{n}",
                violation_type="测试", facts="测试", basis="测试", categories=kinds, content="罚款",
                fine_amount=Decimal(fine), decision_date=day, authority_name="测试",
                public_until=day + timedelta(days=1095), status=status,
            )  # fmt: skip

        def complaint(n: int, day: date, category: ComplaintCategory) -> Complaint:
            return Complaint(
                entity_id=two, source_department_id=city, reference=f"测诉-{n}", received_on=day, category=category
            )

        matter = await session.scalar(select(col(SupervisionMatter.id)).limit(1))
        assert matter is not None

        def notice(entity: int, pushed: datetime, status: NoticeStatus) -> Notice:
            return Notice(
                entity_id=entity, matter_id=matter, department_id=city, status=status, pushed_at=pushed,
                deadline=pushed.date() + timedelta(days=30), reason="REGISTERED",
            )  # fmt: skip

        session.add_all([
            licence(1, one, city, date(2024, 12, 31), LicenseCategory.ORDINARY),
            licence(2, one, city, date(2025, 1, 1), LicenseCategory.ORDINARY),
            licence(3, two, health, date(2025, 12, 31), LicenseCategory.VERIFICATION),
            licence(4, two, health, date(2026, 1, 1), LicenseCategory.VERIFICATION),
            penalty(1, date(2025, 1, 1), "1000.50", [PenaltyCategory.WARNING, PenaltyCategory.FINE]),
            penalty(2, date(2025, 6, 30), "2000.25",
                    [PenaltyCategory.FINE, PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS]),
            penalty(3, date(2025, 12, 31), "300.00", [PenaltyCategory.FINE, PenaltyCategory.LICENSE_SUSPENSION],
                    RecordStatus.WITHDRAWN),
            penalty(4, date(2026, 1, 1), "99.00", [PenaltyCategory.WARNING]),
            penalty(5, date(2024, 12, 31), "77.00", [PenaltyCategory.CLOSURE]),
            complaint(1, date(2025, 1, 1), ComplaintCategory.FOOD_SAFETY),
            complaint(2, date(2025, 12, 31), ComplaintCategory.PRICE),
            complaint(3, date(2024, 12, 31), ComplaintCategory.PRICE),
            notice(one, BEIJING_NEW_YEAR + timedelta(minutes=30), NoticeStatus.PUSHED),  # 2025-01-01 00:30 in Beijing
            notice(two, BEIJING_NEW_YEAR - timedelta(minutes=30), NoticeStatus.CLAIMED),  # 2024-12-31 23:30 in Beijing
            notice(three, datetime(2025, 12, 31, 15, 30, tzinfo=UTC), NoticeStatus.CLAIMED),  # 23:30 in Beijing
            ResultCategory(version=99, code="TJ-OK", name="未发现问题（测试）", consequence=ResultConsequence.NONE,
                           set_by="test"),
            ResultCategory(version=99, code="TJ-FIX", name="责令整改（测试）", consequence=ResultConsequence.NONE,
                           set_by="test"),
        ])  # fmt: skip
        await session.flush()
        tasks = [
            InspectionTask(
                entity_id=entity, department_id=city, kind=InspectionTaskKind.DRAWN, status=status, due_on=due
            )
            for entity, status, due in (
                (one, InspectionTaskStatus.RECORDED, date(2025, 6, 1)),
                (two, InspectionTaskStatus.ASSIGNED, date(2025, 12, 31)),
                (two, InspectionTaskStatus.ASSIGNED, date(2026, 1, 1)),
            )
        ]
        session.add_all(tasks)
        await session.flush()
        assert tasks[0].id is not None
        session.add(
            InspectionResult(
                task_id=tasks[0].id, categories=["TJ-OK", "TJ-FIX"], category_version=99,
                recorded_at=datetime(2025, 6, 2, 2, 0, tzinfo=UTC), recorded_by="test",
            )
        )  # fmt: skip
        await session.commit()


def counts(items: list[dict[str, Any]]) -> dict[str, int]:
    """A breakdown as {key: count}, leaving out the zeros."""
    return {item["key"]: item["count"] for item in items if item["count"]}
