"""责令整改: when a rectification deadline has passed, the scheduled jobs open one follow-up task
for the same entity and department, with the same inspectors, however often and on however
many machines they run."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from models import InspectionTask
from services import jobs
from services.platform import calendar
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.spotchecks import open_due_follow_ups
from services.spotchecks.consequences import open_follow_up
from tests.conftest import BACKEND, Api, DemoCity
from tests.support.cli import manage
from tests.support.tasks import HEALTH, RECORD, SYSTEM, TASKS, answers, drawn_plan, result, set_rectification_due

DUE_IN = 7


async def _ordered(api: Api, city: DemoCity, db: Database, count: int = 1) -> tuple[list[str], date]:
    """Tasks whose results ordered rectification by today + DUE_IN: their ids, and the deadline."""
    usccs = city.zhongshan[:count]
    drawn = await drawn_plan(db, usccs)
    due = today() + timedelta(days=DUE_IN)
    data = result(["RECTIFICATION_ORDERED"], items=answers("NON_CONFORMING"), rectificationDueOn=due.isoformat())
    for uscc in usccs:
        payload = await api.data(RECORD, {"t": drawn.task(uscc), "i": data}, city.tokens["district_health"])
        assert payload["recordInspectionResult"]["errors"] == []
    return [drawn.task(uscc) for uscc in usccs], due


async def _follow_ups(db: Database, parent: str) -> list[InspectionTask]:
    async with db.session(SYSTEM) as session:
        rows = await session.scalars(select(InspectionTask).where(col(InspectionTask.parent_task_id) == int(parent)))
        return list(rows.all())


async def _task(api: Api, city: DemoCity, task_id: str) -> dict[str, Any]:
    found = await api.data(TASKS, {"f": {"status": "ASSIGNED"}}, city.tokens["district_health"])
    return next(e["node"] for e in found["inspectionTasks"]["edges"] if e["node"]["id"] == task_id)


async def test_the_follow_up_waits_for_the_deadline_then_opens_once(api: Api, city: DemoCity, db: Database) -> None:
    (parent,), due = await _ordered(api, city, db)
    # On the deadline itself the entity still has time.
    assert (await jobs.run_jobs(db, on=due)).follow_ups == []
    assert await _follow_ups(db, parent) == []
    after = due + timedelta(days=1)
    report = await jobs.run_jobs(db, on=after)
    assert [f.parent_task_id for f in report.follow_ups] == [int(parent)]
    assert (await jobs.run_jobs(db, on=after)).follow_ups == []
    assert (await jobs.run_jobs(db, on=after + timedelta(days=30))).follow_ups == []
    (follow_up,) = await _follow_ups(db, parent)
    async with db.session(SYSTEM) as session:
        work = await calendar.for_deadline(session, after, 10)
    assert follow_up.due_on == work.add_working_days(after, 10)
    shown = await _task(api, city, str(follow_up.id))
    assert shown["kind"] == "FOLLOW_UP" and shown["parentTask"] == {"id": parent}
    assert shown["department"]["code"] == HEALTH and shown["entity"]["uscc"] == city.zhongshan[0]
    parent_shown = await api.data(TASKS, {"f": {"status": "RECORDED"}}, city.tokens["district_health"])
    (node,) = [e["node"] for e in parent_shown["inspectionTasks"]["edges"]]
    assert node["followUpTask"]["id"] == str(follow_up.id)
    assert sorted(i["certificateNo"] for i in shown["inspectors"]) == sorted(
        i["certificateNo"] for i in node["inspectors"]
    )


async def test_runners_at_once_open_one_follow_up_each(api: Api, city: DemoCity, db: Database) -> None:
    parents, due = await _ordered(api, city, db, count=3)
    on = due + timedelta(days=2)
    platform = Principal.system("run-jobs")
    runs = await asyncio.gather(*(run_change(db, platform, lambda s: open_due_follow_ups(s, on)) for _ in range(3)))
    assert all(problems == [] for _, problems in runs)
    opened = sorted(f.parent_task_id for found, _ in runs for f in found or [])
    assert opened == sorted(int(p) for p in parents)
    for parent in parents:
        assert len(await _follow_ups(db, parent)) == 1


async def test_run_jobs_on_the_command_line_counts_the_follow_ups(
    api: Api, city: DemoCity, db: Database, database_url: str
) -> None:
    (parent,), _ = await _ordered(api, city, db)
    # The command line runs for today: the deadline passed yesterday.
    await set_rectification_due(db, parent, today() - timedelta(days=1))
    first = manage(database_url, "run-jobs")
    assert first.returncode == 0, first.stderr
    (follow_up,) = await _follow_ups(db, parent)
    assert "责令改正期满后续检查：新建检查任务 1 个" in first.stdout
    assert f"任务 {parent} → 后续检查任务 {follow_up.id}（{follow_up.due_on.isoformat()} 前完成）" in first.stdout
    again = manage(database_url, "run-jobs")
    assert again.returncode == 0 and "责令改正期满后续检查：新建检查任务 0 个" in again.stdout
    assert len(await _follow_ups(db, parent)) == 1


async def test_a_second_insert_of_the_same_follow_up_yields(api: Api, city: DemoCity, db: Database) -> None:
    """The last guard: two transactions that both decided to open the follow-up (without the job's
    lock) store one; the second waits for the first and yields, with no error."""
    (parent,), due = await _ordered(api, city, db)
    platform = Principal.system("run-jobs")

    async def open_one(hold: asyncio.Event | None, go: asyncio.Event | None) -> int | None:
        session = await db.write_session(platform)
        try:
            task = await session.get(InspectionTask, int(parent))
            assert task is not None
            opened = await open_follow_up(session, task, due + timedelta(days=1))
            if hold is not None and go is not None:
                hold.set()
                await go.wait()
            await session.commit()
            return opened.id if opened is not None else None
        finally:
            await session.close()

    if BACKEND == "postgres":
        inserted, go = asyncio.Event(), asyncio.Event()
        first = asyncio.ensure_future(open_one(inserted, go))
        await inserted.wait()
        second = asyncio.ensure_future(open_one(None, None))
        await asyncio.sleep(0.3)
        assert not second.done(), "the second insert waits for the first transaction"
        go.set()
        results = [await first, await second]
    else:  # SQLite writers take turns already
        results = [await open_one(None, None), await open_one(None, None)]
    assert results[0] is not None and results[1] is None
    assert [t.id for t in await _follow_ups(db, parent)] == [results[0]]
