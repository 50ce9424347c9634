"""searchEntities over 1,000,000 entities, through the real service, on either engine.

The city comes from `bench.city.build_entities` after the demo catalog (not timed; the text
index is kept by the same inserts: the FTS5 triggers on SQLite, the pg_trgm GIN indexes on
PostgreSQL, and the build's time says what that costs). Then a fixed mix of searches drawn
from the city's own rows, by kind: exact names, fragments of one, two and three to five
characters of a name, a word most names hold, USCC fragments, street names, another district's
name (in a ninth of the addresses, and none of the desk's: its district must not be walked), legal
representatives, and two characters no entity holds (the short path's worst case: every row is
read). Each is one page of 20 by `services.registry.search.search_entities` in a fresh session,
as a maintainer (who sees every district) and as a district department; median and 95th
percentile per kind. Over HTTP once per kind too (the GraphQL request, a maintainer's token).

JIANGUAN_BENCH_SEARCH_URL=<url> measures a city built before (kept by JIANGUAN_BENCH_KEEP=1)
instead: it is migrated to the head, analysed (and vacuumed on PostgreSQL), and kept; nothing is built.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from app import create_app, settle_heap
from bench.city import ADDRESSED_IN, DISTRICTS, build_entities, search_index_filled_after
from bench.common import SECRET, fresh_database, write_result
from demo import seed
from models import Department, MarketEntity, Region
from models.enums import Role
from services.accounts.tokens import create_token
from services.platform import migrate
from services.platform.db import Database, refresh_statistics
from services.platform.principal import Principal, PrincipalKind
from services.platform.settings import Settings
from services.registry.search import search_entities

SAMPLES = 40  # searches per kind
DESK_DISTRICT = "210202"  # the district desk's (中山区)
MAINTAINER = Principal(kind=PrincipalKind.MAINTAINER, name="基准维护人员")
SEARCH = "query($t: String!) { searchEntities(text: $t, first: 20) { edges { node { uscc name } } } }"


def _fragment(text: str, length: int, rng: random.Random) -> str:
    start = rng.randrange(max(1, len(text) - length + 1))
    return text[start : start + length]


async def _queries(db: Database, count: int, rng: random.Random) -> dict[str, list[str]]:
    ids = rng.sample(range(1, count + 1), min(count, SAMPLES))
    async with db.session(Principal.system("bench")) as session:
        rows = (await session.execute(select(MarketEntity).where(col(MarketEntity.id).in_(ids)))).scalars().all()
        names = dict((await session.execute(select(col(Region.code), col(Region.name)))).all())
    # Each district's name is in a ninth of the addresses, the desk's own district's in its every one.
    elsewhere = [names[code] for code in DISTRICTS if code != DESK_DISTRICT]
    rows = list(rows)
    rng.shuffle(rows)
    return {
        "exact_name": [row.name for row in rows],
        "one_character": [_fragment(row.name, 1, rng) for row in rows],
        "two_characters": [_fragment(row.name, 2, rng) for row in rows],
        "three_to_five_characters": [_fragment(row.name, rng.randint(3, 5), rng) for row in rows],
        "common_word": ["有限公司", "科技", "大连", "商贸有限"] * (len(rows) // 4),
        "uscc_fragment": [_fragment(row.uscc, rng.randint(4, 8), rng).lower() for row in rows],
        "address": [_street(row.address, names[row.region_code]) for row in rows],
        "another_district": [elsewhere[n % len(elsewhere)] for n in range(len(rows))],
        "legal_representative": [row.legal_representative for row in rows],
        "two_characters_absent": ["鳗鲡", "龘靐"] * (len(rows) // 2),
    }


def _street(address: str, district: str) -> str:
    """The street of a city address (bench.city: the city, the district, the street, a number)."""
    return address.removeprefix(ADDRESSED_IN).removeprefix(district).rstrip("号").rstrip("0123456789")


def _figures(seconds: list[float]) -> dict[str, Any]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def _timed(texts: list[str], one: Callable[[str], Awaitable[int]]) -> tuple[dict[str, Any], int]:
    seconds, found = [], 0
    for text in texts:
        started = time.perf_counter()
        found += await one(text)
        seconds.append(time.perf_counter() - started)
    return _figures(seconds), found


async def _district(db: Database) -> Principal:
    async with db.session(Principal.system("bench")) as session:
        department = await session.scalar(select(Department).where(col(Department.code) == f"SCJG-{DESK_DISTRICT}"))
    assert department is not None
    return Principal.acting_for(Role.DEPARTMENT, department.name, department)


async def _settle(db: Database) -> None:
    """The planner's statistics, and on PostgreSQL a vacuum as autovacuum would run after a bulk
    load: it also empties the GIN indexes' pending lists, which every search reads else."""
    tables = ("market_entity", "entity_person", "entity_former_name")
    if db.is_sqlite:
        await refresh_statistics(db, *tables)
        return
    async with db.engine.connect() as connection:  # VACUUM ANALYZE: the statistics too, once
        done = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            await done.execute(sql(f"VACUUM ANALYZE {table}"))


