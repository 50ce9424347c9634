"""绩效考核: `departmentPerformance` for one department and the ranking of every department, over a 12-month
period of a city of 1,000,000 entities.

The city is built in bulk beforehand (not timed): the demo catalog (`seed_demo(entities=0)`, with the
2026 working-day calendar), the entities (bench/city.build_entities), and two years of traces
(bench/city.build_traces, its licences, penalties and notices from bench/city.build_records): a notice
for one entity in three, a licence for one in four, a penalty for one in ten, monthly plans with a task
for one entity in fifty, a referral for one in fifty. Then, each the median of RUNS runs:
`services.analysis.performance.department_performance` (what the resolver runs) for the busiest
department, and `ranking` (the admin page) for every department, uncached (the answer kept a few minutes
is forgotten before each run) and once more kept.

On SQLite the search index is filled after the entities are built, at once (bench.city.search_index_filled_after):
row by row it slowed the build from minutes to most of an hour on a shared machine."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bench.city import SYSTEM, build_entities, build_traces, search_index_filled_after
from bench.common import fresh_database, write_result
from demo import seed
from models import Department, Notice
from services.analysis import cache
from services.analysis.performance import department_performance, ranking
from services.platform.db import Database

RUNS = 5
PERIOD = (date(2025, 11, 1), date(2026, 10, 31))  # twelve months, both ends included


async def _median(db: Database, work: Callable[[Any], Awaitable[object]]) -> tuple[float, list[float]]:
    times = []
    for _ in range(RUNS):
        cache.forget()  # the counting is timed, not the answer kept a few minutes
        async with db.session(SYSTEM) as session:
            started = time.perf_counter()
            await work(session)
            times.append(time.perf_counter() - started)
    return statistics.median(times), times


async def run(entities: int = 1_000_000) -> None:
    async with fresh_database() as (_url, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        async with search_index_filled_after(db):
            await build_entities(db, entities)
        traces = await build_traces(db, entities, datetime(2024, 11, 1, tzinfo=UTC), 730)
        built = time.perf_counter() - started
        async with db.session(SYSTEM) as session:
            busiest = (
                await session.execute(
                    sa.select(col(Department.code))
                    .join(Notice, col(Notice.department_id) == col(Department.id))
                    .group_by(col(Department.code))
                    .order_by(sa.func.count().desc())
                    .limit(1)
                )
            ).scalar_one()
        start, end = PERIOD
        one, one_runs = await _median(db, lambda s: department_performance(s, busiest, start, end))
        every, every_runs = await _median(db, lambda s: ranking(s, start, end))
        async with db.session(SYSTEM) as session:
            started = time.perf_counter()
            await ranking(session, start, end)  # a sort or an export within the few minutes: the kept answer
            kept = time.perf_counter() - started
        async with db.session(SYSTEM) as session:
            measured = await department_performance(session, busiest, start, end)
        figures = {
            "entities": entities,
            "traces": traces,
            "build_seconds": round(built, 1),
            "search_index_filled_after_build": db.is_sqlite,
            "period": {"from": start.isoformat(), "to": end.isoformat()},
            "department": busiest,
            "department_notices_received": measured.notices.received,
            "department_performance_seconds": round(one, 3),
            "department_performance_runs": [round(t, 3) for t in one_runs],
            "ranking_departments": traces["departments"],
            "ranking_seconds": round(every, 3),
            "ranking_runs": [round(t, 3) for t in every_runs],
            "ranking_kept_seconds": round(kept, 4),
        }
        print(figures)
        write_result("performance", figures)
