"""`entities(filter: {withinBox})`: a page of 20 and its totalCount for boxes of every size.

1,000,000 entities (bench/city.build_entities) get points spread deterministically over the
bounding box of the demo city's outlines; then, for the whole city, one district's box, a
street-sized box, a thin band across the city and an empty box, the service reads a page of 20
(registry.list_entities, as the API does) and counts the box (registry.count_entities). For
contrast, the same page read the way it was before box_reads (always through the
box's index, now the spatial index, then sorted) is timed a few times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from bench.city import SYSTEM, build_entities, search_index_filled_after
from bench.common import fresh_database, postgres_server, write_result
from demo import seed
from models import MarketEntity
from services.platform.db import Database
from services.platform.paging import keyset_page
from services.registry import outlines, registry

DISTRICT = "210202"  # 中山区


def _boxes() -> dict[str, registry.Box]:
    shapes = outlines.load()
    west = min(o.bounds[0] for o in shapes.values())
    south = min(o.bounds[1] for o in shapes.values())
    east = max(o.bounds[2] for o in shapes.values())
    north = max(o.bounds[3] for o in shapes.values())
    d = shapes[DISTRICT].bounds
    cx, cy = (d[0] + d[2]) / 2, (d[1] + d[3]) / 2

    def box(w: float, s: float, e: float, n: float) -> registry.Box:
        return registry.Box(*(Decimal(f"{v:.6f}") for v in (w, s, e, n)))

    return {
        "city": box(west, south, east, north),
        "district": box(*d),
        "street": box(cx - 0.003, cy - 0.002, cx + 0.003, cy + 0.002),
        "band_across_city": box(west, cy, east, cy + 0.0005),
        "empty": box(cx - 0.01, south - 0.5, cx + 0.01, south - 0.4),
    }


async def _spread(db: Database, entities: int) -> None:
    """Every entity a point: two coprime strides over the city's box, in six-place integers."""
    city = _boxes()["city"]
    w, s = int(city.west * 10**6), int(city.south * 10**6)
    width, height = int((city.east - city.west) * 10**6), int((city.north - city.south) * 10**6)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE market_entity SET longitude = :w + (CAST(id AS BIGINT) * 7919) % :width,"
                " latitude = :s + (CAST(id AS BIGINT) * 104729) % :height"
            ),
            {"w": w, "s": s, "width": width, "height": height},
        )
        if not postgres_server():
            await connection.execute(text("ANALYZE"))
    if postgres_server():
        # Every row was rewritten: vacuumed now, not by autovacuum in the middle of the timings.
        async with db.engine.connect() as connection:
            done = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await done.execute(text("VACUUM ANALYZE market_entity"))


async def _timed(call: Callable[[], Awaitable[Any]], runs: int) -> tuple[dict[str, float], Any]:
    await call()  # warm
    seconds: list[float] = []
    answer: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        answer = await call()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000, 2),
        "runs": runs,
    }, answer


async def run(entities: int, runs: int = 30, before_runs: int = 3) -> dict[str, Any]:
    async with fresh_database() as (_url, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        async with search_index_filled_after(db):
            await build_entities(db, entities)
        await _spread(db, entities)
        build_seconds = time.perf_counter() - started
        figures: dict[str, Any] = {}
        for name, box in _boxes().items():
            flt = registry.EntityFilter(within_box=box)

            async def page(flt: registry.EntityFilter = flt) -> Any:
                async with db.session(SYSTEM) as session:
                    return await registry.list_entities(session, flt, 20, None)

            async def count(flt: registry.EntityFilter = flt) -> int:
                async with db.session(SYSTEM) as session:
                    return await registry.count_entities(session, flt)

            async def before(flt: registry.EntityFilter = flt) -> Any:
                async with db.session(SYSTEM) as session:
                    dialect = session.get_bind().dialect.name
                    rows = select(MarketEntity).where(*registry.entity_conditions(flt, dialect))
                    return await keyset_page(session, rows, registry.ENTITY_KEY, registry.ENTITY_CURSOR, 20, None)

            page_figures, found = await _timed(page, runs)
            count_figures, total = await _timed(count, max(3, runs // 3))
            before_figures, _ = await _timed(before, before_runs)
            figures[name] = {
                "box": [str(edge) for edge in (box.west, box.south, box.east, box.north)],
                "total_count": total,
                "page_rows": len(found.items),
                "page_of_20": page_figures,
                "total_count_timing": count_figures,
                "page_of_20_before": before_figures,
            }
            print(f"{name:<18} {figures[name]}")
        result = {"entities": entities, "build_seconds": round(build_seconds, 1), "boxes": figures}
        write_result("geography", result)
        return result