@asynccontextmanager
async def _city(entities: int) -> AsyncIterator[tuple[str, Database, str, int, float | None]]:
    """The city searched: its URL, database, a maintainer's token, its entities, and the seconds
    its build took (None for a city built before, named by JIANGUAN_BENCH_SEARCH_URL)."""
    existing = os.environ.get("JIANGUAN_BENCH_SEARCH_URL")
    if existing:
        db = Database(existing, SECRET)
        try:
            await migrate.upgrade(db)
            await _settle(db)
            async with await db.write_session(MAINTAINER) as session:
                _, token = await create_token(session, "SCJG-210200", Role.MAINTAINER, "基准检索")
                await session.commit()
            async with db.session(Principal.system("bench")) as session:
                count = await session.scalar(select(func.max(col(MarketEntity.id))))
            yield existing, db, token, int(count or 0), None
        finally:
            await db.dispose()
        return
    async with fresh_database() as (url, db):
        report = await seed.seed_demo(db, seed=1, entities=0)
        token = next(t.token for t in report.tokens if t.name == "演示维护人员")
        started = time.perf_counter()
        async with search_index_filled_after(db):
            await build_entities(db, entities)
        await _settle(db)
        built = time.perf_counter() - started
        print(f"built {entities} entities with their text index in {built:.0f} s")
        yield url, db, token, entities, built


async def run(entities: int) -> None:
    rng = random.Random(16)
    async with _city(entities) as (url, db, token, entities, built):
        queries = await _queries(db, entities, rng)
        district = await _district(db)

        def through(principal: Principal) -> Callable[[str], Awaitable[int]]:
            async def one(text: str) -> int:
                async with db.session(principal) as session:
                    return len((await search_entities(session, text, 20, None)).items)

            return one

        for text in queries["three_to_five_characters"][:5] + queries["one_character"][:5]:  # warm the caches
            await through(MAINTAINER)(text)
        settle_heap()  # as a served app does when it starts
        kinds: dict[str, Any] = {}
        for kind, texts in queries.items():
            maintainer, found = await _timed(texts, through(MAINTAINER))
            in_district, _ = await _timed(texts, through(district))
            kinds[kind] = {
                "maintainer": maintainer,
                "district": in_district,
                "rows_found": found,
                "examples": texts[:4],
            }
            print(f"{kind:26} maintainer {maintainer['median_ms']:8.2f} / {maintainer['p95_ms']:8.2f} ms  "
                  f"district {in_district['median_ms']:8.2f} / {in_district['p95_ms']:8.2f} ms")  # fmt: skip
        over_http = await _over_http(db, url, token, queries)
        write_result(
            "search",
            {
                "entities": entities,
                "build_seconds_with_index": None if built is None else round(built, 1),
                "page_size": 20,
                "kinds": kinds,
                "over_http": over_http,
            },
            engine="sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql",
        )


async def _over_http(db: Database, url: str, token: str, queries: dict[str, list[str]]) -> dict[str, Any]:
    """Each kind's searches once more as GraphQL requests (in-process ASGI, a maintainer's token)."""
    settings = Settings(database_url=url, secret_key=SECRET, env="production")
    figures: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=create_app(settings, db))  # its lifespan does not run here:
    settle_heap()  # what it would do first
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def one(text: str) -> int:
            response = await client.post(
                "/graphql",
                json={"query": SEARCH, "variables": {"t": text}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            return len(response.json()["data"]["searchEntities"]["edges"])

        for kind, texts in queries.items():
            figures[kind], _ = await _timed(texts, one)
    return figures
