"""网图 on a large registry: how long `entityGraph` takes at depths 1–3, for a city department and
a district one, on a city of `entities` entities whose persons are shared the way a real registry's
are (most people in one or two entities, a few holding companies' people in hundreds).

`python -m bench.entity_graph [--entities 100000]`; PostgreSQL when JIANGUAN_BENCH_POSTGRES_URL is
set. Writes bench/results/entity_graph_<engine>.json."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from typing import Any

import sqlalchemy as sa
import typer
from sqlmodel import col, select

from bench.city import DISTRICTS, SYSTEM, build_entities, code, search_index_filled_after
from bench.common import fresh_database, write_result
from demo import seed
from models import Department, EntityPerson, Person
from models.enums import PersonRole, Role
from services.analysis import graph
from services.platform.db import Database
from services.platform.principal import Principal

CHUNK = 20_000
HUBS = 20  # persons with a role in HUB_ENTITIES entities each: a group's directors
HUB_ENTITIES = 300


async def _build_persons(db: Database, entities: int, rng: random.Random) -> dict[str, int]:
    """A legal representative and 0–2 shareholders per entity from a pool of half as many persons
    as entities, so that most persons have one or two roles; then the hubs."""
    pool = max(entities // 2, 1)
    persons = [{"id": n + 1, "id_number_hash": f"bench-{n + 1:064d}"[-64:]} for n in range(pool + HUBS)]
    links: list[dict[str, Any]] = []
    for entity_id in range(1, entities + 1):
        legal = rng.randrange(pool) + 1
        links.append({"entity_id": entity_id, "person_id": legal, "role": PersonRole.LEGAL_REPRESENTATIVE,
                      "name": f"人员{legal}", "share_percent": None, "title": None})  # fmt: skip
        for holder in {rng.randrange(pool) + 1 for _ in range(rng.randrange(3))} - {legal}:
            links.append({"entity_id": entity_id, "person_id": holder, "role": PersonRole.SHAREHOLDER,
                          "name": f"人员{holder}", "share_percent": 10, "title": None})  # fmt: skip
    for hub in range(pool + 1, pool + HUBS + 1):
        for entity_id in rng.sample(range(1, entities + 1), min(HUB_ENTITIES, entities)):
            links.append({"entity_id": entity_id, "person_id": hub, "role": PersonRole.EXECUTIVE,
                          "name": f"董事{hub}", "share_percent": None, "title": "董事"})  # fmt: skip
    async with db.session(SYSTEM) as session:
        for start in range(0, len(persons), CHUNK):
            await session.execute(sa.insert(Person.__table__), persons[start : start + CHUNK])  # type: ignore[attr-defined]
        for start in range(0, len(links), CHUNK):
            await session.execute(sa.insert(EntityPerson.__table__), links[start : start + CHUNK])  # type: ignore[attr-defined]
        await session.commit()
    if not db.is_sqlite:
        async with db.session(SYSTEM) as session:
            await session.execute(sa.text("SELECT setval('person_id_seq', (SELECT max(id) FROM person))"))
            await session.execute(sa.text("ANALYZE"))
            await session.commit()
    return {"persons": len(persons), "roles": len(links)}


async def _principal(db: Database, department_code: str) -> Principal:
    async with db.session(SYSTEM) as session:
        department = await session.scalar(select(Department).where(col(Department.code) == department_code))
    assert department is not None
    return Principal.acting_for(Role.DEPARTMENT, "bench", department)


async def _time(db: Database, principal: Principal, codes: list[str], depth: int) -> dict[str, Any]:
    timings: list[float] = []
    sizes: list[int] = []
    cut = 0
    for uscc in codes:
        async with db.session(principal) as session:
            started = time.perf_counter()
            found = await graph.entity_graph(session, uscc, depth)
            timings.append(time.perf_counter() - started)
        sizes.append(len(found.nodes))
        cut += found.truncated
    timings.sort()
    return {
        "calls": len(codes),
        "mean_ms": round(statistics.fmean(timings) * 1000, 2),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2),
        "max_ms": round(timings[-1] * 1000, 2),
        "mean_nodes": round(statistics.fmean(sizes), 1),
        "truncated": cut,
    }


async def run(entities: int, calls: int) -> dict[str, Any]:
    rng = random.Random(16)
    async with fresh_database() as (_, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        async with search_index_filled_after(db):
            await build_entities(db, entities)
        built = await _build_persons(db, entities, rng)
        print(f"built {entities} entities, {built} in {time.perf_counter() - started:.0f} s")
        samples = [code(n, DISTRICTS[n % len(DISTRICTS)]) for n in rng.sample(range(entities), calls)]
        district = [c for c in samples if c[2:8] == "210202"] or samples[:1]
        callers = {"city": await _principal(db, "SCJG-210200"), "district": await _principal(db, "SCJG-210202")}
        figures: dict[str, Any] = {"entities": entities, **built, "node_limit": graph.MAX_NODES}
        for depth in range(1, graph.MAX_DEPTH + 1):
            for caller, principal in callers.items():
                measured = await _time(db, principal, samples if caller == "city" else district, depth)
                figures[f"depth_{depth}_{caller}"] = measured
                print(f"depth {depth}, {caller}: {measured}")
        write_result("entity_graph", figures)
        return figures


def main(
    entities: int = typer.Option(100_000, help="市场主体数量"),
    calls: int = typer.Option(200, help="每个层数的调用次数（随机主体）"),
) -> None:
    asyncio.run(run(entities, calls))


if __name__ == "__main__":
    typer.run(main)
