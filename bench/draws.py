"""双随机: drawing 1 % of a directory of 1,000,000 entities, through the real service.

The city is built in bulk beforehand (not timed): 1,000,000 active entities of every district
in four colours, 300 inspectors of the city market regulator with valid certificates and a few
declared conflicts, and one check item. Then a plan of that department (the whole registry,
ratio 0.01, two inspectors per target) is created and approved, and drawn by
`services.spotchecks.draw.draw_spot_check`, as `drawSpotCheck` runs it: the candidates read and
sorted, 1,000,000 keys, the selection, the inspectors, the record, 10,000 selections and their
tasks stored. Timed alone, with the process's peak resident memory before and after.

Then, on a second plan drawn the same way, Python's own allocations are traced (tracemalloc
slows the draw, so that draw is not the one timed), and the published record of the first is
read and verified both ways (`manage.py verify-draw`'s two checks), timed too.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bench.common import fresh_database, write_result
from demo import seed
from models import Department, MarketEntity
from models.enums import EntityStatus, EntityType, RiskColour, Role
from models.spotchecks import CheckItem, Inspector, InspectorConflict
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.registry import uscc
from services.spotchecks import check_record, plans, public_draw_record, standalone_check
from services.spotchecks.directory import DirectoryFilter
from services.spotchecks.draw import draw_spot_check

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISTRICTS = ("210202", "210203", "210204", "210211", "210212", "210213", "210214", "210281", "210283")
COLOURS = (RiskColour.GREEN,) * 80 + (RiskColour.YELLOW,) * 12 + (RiskColour.RED,) * 6 + (RiskColour.BLACK,) * 2
CHUNK = 20_000
LEAD = "SCJG-210200"
INSPECTORS = 300
SYSTEM = Principal.system("bench")


def _code(n: int, region: str) -> str:
    body = "".join(ALPHABET[(9_000_000 + n) // 31**k % 31] for k in range(7, -1, -1))
    return uscc.compose("9", "1", region, body)


async def _build(db: Database, count: int, rng: random.Random) -> int:
    """`count` entities, the lead's inspectors (some in conflict) and a check item; the lead's id."""
    now = datetime.now(UTC)
    async with db.session(SYSTEM) as session:
        lead = await session.scalar(select(Department).where(Department.code == LEAD))
        assert lead is not None and lead.id is not None
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, count)):
            region = DISTRICTS[n % len(DISTRICTS)]
            rows.append({
                "id": n + 1, "uscc": _code(n, region), "name": f"大连抽查基准{n}有限公司",
                "entity_type": EntityType.COMPANY, "legal_representative": "钱七", "established_on": date(2018, 3, 1),
                "status": EntityStatus.ACTIVE, "region_code": region, "address": "辽宁省大连市",
                "industry_code": "H6210", "business_scope": "餐饮服务", "scope_entry_codes": [],
                "registration_authority_id": lead.id, "risk_colour": rng.choice(COLOURS),
                "created_at": now, "updated_at": now,
            })  # fmt: skip
        async with db.session(SYSTEM) as session:
            await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
            await session.commit()
    day = today()
    async with db.session(SYSTEM) as session:
        session.add(CheckItem(department_id=lead.id, code="BENCH-01", name="食品经营许可情况检查", legal_basis="基准"))
        # The demo seed keeps the city regulator's own officers: the bench's pool is theirs plus these.
        added = [
            Inspector(
                department_id=lead.id, name=f"检查员{n}", certificate_no=f"21020000{n:05d}",
                valid_from=day - timedelta(days=365), valid_to=day + timedelta(days=365),
            )
            for n in range(INSPECTORS)
        ]  # fmt: skip
        session.add_all(added)
        await session.flush()
        ids = [inspector.id for inspector in added if inspector.id is not None]
        pairs = {(rng.choice(ids), rng.randint(1, count)) for _ in range(200)}
        for inspector_id, entity_id in sorted(pairs):  # declared conflicts (回避), scattered
            session.add(InspectorConflict(inspector_id=inspector_id, entity_id=entity_id))
        await session.commit()
    if not db.is_sqlite:  # ids were given explicitly: move the sequences past them
        async with db.session(SYSTEM) as session:
            await session.execute(sa.text("SELECT setval('market_entity_id_seq', (SELECT max(id) FROM market_entity))"))
            await session.execute(sa.text("ANALYZE"))
            await session.commit()
    return lead.id


async def _approved_plan(db: Database, lead: Principal, name: str) -> int:
    data = plans.PlanInput(
        name=name,
        check_item_codes=["BENCH-01"],
        sample=plans.SampleInput(ratio="0.01"),
        period_start=today(),
        period_end=today() + timedelta(days=90),
        filter=DirectoryFilter(status=EntityStatus.ACTIVE),
        inspectors_per_target=2,
    )
    plan, problems = await run_change(db, lead, lambda session: plans.create_spot_check_plan(session, data))
    assert plan is not None and plan.id is not None, problems
    plan_id = plan.id
    approved, problems = await run_change(db, lead, lambda session: plans.approve_spot_check_plan(session, plan_id))
    assert approved is not None, problems
    return plan_id


def _peak_rss_mb() -> float:
    """The process's peak resident set so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


