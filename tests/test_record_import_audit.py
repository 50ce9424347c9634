"""One audit event per commit of a 双归集 import run (`<kind>.imported`), counting the run so far and
naming what that commit created, however many chunks each commit took; none for a commit or a run
that stored nothing new."""

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


async def test_a_run_of_many_chunks_and_commits_writes_one_event_per_commit_with_its_counts(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = _rows(city, 300, 25)
    rows[4][1] = "91210200ABC"  # rejected
    report = await run(db, write_csv(tmp_path / "二十五行.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    assert (report.created, report.rejected) == (24, 1)
    events = await _events(db)  # seven chunks, four commits
    assert [e.action for e in events] == ["penalty.imported"] * 4
    assert {e.object_id for e in events} == {"二十五行.csv"} and {e.department_code for e in events} == {DISTRICT}
    afters = [e.after for e in events if e.after is not None]
    assert len({after["run"] for after in afters}) == 1 and [after["part"] for after in afters] == [1, 2, 3, 4]
    # Each counts the run up to its commit; only the last says the file was read to its end.
    assert [{name: after[name] for name in COUNTS} for after in afters] == [
        {"rows": 8, "created": 7, "updated": 0, "unchanged": 0, "rejected": 1},
        {"rows": 16, "created": 15, "updated": 0, "unchanged": 0, "rejected": 1},
        {"rows": 24, "created": 23, "updated": 0, "unchanged": 0, "rejected": 1},
        {"rows": 25, "created": 24, "updated": 0, "unchanged": 0, "rejected": 1},
    ]  # fmt: skip
    assert [after["finished"] for after in afters] == [False, False, False, True]
    assert all(after["listedAll"] for after in afters)
    # Together they name every record the run created, each in the event of its own commit.
    named = [number for after in afters for number in after["documentNumbers"]]
    assert [len(after["documentNumbers"]) for after in afters] == [7, 8, 8, 1]
    assert named == [f"中市监罚〔2026〕{300 + i} 号" for i in range(25) if i != 4]

    # The same file again, a row corrected: the correction its own event, then its commit's, then
    # the run's last (the later commits stored nothing new and wrote none).
    rows[0] = penalty_row(city.zhongshan[0], 文号="中市监罚〔2026〕300 号", 处罚内容="警告（更正）")
    await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    later = (await _events(db))[4:]
    assert [e.action for e in later] == ["penalty.updated", "penalty.imported", "penalty.imported"]
    assert later[2].after is not None and later[2].after["finished"] is True
    assert {name: later[2].after[name] for name in COUNTS} == {
        "rows": 25, "created": 0, "updated": 1, "unchanged": 23, "rejected": 1,
    }  # fmt: skip
    # Identical once more: nothing stored, no event.
    await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, rows), chunk_rows=4, commit_rows=8)
    assert len(await _events(db)) == 7


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
    # Each kept commit has its own event, written with it: none was left to write after the refusal.
    events = await _events(db)
    assert [e.after["part"] for e in events if e.after is not None] == [1, 2]
    last = events[-1].after
    assert last is not None and last["finished"] is False
    assert {name: last[name] for name in COUNTS} == {
        "rows": 8, "created": 8, "updated": 0, "unchanged": 0, "rejected": 0,
    }  # fmt: skip
