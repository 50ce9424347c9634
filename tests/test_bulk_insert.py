"""services.platform.bulk_insert: new rows in bulk (COPY on PostgreSQL, executemany on SQLite) are stored
exactly as an ORM insert stores them, and a key already taken surfaces as IntegrityError, so a
batch import reports a chunk that lost a race as conflicts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Penalty
from models.enums import PenaltyCategory, RecordStatus
from services.platform import bulk_insert
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.sheet_rows import RowOutcome
from services.records import record_writer
from services.records.record_columns import RecordKind
from services.records.record_rows import Source
from tests.conftest import BACKEND, DemoCity
from tests.support.record_files import PENALTY_HEADER, penalty_row, write_csv
from tests.support.record_import import run

SYSTEM = Principal.system("bulk-insert-test")
TABLE = Penalty.__table__  # type: ignore[attr-defined]
DECIDED_AT = datetime(2026, 3, 5, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
_LEFT_OUT = object()  # a column the rows leave out


async def _ids(session: AsyncSession, city: DemoCity) -> tuple[int, int]:
    entity = await session.scalar(select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == city.zhongshan[0]))
    department = await session.scalar(select(col(Department.id)).where(col(Department.code) == "SCJG-210202"))
    assert entity is not None and department is not None
    return entity, department


def _decision(entity: int, department: int, number: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "entity_id": entity, "source_department_id": department, "party_name": "大连海韵餐饮管理有限公司",
        "legal_representative": None, "document_number": number, "violation_type": "经营超过保质期的食品",
        "facts": "当事人销售超过保质期的预包装食品 12 件。", "basis": "《中华人民共和国食品安全法》第一百二十四条",
        "categories": [PenaltyCategory.WARNING, PenaltyCategory.FINE], "content": "警告，罚款人民币伍仟元整",
        "fine_amount": Decimal("5000.00"), "confiscated_amount": Decimal("0.01"), "revoked_license_number": None,
        "decision_date": date(2026, 3, 5), "authority_name": "大连市中山区市场监督管理局",
        "public_until": date(2029, 3, 4), "status": RecordStatus.EFFECTIVE, "status_reason": None,
        "created_at": DECIDED_AT, "updated_at": DECIDED_AT,
    }  # fmt: skip
    values.update(changes)
    return {name: value for name, value in values.items() if value is not _LEFT_OUT}


async def _stored(session: AsyncSession, number: str) -> dict[str, Any]:
    """The row as the database holds it, bypassing the column types."""
    query = text("SELECT * FROM penalty WHERE document_number = :n")
    row = (await session.execute(query, {"n": number})).mappings().one()
    return {name: value for name, value in row.items() if name not in ("id", "document_number")}


async def test_rows_in_bulk_are_stored_as_the_orm_stores_them(db: Database, city: DemoCity) -> None:
    async with await db.write_session(SYSTEM) as session:
        entity, department = await _ids(session, city)
        session.add(Penalty(**_decision(entity, department, "中市监罚〔2026〕901 号")))
        session.add(Penalty(**_decision(entity, department, "中市监罚〔2026〕902 号", categories=_LEFT_OUT)))
        await session.flush()
        one = _decision(entity, department, "中市监罚〔2026〕911 号")
        await bulk_insert.insert_rows(session, TABLE, [one, {**one, "document_number": "中市监罚〔2026〕912 号"}])
        # Columns a batch leaves out take their defaults, as an INSERT fills them.
        left_out = {"categories": _LEFT_OUT, "created_at": _LEFT_OUT, "updated_at": _LEFT_OUT}
        await bulk_insert.insert_rows(
            session, TABLE, [_decision(entity, department, "中市监罚〔2026〕913 号", **left_out)]
        )
        await session.commit()
    async with await db.write_session(SYSTEM) as session:
        by_orm = await _stored(session, "中市监罚〔2026〕901 号")
        assert by_orm["fine_amount"] == 500000 and by_orm["status"] == "EFFECTIVE"  # fen; the member's name
        assert await _stored(session, "中市监罚〔2026〕911 号") == by_orm
        assert await _stored(session, "中市监罚〔2026〕912 号") == by_orm
        defaulted = await _stored(session, "中市监罚〔2026〕913 号")
        assert defaulted["categories"] == (await _stored(session, "中市监罚〔2026〕902 号"))["categories"]
        assert defaulted["created_at"] is not None and defaulted["created_at"] != by_orm["created_at"]
        read = await session.scalar(select(Penalty).where(col(Penalty.document_number) == "中市监罚〔2026〕911 号"))
        assert read is not None
        assert read.categories == [PenaltyCategory.WARNING, PenaltyCategory.FINE]
        assert read.fine_amount == Decimal("5000.00") and read.confiscated_amount == Decimal("0.01")
        assert read.created_at == DECIDED_AT


async def test_a_key_already_taken_raises_integrity_error_and_the_savepoint_stores_none(
    db: Database, city: DemoCity
) -> None:
    async with await db.write_session(SYSTEM) as session:
        entity, department = await _ids(session, city)
        session.add(Penalty(**_decision(entity, department, "中市监罚〔2026〕921 号")))
        await session.flush()
        batch = [_decision(entity, department, f"中市监罚〔2026〕{n} 号") for n in (922, 921, 923)]
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await bulk_insert.insert_rows(session, TABLE, batch)
        # The transaction goes on after the savepoint's rollback.
        await bulk_insert.insert_rows(session, TABLE, [batch[0]])
        await session.commit()
    async with db.session(SYSTEM) as session:
        stored = await session.scalars(select(col(Penalty.document_number)).where(col(Penalty.entity_id) == entity))
        numbers = set(stored.all())
    assert {"中市监罚〔2026〕921 号", "中市监罚〔2026〕922 号"} <= numbers
    assert "中市监罚〔2026〕923 号" not in numbers


@pytest.mark.skipif(
    BACKEND != "postgres", reason="SQLite writers queue (BEGIN IMMEDIATE): no one can take a key mid-chunk"
)
async def test_a_chunk_whose_keys_a_concurrent_writer_takes_is_reported_as_conflicts(
    db: Database, city: DemoCity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the chunk's look-up of stored records and its COPY, another writer commits a
    decision with one of the chunk's numbers, on the first try and on the retry alike."""
    numbers = ["中市监罚〔2026〕931 号", "中市监罚〔2026〕932 号"]
    rows = [penalty_row(city.zhongshan[1], 文号=number) for number in numbers]
    looked_up = record_writer._stored

    async def then_taken(session: AsyncSession, kind: RecordKind, source: Source, keys: list[str]) -> Any:
        found = await looked_up(session, kind, source, keys)
        async with await db.write_session(SYSTEM) as other:
            entity, department = await _ids(other, city)
            other.add(Penalty(**_decision(entity, department, numbers[len(taken)])))
            await other.commit()
        taken.append(numbers[len(taken)])
        return found

    taken: list[str] = []
    monkeypatch.setattr(record_writer, "_stored", then_taken)
    report = await run(db, write_csv(tmp_path / "抢先.csv", PENALTY_HEADER, rows))
    assert taken == numbers  # tried twice
    assert report.created == 0
    assert {(line.row, line.outcome, line.code) for line in report.lines} == {
        (2, RowOutcome.REJECTED, "CONFLICT"),
        (3, RowOutcome.REJECTED, "CONFLICT"),
    }
    async with db.session(SYSTEM) as session:
        stored = await session.scalars(select(Penalty).where(col(Penalty.document_number).in_(numbers)))
        # The other writer's decisions, not the file's.
        assert {(p.document_number, p.party_name) for p in stored.all()} == {
            (number, "大连海韵餐饮管理有限公司") for number in numbers
        }