async def _draw(db: Database, lead: Principal, plan_id: int) -> int:
    record, problems = await draw_spot_check(db, lead, plan_id)
    assert record is not None and not problems, problems
    return record.candidate_count


async def _verify(db: Database, plan_id: int) -> dict[str, Any]:
    """The published record, read and checked as `manage.py verify-draw` does, each step timed."""
    started = time.perf_counter()
    async with db.session(SYSTEM) as session:
        record = await public_draw_record(session, plan_id)
    assert record is not None
    published = json.loads(json.dumps(record, ensure_ascii=False))
    read = time.perf_counter()
    platform = check_record(published)
    checked = time.perf_counter()
    standalone = standalone_check(published)
    alone = time.perf_counter()
    assert platform.ok and standalone.ok, (platform.message, standalone.message)
    return {
        "record_seconds": round(read - started, 2),
        "record_mb": round(len(json.dumps(record, ensure_ascii=False).encode()) / 1e6, 1),
        "platform_check_seconds": round(checked - read, 2),
        "standalone_check_seconds": round(alone - checked, 2),
        "standalone_summary": standalone.message,
    }


async def run(entities: int) -> dict[str, Any]:
    rng = random.Random(12)
    async with fresh_database() as (_, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        lead_id = await _build(db, entities, rng)
        print(f"built {entities} entities in {time.perf_counter() - started:.0f} s")
        async with db.session(SYSTEM) as session:
            department = await session.get(Department, lead_id)
            assert department is not None
        lead = Principal.acting_for(Role.DEPARTMENT, "bench", department)
        timed, traced = (
            await _approved_plan(db, lead, "抽查基准（计时）"),
            await _approved_plan(db, lead, "抽查基准（内存）"),
        )

        before = _peak_rss_mb()
        started = time.perf_counter()
        candidates = await _draw(db, lead, timed)
        seconds = time.perf_counter() - started
        after = _peak_rss_mb()
        draw = {"seconds": round(seconds, 2), "candidates": candidates, "peak_rss_mb_before": round(before, 1),
                "peak_rss_mb_after": round(after, 1), "peak_rss_delta_mb": round(after - before, 1)}  # fmt: skip
        print(f"draw  {draw}")

        tracemalloc.start()
        started = time.perf_counter()
        await _draw(db, lead, traced)
        traced_seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced_draw = {"seconds_while_tracing": round(traced_seconds, 2), "peak_python_mb": round(peak / 1e6, 1)}
        print(f"traced draw  {traced_draw}")

        verification = await _verify(db, timed)
        print(f"verify  {verification}")
        figures = {"entities": entities, "ratio": "0.01", "inspectors": INSPECTORS, "draw": draw,
                   "traced_draw": traced_draw, "verify": verification}  # fmt: skip
        write_result("draws", figures)
        return figures
