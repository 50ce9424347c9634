"""How `serve --workers 2` shares 32 keep-alive connections between its workers.

uvicorn's own workers share one listening socket, and whichever is in accept() when a burst of
connections arrives takes them; `manage.py serve` gives each worker its own SO_REUSEPORT socket,
and the kernel hashes each connection to one. Three servers (SERVERS: `serve` as it was, uvicorn's
shared socket, `serve` now) run here in production mode on one seeded database (SQLite, or
PostgreSQL when JIANGUAN_BENCH_POSTGRES_URL names a server), freshly started for each run. A run
opens 32 connections at once (as wrk does), each then sending one GraphQL read after another for a
few seconds, and counts the connections and requests each worker took (the X-Jianguan-Worker
header, on only for this bench) and, on PostgreSQL, the database connections the server opened.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import text

from bench.common import ROOT, SECRET, fresh_database, write_result
from bench.registry_reads import SCENARIOS, _port
from demo import seed
from services.platform.db import Database

_UVICORN = ["-m", "uvicorn", "app:create_app", "--factory", "--log-level", "warning"]
SERVERS: dict[str, list[str]] = {
    # What `serve` ran before on a machine without uvloop and httptools: asyncio's loop, h11, every
    # request logged, workers sharing one socket.
    "serve_before": [*_UVICORN, "--loop", "asyncio", "--http", "h11"],
    # uvicorn's own workers with the fast loop and parser and no access log: one socket, shared.
    "shared_socket": [*_UVICORN, "--loop", "uvloop", "--http", "httptools", "--no-access-log"],
    # `manage.py serve` now: the same, with a socket per worker (SO_REUSEPORT).
    "serve": ["manage.py", "serve"],
}


async def _sessions(db: Database) -> int | None:
    """Connections PostgreSQL has accepted into this database so far (None on SQLite)."""
    if db.is_sqlite:
        return None
    await asyncio.sleep(1)  # a backend reports its session to the statistics when it ends, within a second
    async with db.engine.connect() as connection:
        count = await connection.scalar(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        )
    return int(count)


async def _start(server: str, url: str, port: int, workers: int) -> asyncio.subprocess.Process:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET,
           "JIANGUAN_ENV": "production", "JIANGUAN_WORKER_HEADER": "1"}  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *SERVERS[server],
        "--port",
        str(port),
        "--workers",
        str(workers),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    # Ready when every worker has answered: probe on new connections until `workers` pids were seen.
    seen: set[str] = set()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=1) as probe:
        for _ in range(300):
            try:
                response = await probe.get("/healthz", headers={"Connection": "close"})
                seen.add(response.headers["x-jianguan-worker"])
                if len(seen) == workers:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    return process


async def _connection(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def _post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, token: str, body: bytes) -> tuple[int, str]:
    """One request on a kept-alive connection: its status and the worker that answered. A client
    this small (raw HTTP/1.1 on asyncio streams) leaves more of the two cores to the servers."""
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
    await reader.readexactly(int(fields["content-length"]))
    return int(head[0].split()[1]), fields["x-jianguan-worker"]


async def _run_once(port: int, token: str, codes: list[str], connections: int, seconds: float) -> dict[str, Any]:
    """`connections` keep-alive connections opened at once (as wrk opens them), each then a closed
    loop of requests for `seconds`."""
    document = SCENARIOS["entity_by_uscc"]
    opened = await asyncio.gather(*(_connection(port) for _ in range(connections)))
    served: Counter[str] = Counter()
    connection_worker: list[str] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seed_value: int) -> None:
        nonlocal errors
        rng = random.Random(seed_value)
        worker = "none"
        while time.perf_counter() < stop:
            body = json.dumps({"query": document, "variables": {"u": rng.choice(codes)}}).encode()
            status, worker = await _post(reader, writer, token, body)
            errors += status != 200
            served[worker] += 1
        connection_worker.append(worker)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(reader, writer, n) for n, (reader, writer) in enumerate(opened)))
    elapsed = time.perf_counter() - started
    total = sum(served.values())
    return {
        "requests": total,
        "errors": errors,
        "requests_per_second": round(total / elapsed, 1),
        # Workers by how many connections and requests they took, busiest first (pids differ per run).
        "connections_by_worker": sorted(Counter(connection_worker).values(), reverse=True),
        "requests_by_worker": sorted(served.values(), reverse=True),
        "busiest_worker_share": round(max(served.values()) / total, 3),
    }


async def run(runs: int = 6, seconds: float = 3.0, connections: int = 32, workers: int = 2) -> dict[str, Any]:
    async with fresh_database() as (url, db):
        report = await seed.seed_demo(db, seed=1, entities=2000, spot_checks=False)
        async with db.engine.connect() as connection:
            codes = [row[0] for row in (await connection.execute(text("SELECT uscc FROM market_entity"))).all()]
        token = next(t.token for t in report.tokens if t.name == "大连市市场监督管理局登记系统")
        figures: dict[str, Any] = {}
        for server in SERVERS:
            measured = []
            for _ in range(runs):  # a fresh server each run, as a load test meets it
                port = _port()
                before = await _sessions(db)
                process = await _start(server, url, port, workers)
                try:
                    measured.append(await _run_once(port, token, codes, connections, seconds))
                finally:
                    process.terminate()
                    await process.wait()
                after = await _sessions(db)
                if before is not None and after is not None:
                    # Every connection the server opened: its pools filling up, and any opened and
                    # closed again under load (this process's own connection stays open throughout).
                    measured[-1]["database_connections_opened"] = after - before
            shares = [m["busiest_worker_share"] for m in measured]
            figures[server] = {
                "runs": measured,
                "runs_where_one_worker_took_every_connection": sum(
                    len(m["connections_by_worker"]) < workers for m in measured
                ),
                "busiest_worker_share_mean": round(sum(shares) / len(shares), 3),
                "requests_per_second_mean": round(sum(m["requests_per_second"] for m in measured) / runs, 1),
            }
            summary = {k: v for k, v in figures[server].items() if k != "runs"}
            print(f"{server:<18} {summary} connections by worker: {[m['connections_by_worker'] for m in measured]}")
        result = {
            "workers": workers,
            "connections": connections,
            "seconds_per_run": seconds,
            "scenario": "entity_by_uscc",
            "servers": figures,
        }
        write_result("workers", result)
        return result
