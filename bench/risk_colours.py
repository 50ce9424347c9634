"""四色警示: re-rating 1,000,000 entities with realistic records, and the per-record update.

The city is built in bulk beforehand (not timed): entities of every district, and for a
share of them effective and withdrawn penalties of the past three years, hotline complaints
resolved or not, abnormal-operation and serious listings (some removed), revoked licenses
and revoked registrations, in roughly the proportions of the demo city. Then:

- the full recompute (`services.credit.risk.recompute_all`, what `manage.py recompute-colours`
  runs): first on a city whose stored colours are all GREEN (most entities with records
  change), then again with nothing to change (the cost of evaluating every rule alone);
- the per-record update: `services.credit.risk.rerate` of one entity, as each penalty, complaint,
  listing or revocation does inside its own transaction, timed alone and averaged.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from bench.common import fresh_database, write_result
from demo import seed
from models import Complaint, Department, License, Listing, MarketEntity, Penalty
from models.enums import (
    ComplaintCategory,
    EntityStatus,
    EntityType,
    LicenseCategory,
    ListingKind,
    ListingReason,
    PenaltyCategory,
    RecordStatus,
    RemovalReason,
    RiskColour,
)
from services.credit import risk
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISTRICTS = ("210202", "210203", "210204", "210211", "210212", "210213", "210214", "210281", "210283")
CHUNK = 20_000
SYSTEM = Principal.system("bench")


def _code(n: int, region: str) -> str:
    body = "".join(ALPHABET[(7_000_000 + n) // 31**k % 31] for k in range(7, -1, -1))
    return uscc.compose("9", "1", region, body)


async def _build(db: Database, count: int, rng: random.Random) -> dict[str, int]:
    """`count` entities and their records, in bulk; how many of each were stored."""
    day = today()
    now = datetime.now(UTC)
    stored = {"entities": 0, "penalties": 0, "complaints": 0, "listings": 0, "licenses": 0}
    async with db.session(SYSTEM) as session:
        departments = {code: id_ for code, id_ in (await session.execute(select(Department.code, Department.id))).all()}
        authority = departments["SCJG-210200"]
    for start in range(0, count, CHUNK):
        entities, penalties, complaints, listings, licenses = [], [], [], [], []
        for n in range(start, min(start + CHUNK, count)):
            region = DISTRICTS[n % len(DISTRICTS)]
            entities.append({
                "id": n + 1, "uscc": _code(n, region), "name": f"大连评级基准{n}有限公司",
                "entity_type": EntityType.COMPANY, "legal_representative": "赵六", "established_on": date(2019, 5, 1),
                "status": EntityStatus.REVOKED if rng.random() < 0.01 else EntityStatus.ACTIVE, "region_code": region,
                "address": "辽宁省大连市", "industry_code": "F5211", "business_scope": "日用百货销售",
                "scope_entry_codes": [], "registration_authority_id": authority, "risk_colour": RiskColour.GREEN,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
            common = {"entity_id": n + 1, "source_department_id": authority, "created_at": now, "updated_at": now}
            if rng.random() < 0.08:  # penalised in the past three years, once to four times
                for k in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
                    decided = day - timedelta(days=rng.randint(0, 1095))
                    penalties.append({
                        **common, "party_name": "评级基准", "document_number": f"罚-{n}-{k}", "violation_type": "基准",
                        "facts": "基准", "basis": "基准", "categories": [PenaltyCategory.FINE], "content": "罚款",
                        "decision_date": decided, "authority_name": "大连市市场监督管理局",
                        "public_until": decided + timedelta(days=1095),
                        "status": RecordStatus.WITHDRAWN if rng.random() < 0.05 else RecordStatus.EFFECTIVE,
                    })  # fmt: skip
            if rng.random() < 0.15:  # complained about, once to eight times
                for k in range(rng.randint(1, 8)):
                    received = day - timedelta(days=rng.randint(0, 900))
                    resolved = rng.random() < 0.7
                    complaints.append({
                        **common, "reference": f"SX-{n}-{k}", "received_on": received,
                        "category": ComplaintCategory.OTHER, "resolved": resolved,
                        "resolved_on": received + timedelta(days=7) if resolved else None,
                    })  # fmt: skip
            if rng.random() < 0.035:
                serious = rng.random() < 0.1
                listed = day - timedelta(days=rng.randint(0, 1500))
                removed = listed + timedelta(days=rng.randint(30, 400)) if rng.random() < 0.3 else None
                listings.append({
                    "entity_id": n + 1, "department_id": authority, "document_number": f"列-{n}",
                    "kind": ListingKind.SERIOUS_DISHONEST if serious else ListingKind.ABNORMAL_OPERATION,
                    "reason": ListingReason.SERIOUS_VIOLATION if serious else ListingReason.ANNUAL_REPORT,
                    "listed_on": listed, "removed_on": removed if removed and removed <= day else None,
                    "removal_reason": RemovalReason.CURED if removed and removed <= day else None,
                    "created_at": now, "updated_at": now,
                })  # fmt: skip
            if rng.random() < 0.2:  # licensed; one in forty of those revoked
                decided = day - timedelta(days=rng.randint(0, 2000))
                licenses.append({
                    **common, "party_name": "评级基准", "document_number": f"许-{n}", "document_name": "许可决定书",
                    "category": LicenseCategory.ORDINARY, "license_number": f"JY-{n}", "content": "食品经营",
                    "decision_date": decided, "valid_from": decided, "valid_to": date(2099, 12, 31),
                    "authority_name": "大连市市场监督管理局", "public_until": decided + timedelta(days=1095),
                    "status": RecordStatus.REVOKED if rng.random() < 0.025 else RecordStatus.EFFECTIVE,
                })  # fmt: skip
        async with db.session(SYSTEM) as session:
            for model, rows in ((MarketEntity, entities), (Penalty, penalties), (Complaint, complaints),
                                (Listing, listings), (License, licenses)):  # fmt: skip
                if rows:
                    await session.execute(sa.insert(model.__table__), rows)  # type: ignore[union-attr]
            await session.commit()
        for key, rows in zip(stored, (entities, penalties, complaints, listings, licenses), strict=True):
            stored[key] += len(rows)
    if not db.is_sqlite:  # ids were given explicitly: move the sequence past them
        async with db.session(SYSTEM) as session:
            await session.execute(sa.text("SELECT setval('market_entity_id_seq', (SELECT max(id) FROM market_entity))"))
            await session.execute(sa.text("ANALYZE"))
            await session.commit()
    return stored


async def _recompute(db: Database) -> dict[str, Any]:
    started = time.perf_counter()
    async with db.session(SYSTEM) as session:
        done = await risk.recompute_all(session)
        await session.commit()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "changed": done.changed,
            "by_colour": {colour.value: count for colour, count in done.by_colour.items()}}  # fmt: skip


def _sample(rng: random.Random, count: int, size: int) -> Iterator[int]:
    for _ in range(size):
        yield rng.randint(1, count)


async def _per_record(db: Database, count: int, rng: random.Random, calls: int) -> dict[str, Any]:
    """One entity re-rated in its own transaction, as each arriving record does."""
    timings = []
    for entity_id in _sample(rng, count, calls):
        async with db.session(SYSTEM) as session:
            started = time.perf_counter()
            await risk.rerate(session, [entity_id], "bench")
            timings.append(time.perf_counter() - started)
            await session.commit()
    timings.sort()
    return {
        "calls": calls,
        "mean_ms": round(statistics.fmean(timings) * 1000, 2),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 2),
    }


async def run(entities: int, calls: int = 2000) -> dict[str, Any]:
    rng = random.Random(6)
    async with fresh_database() as (_, db):
        await seed.seed_demo(db, seed=1, entities=0)
        started = time.perf_counter()
        stored = await _build(db, entities, rng)
        print(f"built {stored} in {time.perf_counter() - started:.0f} s")
        first = await _recompute(db)
        print(f"full recompute (from all GREEN)  {first}")
        again = await _recompute(db)
        print(f"full recompute (nothing to change)  {again}")
        async with db.session(SYSTEM) as session:
            coloured = select(MarketEntity.id, MarketEntity.risk_colour).where(
                col(MarketEntity.risk_colour) != RiskColour.GREEN
            )
            stored_colours = {int(i or 0): colour for i, colour in (await session.execute(coloured.limit(50))).all()}
            assessed = await risk.assess(session, list(stored_colours), today())
        assert all(assessed[i].colour == colour for i, colour in stored_colours.items()), "stored and assessed agree"
        per_record = await _per_record(db, entities, rng, calls)
        print(f"per-record re-rating  {per_record}")
        figures = {"entities": entities, "records": stored, "full_recompute": first,
                   "full_recompute_unchanged": again, "per_record_rerate": per_record}  # fmt: skip
        write_result("risk_colours", figures)
        return figures
