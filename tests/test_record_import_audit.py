"""One audit event per 双归集 import run (`<kind>.imported`), with its counts, however many chunks and
commits the run took; none for a run that stored nothing new."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from models import AuditEvent
from services.platform.db import Database
from services.platform.errors import DomainError
from tests.conftest import DemoCity
from tests.support.departments import DISTRICT
from tests.support.record_files import PENALTY_HEADER, penalty_row, write_csv
from tests.support.record_import import SYSTEM, run, stored_penalties

COUNTS = ("rows", "created", "updated", "unchanged", "rejected")


async def _events(db: Database) -> list[AuditEvent]:
    async with db.session(SYSTEM) as session:
        query = select(AuditEvent).where(col(AuditEvent.action).like("penalty.%")).order_by(col(AuditEvent.id))
        return list((await session.scalars(query)).all())


def _rows(city: DemoCity, first: int, count: int) -> list[list[str]]:
    return [penalty_row(city.zhongshan[i % 6], 文号=f"中市监罚〔2026〕{first + i} 号") for i in range(count)]


async def test_a_run_of_many_chunks_and_commits_writes_one_event_with_its_counts(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = _rows(city, 300, 25)
    rows[4][1] = "91210200ABC"  # rejected
    report = await run(db, write_csv(tmp_path / "二十五行.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    assert (report.created, report.rejected) == (24, 1)
    [event] = await _events(db)  # seven chunks, four commits
    assert event.action == "penalty.imported" and event.object_id == "二十五行.csv"
    assert event.department_code == DISTRICT and event.after is not None
    assert {name: event.after[name] for name in COUNTS} == {
        "rows": 25, "created": 24, "updated": 0, "unchanged": 0, "rejected": 1,
    }  # fmt: skip
    assert event.after["finished"] is True and event.after["listedAll"] is True
    assert len(event.after["documentNumbers"]) == 24

    # The same file again, a row corrected: the correction its own event, the run one more.
    rows[0] = penalty_row(city.zhongshan[0], 文号="中市监罚〔2026〕300 号", 处罚内容="警告（更正）")
    await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    later = (await _events(db))[1:]
    assert [e.action for e in later] == ["penalty.updated", "penalty.imported"]
    assert later[1].after is not None
    assert {name: later[1].after[name] for name in COUNTS} == {
        "rows": 25, "created": 0, "updated": 1, "unchanged": 23, "rejected": 1,
    }  # fmt: skip
    # Identical once more: nothing stored, no event.
    await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    assert len(await _events(db)) == 3


async def test_a_dry_run_and_a_refused_all_or_nothing_run_write_none(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = _rows(city, 400, 6)
    path = write_csv(tmp_path / "试运行.csv", PENALTY_HEADER, rows)
    await run(db, path, dry_run=True, chunk_rows=2)
    rows[5][1] = "91210200ABC"
    await run(db, write_csv(tmp_path / "全部或全不.csv", PENALTY_HEADER, rows), all_or_nothing=True, chunk_rows=2)
    assert await _events(db) == [] and await stored_penalties(db) == {}


async def test_a_run_stopped_after_commits_audits_what_it_kept(db: Database, city: DemoCity, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "中断.csv", PENALTY_HEADER, _rows(city, 500, 10))
    with path.open("ab") as out:
        # A cell over the CSV reader's field limit: the file is refused from this line on.
        out.write(b'"' + b"x" * 200_000 + b'"\r\n')
    with pytest.raises(DomainError) as stopped:
        await run(db, path, chunk_rows=2, commit_rows=4)
    assert "此前已导入的前 8 行已保存" in stopped.value.problems[0].message
    assert len(await stored_penalties(db)) == 8
    [event] = await _events(db)
    assert event.after is not None and event.after["finished"] is False
    assert {name: event.after[name] for name in COUNTS} == {
        "rows": 8, "created": 8, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
