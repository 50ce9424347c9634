"""A mixed integrator load over real HTTP, on PostgreSQL: reads, records and claims at once.

`manage.py serve --workers 2` serves a freshly seeded demo city (JIANGUAN_ENV=production) while
this process drives it, closed loop, for a fixed time with three kinds of client at once, as the
departments' systems call the API:

- reads: one entity by USCC and a page of 20 entities (the registration authority's system);
- records: a licence or a penalty submitted one at a time (`recordLicense`, `recordPenalty`), each
  with its own document number, by the city's market regulator for entities across the city;
- claims: `claimNotice` of the notices pushed to the departments (双告知), each notice claimed once,
  by the department it was pushed to (a token made for each).

It reports, per kind, the requests, their rate and their p50/p99 latency, and the errors: any
answer other than HTTP 200 with no error at all counts, and there must be none. Figures go to
bench/results/mixed.json.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import socket
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import ROOT, SECRET, fresh_database, postgres_server, write_result
from demo import seed
from models import ApiToken
from models.enums import Role
from services.accounts.tokens import create_token
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change

CITY_TOKEN = "大连市市场监督管理局登记系统"
ENTITY = "query($u: String!) { entity(uscc: $u) { uscc name status legalRepresentative } }"
PAGE = "{ entities(first: 20) { edges { node { uscc name status regionCode } } } }"
LICENSE = """mutation($i: RecordLicenseInput!) {
  recordLicense(input: $i) { outcome license { documentNumber status } errors { field code message } }
}"""
PENALTY = """mutation($i: RecordPenaltyInput!) {
  recordPenalty(input: $i) { outcome penalty { documentNumber status } errors { field code message } }
}"""
CLAIM = "mutation($id: ID!) { claimNotice(id: $id) { notice { id status } errors { code message } } }"
KINDS = ("entity_by_uscc", "page_of_20", "record_license", "record_penalty", "claim_notice")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few errors, to say what they were

    def add(self, kind: str, seconds: float, status: int, payload: bytes) -> None:
        self.latencies[kind].append(seconds)
        if status != 200 or b'"errors":[{' in payload or b'"errors": [{' in payload:
            self.errors[kind] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind} HTTP {status}: {payload[:300].decode(errors='replace')}")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def _claim_tokens(db: Database, notices_per_department: int) -> dict[str, list[int]]:
    """A token for each department with pushed notices, and the notices each may claim (its own)."""
    async with db.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT d.code, n.id FROM notice n JOIN department d ON d.id = n.department_id"
                    " WHERE n.status = 'PUSHED' ORDER BY d.code, n.id"
                )
            )
        ).all()
    pushed: dict[str, list[int]] = defaultdict(list)
    for code, notice_id in rows:
        if len(pushed[code]) < notices_per_department:
            pushed[code].append(int(notice_id))
    claims: dict[str, list[int]] = {}
    for code, ids in sorted(pushed.items(), key=lambda item: -len(item[1])):

        async def issue(session: AsyncSession, code: str = code) -> tuple[ApiToken, str]:
            return await create_token(session, code, Role.DEPARTMENT, f"{code} 基准认领")

        made, problems = await run_change(db, Principal.system("bench"), issue)
        assert made is not None and not problems, problems
        claims[made[1]] = ids
    return claims


async def _drive(
    base: str,
    seconds: float,
    city_token: str,
    codes: list[str],
    claims: dict[str, list[int]],
    clients: dict[str, int],
    numbers: Iterator[int],
) -> tuple[Tally, float]:
    tally = Tally()
    stop = time.perf_counter() + seconds
    decided = (today() - timedelta(days=5)).isoformat()
    connector = aiohttp.TCPConnector(limit=sum(clients.values()))
    async with aiohttp.ClientSession(base, connector=connector) as http:

        async def post(kind: str, token: str, document: str, variables: dict[str, Any]) -> None:
            body = json.dumps({"query": document, "variables": variables}, ensure_ascii=False)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            started = time.perf_counter()
            async with http.post("/graphql", data=body.encode(), headers=headers) as response:
                payload = await response.read()
            tally.add(kind, time.perf_counter() - started, response.status, payload)

        async def reader(n: int) -> None:
            rng = random.Random(n)
            while time.perf_counter() < stop:
                if rng.random() < 0.5:
                    await post("entity_by_uscc", city_token, ENTITY, {"u": rng.choice(codes)})
                else:
                    await post("page_of_20", city_token, PAGE, {})

        async def recorder(n: int) -> None:
            rng = random.Random(1000 + n)
            while time.perf_counter() < stop:
                number = next(numbers)
                if rng.random() < 0.5:
                    data = _license(rng.choice(codes), number, decided)
                    await post("record_license", city_token, LICENSE, {"i": data})
                else:
                    data = _penalty(rng.choice(codes), number, decided)
                    await post("record_penalty", city_token, PENALTY, {"i": data})

        # Each claimer takes its own departments' notices, so no two ever claim the same one.
        shares: list[list[tuple[str, int]]] = [[] for _ in range(clients["claims"] if claims else 0)]
        for index, (token, ids) in enumerate(claims.items()):
            shares[index % len(shares)].extend((token, notice_id) for notice_id in ids)
        for share in shares:  # departments' notices interleaved, as they arrive
            random.Random(len(share)).shuffle(share)

        async def claimer(share: list[tuple[str, int]]) -> None:
            for token, notice_id in share:
                if time.perf_counter() >= stop:
                    return
                await post("claim_notice", token, CLAIM, {"id": str(notice_id)})

        started = time.perf_counter()
        await asyncio.gather(
            *(reader(n) for n in range(clients["reads"])),
            *(recorder(n) for n in range(clients["records"])),
            *(claimer(share) for share in shares),
        )
        elapsed = time.perf_counter() - started
    return tally, elapsed


def _license(uscc: str, number: int, decided: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "documentNumber": f"大市监许〔2026〕基准{number}号",
        "documentName": "食品经营许可决定书",
        "category": "ORDINARY",
        "certificateName": "食品经营许可证",
        "licenseNumber": f"JY2102000{number:07d}",
        "content": "预包装食品销售",
        "decisionDate": decided,
        "validFrom": decided,
        "validTo": "2031-01-04",
    }


def _penalty(uscc: str, number: int, decided: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "documentNumber": f"大市监罚〔2026〕基准{number}号",
        "violationType": "经营超过保质期的食品",
        "facts": "当事人在其经营场所销售超过保质期的预包装食品 12 件。",
        "basis": "《中华人民共和国食品安全法》第一百二十四条",
        "categories": ["WARNING", "FINE"],
        "content": "警告，罚款人民币伍仟元整",
        "fineAmount": "5000.00",
        "decisionDate": decided,
    }


async def _serve(url: str, workers: int) -> tuple[asyncio.subprocess.Process, str]:
    port = _port()
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET, "JIANGUAN_ENV": "production"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "serve", "--port", str(port), "--workers", str(workers), "--no-access-log",
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=1) as probe:
        for _ in range(150):
            try:
                if (await probe.get("/healthz")).status_code == 200:
                    return process, base
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    process.terminate()
    await process.wait()
    raise RuntimeError("the server did not come up")


async def run(entities: int, seconds: float, workers: int, clients: dict[str, int]) -> dict[str, Any] | None:
    if not postgres_server():
        print("mixed：需要 PostgreSQL（JIANGUAN_BENCH_POSTGRES_URL），跳过")
        return None
    process: asyncio.subprocess.Process | None = None
    async with fresh_database() as (url, db):
        try:
            report = await seed.seed_demo(db, seed=1, entities=entities)
            city_token = next(t.token for t in report.tokens if t.name == CITY_TOKEN)
            async with db.engine.connect() as connection:
                codes = [row[0] for row in (await connection.execute(text("SELECT uscc FROM market_entity"))).all()]
            claims = await _claim_tokens(db, notices_per_department=100_000)
            pushed = sum(len(ids) for ids in claims.values())
            process, base = await _serve(url, workers)
            # A second to warm each worker up (connections, caches), on data the run does not reuse.
            numbers = itertools.count()
            await _drive(base, 1.0, city_token, codes, {}, clients, numbers)
            tally, elapsed = await _drive(base, seconds, city_token, codes, claims, clients, numbers)
        finally:
            if process is not None:
                process.terminate()
                await process.wait()
    figures: dict[str, Any] = {}
    for kind in KINDS:
        ordered = sorted(tally.latencies.get(kind, []))
        if not ordered:
            continue
        figures[kind] = {
            "requests": len(ordered),
            "errors": tally.errors.get(kind, 0),
            "requests_per_second": round(len(ordered) / elapsed, 1),
            "latency_ms_p50": round(_percentile(ordered, 0.50) * 1000, 2),
            "latency_ms_p99": round(_percentile(ordered, 0.99) * 1000, 2),
        }
    total = sum(figure["requests"] for figure in figures.values())
    result = {
        "entities": entities,
        "uvicorn_workers": workers,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "notices_pushed_before": pushed,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "errors": sum(figure["errors"] for figure in figures.values()),
        "kinds": figures,
    }
    for kind, figure in figures.items():
        print(f"{kind:<16} {figure}")
    print(f"total {total} requests, {result['requests_per_second']} req/s, {result['errors']} errors")
    for sample in tally.samples:
        print(f"  {sample}")
    write_result("mixed", result, name="mixed")
    if result["errors"]:
        raise SystemExit(f"mixed：{result['errors']} 个请求出错（应为 0）")
    return result
