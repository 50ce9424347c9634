"""Analysis reads over a city of any size (1,000,000 entities by default), on the engine the
environment names (bench.common): the city is built in bulk beforehand and never timed
(bench.city: entities, then licences, penalties, complaints and notices over the past three years,
bench.city.build_records with RECORDS, and spot-check plans, tasks and results, build_spot_checks).

Each measurement is one function taking the built city and returning its figures; `MEASUREMENTS`
lists them, so another analysis read is timed by adding one more:

- `statistics`: services.analysis.statistics over the past 12 months, for the whole city (the
  city's market-regulation desk), for one district asked by the city desk, and for a district desk
  (whose row policy narrows it to its district); the median of a few runs each.
"""

from __future__ import annotations

import statistics as stats
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import select

from bench.city import Mix, build_entities, build_records, build_spot_checks, search_index_filled_after
from bench.common import fresh_database, write_result
from demo import seed
from models import Department
from models.enums import Role
from services.analysis import cache
from services.analysis import statistics as statistics_service
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal

CITY_DESK, DISTRICT_DESK, DISTRICT = "SCJG-210200", "SCJG-210202", "210202"
# Roughly the demo city's proportions: a licence for one entity in five, a penalty for one in twelve, one to
# four hotline complaints for one in ten, a notice for one in four.
RECORDS = Mix(licences=5, penalties=12, notices=4, complaints=10)
YEARS_OF_RECORDS = 3


@dataclass(frozen=True)
class City:
    db: Database
    entities: int
    start: date  # the past 12 months
    end: date


async def desk(db: Database, code: str) -> Principal:
    async with db.session(Principal.system("bench")) as session:
        department = await session.scalar(select(Department).where(Department.code == code))
        assert department is not None
        return Principal.acting_for(Role.DEPARTMENT, code, department)


async def median_seconds(runs: int, work: Callable[[], Awaitable[object]]) -> dict[str, Any]:
    """The median of `runs` timed runs after one untimed (the first warms the database's caches and the
    pool); the answers kept a few minutes (services.analysis.cache) are forgotten before each run."""
    await work()
    timings = []
    for _ in range(runs):
        cache.forget()
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return {"runs": runs, "median_s": round(stats.median(timings), 3), "max_s": round(max(timings), 3)}


async def time_statistics(city: City, runs: int = 5) -> dict[str, Any]:
    cases = {
        "city": (await desk(city.db, CITY_DESK), None),
        "district": (await desk(city.db, CITY_DESK), DISTRICT),
        "district_desk": (await desk(city.db, DISTRICT_DESK), None),
    }
    figures: dict[str, Any] = {"period": [city.start.isoformat(), city.end.isoformat()]}
    for name, (principal, region) in cases.items():

        async def once(principal: Principal = principal, region: str | None = region) -> object:
            async with city.db.session(principal) as session:
                return await statistics_service.statistics(session, city.start, city.end, region)

        figures[name] = await median_seconds(runs, once)
        started = time.perf_counter()
        await once()  # asked again within the few minutes: the kept answer
        figures[name]["kept_s"] = round(time.perf_counter() - started, 4)
        print(f"statistics {name}: {figures[name]}")

    # The admin home as everyone lands on it: the stock only (the period's charts wait for the form).
    for name, code in (("home_city", CITY_DESK), ("home_district_desk", DISTRICT_DESK)):

        async def home(principal: Principal = await desk(city.db, code)) -> object:
            async with city.db.session(principal) as session:
                return await statistics_service.stock(session)

        figures[name] = await median_seconds(runs, home)
        print(f"{name}: {figures[name]}")
    return figures


MEASUREMENTS: dict[str, Callable[[City], Awaitable[dict[str, Any]]]] = {"statistics": time_statistics}


async def run(entities: int) -> dict[str, Any]:
    async with fresh_database() as (_, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        async with search_index_filled_after(db):
            await build_entities(db, entities)
        days = 365 * YEARS_OF_RECORDS
        since = datetime.now(UTC) - timedelta(days=days)
        records = await build_records(db, entities, since, days, RECORDS)
        records.update(await build_spot_checks(db, entities, since, days))
        print(f"built {entities} entities and {records} in {time.perf_counter() - started:.0f} s")
        end = today()
        first = date(end.year - 1, end.month, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)
        city = City(db, entities, first, end)
        figures: dict[str, Any] = {"entities": entities, "records": records}
        for name, measure in MEASUREMENTS.items():
            figures[name] = await measure(city)
        write_result("analysis", figures)
        return figures
