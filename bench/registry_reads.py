"""Registry reads over real HTTP: one entity by USCC, a page of 20, a page of 20 with persons.

A uvicorn server runs in its own process against a freshly seeded database (SQLite by
default, PostgreSQL when JIANGUAN_BENCH_POSTGRES_URL names a server); this process
drives it with a fixed number of concurrent clients for a fixed time per scenario.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import sys
import time
from typing import Any

import aiohttp
import httpx
from sqlalchemy import text

from bench.common import ROOT, SECRET, fresh_database, write_result
from demo import seed

SCENARIOS: dict[str, str] = {
    "entity_by_uscc": "query($u: String!) { entity(uscc: $u) { uscc name status legalRepresentative } }",
    "page_of_20": "{ entities(first: 20) { edges { node { uscc name status regionCode } } } }",
    "page_of_20_with_persons": (
        "query($r: String) { entities(first: 20, filter: {regionCode: $r}) { edges { node { uscc name"
        " registrationAuthority { name } persons { role name sharePercent } } } } }"
    ),
}


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _drive(
    base: str, token: str, document: str, codes: list[str], seconds: float, concurrency: int
) -> dict[str, Any]:
    """Closed-loop load: `concurrency` clients, each sending its next request when the last returns."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    regions = ["210202", "210203", "210204", "210211", "210213"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # aiohttp, not httpx: the load generator shares the machine's two cores with the
    # server, and a cheaper client leaves more of them to what is being measured.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector, headers=headers) as http:

        async def client(seed_value: int) -> None:
            nonlocal errors
            rng = random.Random(seed_value)
            while time.perf_counter() < stop:
                body = json.dumps({"query": document, "variables": {"u": rng.choice(codes), "r": rng.choice(regions)}})
                started = time.perf_counter()
                async with http.post("/graphql", data=body) as response:
                    payload = await response.read()
                latencies.append(time.perf_counter() - started)
                if response.status != 200 or b'"errors"' in payload:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 2),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
    }


async def run(entities: int, seconds: float, concurrency: int, workers: int) -> dict[str, Any]:
    process: asyncio.subprocess.Process | None = None
    async with fresh_database() as (url, db):
        try:
            seeding = time.perf_counter()
            report = await seed.seed_demo(db, seed=1, entities=entities)
            seed_seconds = time.perf_counter() - seeding
            async with db.engine.connect() as connection:
                codes = [row[0] for row in (await connection.execute(text("SELECT uscc FROM market_entity"))).all()]
            token = next(t.token for t in report.tokens if t.name == "大连市市场监督管理局登记系统")
            port = _port()
            env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET,
                   "JIANGUAN_ENV": "production"}  # fmt: skip
            command = ["-m", "uvicorn", "app:create_app", "--factory", "--port", str(port), "--workers", str(workers)]
            process = await asyncio.create_subprocess_exec(
                sys.executable, *command, "--log-level", "warning", "--no-access-log", cwd=ROOT, env=env
            )
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=1) as probe:
                for _ in range(150):
                    try:
                        if (await probe.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        await asyncio.sleep(0.2)
            figures: dict[str, Any] = {}
            for scenario, document in SCENARIOS.items():
                await _drive(base, token, document, codes, min(1.0, seconds), concurrency)  # warm up
                figures[scenario] = await _drive(base, token, document, codes, seconds, concurrency)
                print(f"{scenario:<26} {figures[scenario]}")
            result = {
                "entities": entities,
                "seed_seconds": round(seed_seconds, 1),
                "seed_entities_per_second": round(entities / seed_seconds, 1),
                "uvicorn_workers": workers,
                "concurrency": concurrency,
                "seconds_per_scenario": seconds,
                "scenarios": figures,
            }
            write_result("registry_reads", result)
            return result
        finally:
            if process is not None:
                process.terminate()
                await process.wait()
