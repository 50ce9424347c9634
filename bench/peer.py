"""`make bench-peer`: Jianguan beside PostGraphile 5 on one PostgreSQL database.

One database (migrated, seeded with the demo city; reused when already seeded), our server
(`manage.py serve --workers 2`, production mode, a maintainer token) and PostGraphile 5 (amber
preset, bench/peer/graphile.config.mjs, Node 22 from bench/peer/node_modules) on 127.0.0.1. Both
answer the three queries once and must agree; then wrk drives each query for N seconds on one
server and then the other, several rounds, and the figures go to bench/results/peer.json and the
README's table. Both servers are stopped at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import typer
from rich.console import Console
from sqlalchemy.engine import make_url

from bench.common import RESULTS, ROOT
from bench.peer_measure import (
    WrkReport,
    backends,
    children_cpu_seconds,
    cpu_snapshot,
    cpu_used,
    ended_cpu_used,
    parent_of,
    parse_wrk,
    process_tree,
    wrk_script,
)
from bench.peer_queries import QUERIES, AnswerMismatch, Query, bodies, compare, licenses_on_page, page_usccs
from bench.peer_report import MarkersMissing, replace_table, table

PEER = ROOT / "bench" / "peer"
NODE = PEER / "node_modules" / ".bin" / "node"
POSTGRAPHILE = PEER / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
LOGS = PEER / "logs"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/jianguan_peer"
CITY_REGISTRY = "SCJG-210200"  # the demo city's registration authority: its maintainer sees every entity
SAMPLE_USCCS = 50
console = Console()


class PeerBenchError(Exception):
    """Something the benchmark needs is missing or went wrong; the message says what to do."""


# -- the database -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str  # postgresql://…/jianguan_peer, as both servers take it

    @property
    def name(self) -> str:
        return str(make_url(self.url).database)

    @property
    def maintenance_url(self) -> str:
        return make_url(self.url).set(database="postgres").render_as_string(hide_password=False)

    @property
    def shown(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


async def _connect(url: str) -> Any:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


async def _fetch(url: str, statement: str, *args: Any) -> list[Any]:
    connection = await _connect(url)
    try:
        return list(await connection.fetch(statement, *args))
    finally:
        await connection.close()


def fetch(url: str, statement: str, *args: Any) -> list[Any]:
    return asyncio.run(_fetch(url, statement, *args))


async def _postmaster(url: str) -> int | None:
    connection = await _connect(url)
    try:
        return parent_of(await connection.fetchval("SELECT pg_backend_pid()"))
    finally:
        await connection.close()


def postmaster_of(db: Database) -> int | None:
    """PostgreSQL's postmaster, whose children are the backends; None when the server is not
    on this machine (or not readable in /proc), and PostgreSQL's CPU is then not measured."""
    return asyncio.run(_postmaster(db.maintenance_url))


def manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PeerBenchError(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(db: Database, entities: int, rebuild: bool, env: dict[str, str]) -> dict[str, Any]:
    """Migrate, and seed the demo city unless the database already holds it at this size."""
    exists = bool(fetch(db.maintenance_url, "SELECT 1 FROM pg_database WHERE datname = $1", db.name))
    seeded = 0
    if exists and not rebuild:
        tables = fetch(db.url, "SELECT to_regclass('market_entity') IS NOT NULL AS present")
        if tables[0]["present"]:
            seeded = fetch(db.url, "SELECT count(*) AS n FROM market_entity")[0]["n"]
    if exists and seeded == entities:
        manage(env, "migrate")  # main moves: its new migrations apply to the reused database
        console.print(f"reusing {db.shown} ({entities} entities; --rebuild to seed it afresh)")
        return {"seeded_this_run": False}
    if exists:
        console.print(f"rebuilding {db.shown} (it holds {seeded} entities, {entities} asked)")
        fetch(db.maintenance_url, f'DROP DATABASE "{db.name}" WITH (FORCE)')
    fetch(db.maintenance_url, f'CREATE DATABASE "{db.name}"')
    manage(env, "migrate")
    console.print(f"seeding the demo city with {entities} entities into {db.shown} …")
    started = time.perf_counter()
    manage(env, "seed-demo", "--entities", str(entities))
    seconds = time.perf_counter() - started
    console.print(f"seeded in {seconds:.0f} s")
    return {"seeded_this_run": True, "seed_seconds": round(seconds, 1)}


@dataclass(frozen=True)
class PostgresCpu:
    """The CPU PostgreSQL spends on one database: its live backends' deltas, plus what backends
    that ended during a run used (pools open and close connections under load), read from the
    postmaster's count of its ended children, which cannot tell one database from another."""

    postmaster: int | None
    database: str
    maintenance_url: str

    def sessions(self) -> int:
        """Connections the database has had (pg_stat_database.sessions; its counters lag by up to a second).
        Asked from the maintenance database, and given time to end, so the question costs this one nothing."""
        rows = fetch(self.maintenance_url, "SELECT sessions FROM pg_stat_database WHERE datname = $1", self.database)
        time.sleep(0.2)
        return int(rows[0]["sessions"])

    def snapshot(self) -> tuple[dict[int, float], float]:
        if self.postmaster is None:
            return {}, 0.0
        return cpu_snapshot(backends(self.postmaster, self.database)), children_cpu_seconds(self.postmaster) or 0.0

    def used(self, before: tuple[dict[int, float], float]) -> tuple[float, float] | None:
        """(live backends, ended backends) CPU seconds since `before`."""
        if self.postmaster is None:
            return None
        after = self.snapshot()
        live = cpu_snapshot(sorted(set(before[0]) | set(after[0])))
        return cpu_used(before[0], live), ended_cpu_used(before[0], live, after[1] - before[1])


# -- the servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    label: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)


@contextmanager
def running(label: str, command: list[str], cwd: Path, env: dict[str, str], url: str) -> Iterator[Server]:
    """A server in its own process group, stopped (TERM, then KILL) however the block ends."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{label.lower()}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield Server(label, url, process, log)
    finally:
        for sent in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sent)
                process.wait(timeout=10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def wait_ready(server: Server, probe: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    body = {"query": probe}
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise PeerBenchError(f"{server.label} exited at start; its log: {server.log}\n{tail(server.log)}")
        try:
            answer = httpx.post(server.url, json=body, headers=server.headers, timeout=2)
            if answer.status_code == 200 and "errors" not in answer.json():
                return
        except (httpx.TransportError, json.JSONDecodeError):
            pass
        time.sleep(0.3)
    raise PeerBenchError(
        f"{server.label} did not answer within {timeout:.0f} s; its log: {server.log}\n{tail(server.log)}"
    )


def tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def node_version() -> str:
    if not NODE.exists() or not POSTGRAPHILE.exists():
        raise PeerBenchError("bench/peer/node_modules is missing: run `make bench-peer` (it runs npm ci there)")
    version = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if not version.startswith("v22."):
        raise PeerBenchError(f"bench/peer's node is {version}, not Node 22: run `npm ci` in bench/peer")
    return version


def postgraphile_version() -> str:
    package = json.loads((PEER / "node_modules" / "postgraphile" / "package.json").read_text(encoding="utf-8"))
    return str(package["version"])


# -- measuring ----------------------------------------------------------------------------------------


def wrk(server: Server, query_bodies: list[str], seconds: float, connections: int, pg: PostgresCpu) -> dict[str, Any]:
    """One wrk run against one server, with the CPU its processes and the database's backends used."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(query_bodies, {"Content-Type": "application/json", **server.headers}))
    try:
        server_pids, sessions = server.pids(), pg.sessions()
        server_before, pg_before = cpu_snapshot(server_pids), pg.snapshot()
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency"]
        done = subprocess.run([*command, "-s", script.name, server.url], capture_output=True, text=True, check=False)
        server_after = cpu_snapshot(sorted(set(server_pids) | set(server.pids())))
        pg_used = pg.used(pg_before)
        time.sleep(1.0)  # the sessions counter lags
        sessions = pg.sessions() - sessions
    finally:
        os.unlink(script.name)
    # wrk runs on when its script fails to load, sending GETs: the script's last line tells it loaded.
    if done.returncode != 0 or done.stderr.strip() or "graphql_errors" not in done.stdout:
        raise PeerBenchError(f"wrk failed against {server.label}:\n{done.stdout}\n{done.stderr}")
    report = parse_wrk(done.stdout)
    if report.errors > report.requests // 100:  # a run of failures measures nothing
        raise PeerBenchError(f"{server.label} failed {report.errors} of {report.requests} requests:\n{done.stdout}")
    return {
        **figures(report, cpu_used(server_before, server_after), pg_used),
        "postgresql_connections_opened": sessions,
    }


def figures(report: WrkReport, server_cpu: float, pg_cpu: tuple[float, float] | None) -> dict[str, Any]:
    cpu: dict[str, float | None] = {"server": server_cpu, "postgresql": None, "postgresql_ended_backends": None}
    if pg_cpu is not None:
        cpu["postgresql"], cpu["postgresql_ended_backends"] = sum(pg_cpu), pg_cpu[1]
    return {
        "requests": report.requests,
        "seconds": report.seconds,
        "requests_per_second": report.requests_per_second,
        "latency_ms": report.latency_ms,
        "errors": {"socket": report.socket_errors, "non_2xx": report.non_2xx, "graphql": report.graphql_errors},
        "cpu_seconds": {part: _round(value, 3) for part, value in cpu.items()},
        "cpu_ms_per_request": per_request(cpu, report.requests),
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def per_request(cpu: dict[str, float | None], requests: int) -> dict[str, float | None]:
    return {
        part: _round(seconds * 1000 / requests, 3) if requests and seconds is not None else None
        for part, seconds in cpu.items()
    }


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds pooled: rates and CPU over all requests, latency percentiles the median of the rounds'."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    cpu: dict[str, float | None] = {}
    for part in rounds[0]["cpu_seconds"]:
        values = [r["cpu_seconds"][part] for r in rounds]
        cpu[part] = None if None in values else sum(values)
    return {
        "requests": requests,
        "requests_per_second": round(requests / seconds, 1) if seconds else 0.0,
        "latency_ms": {
            key: round(statistics.median(r["latency_ms"][key] for r in rounds), 2) for key in rounds[0]["latency_ms"]
        },
        "errors": sum(
            sum(r["errors"]["socket"].values()) + r["errors"]["non_2xx"] + r["errors"]["graphql"] for r in rounds
        ),
        "cpu_ms_per_request": per_request(cpu, requests),
        "postgresql_connections_opened": sum(r["postgresql_connections_opened"] for r in rounds),
    }


def check_answers(ours: Server, peer: Server, usccs: list[str]) -> dict[str, dict[str, Any]]:
    """Each query once on both servers (every sampled USCC for the first): the same data, or stop."""
    found: dict[str, dict[str, Any]] = {}
    with httpx.Client(timeout=30) as http:
        for query in QUERIES:
            paths = set()
            for ours_body, peer_body in zip(bodies(query, usccs, False), bodies(query, usccs, True), strict=True):
                ours_answer = http.post(
                    ours.url, content=ours_body, headers={"Content-Type": "application/json", **ours.headers}
                )
                peer_answer = http.post(peer.url, content=peer_body, headers={"Content-Type": "application/json"})
                paths.add(ours_answer.headers.get("x-jianguan-path", "absent"))
                compare(ours_answer.json(), peer_answer.json(), query.name)
                data = ours_answer.json()["data"]
                if query.by_uscc and data["entity"] is None:
                    raise AnswerMismatch(f"{query.name}: neither server found {ours_body}: nothing would be measured")
            facts: dict[str, Any] = {"x_jianguan_path": "/".join(sorted(paths))}
            if query.by_uscc:
                facts["usccs"] = len(usccs)
            else:
                facts["usccs_on_page"] = page_usccs(data)
            if query.name.endswith("licenses"):
                facts["licenses_on_page"] = licenses_on_page(data)
            found[query.name] = facts
            console.print(f"[green]same answers[/green] {query.name}  (X-Jianguan-Path: {facts['x_jianguan_path']})")
    return found


def measure(
    ours: Server,
    peer: Server,
    pg: PostgresCpu,
    usccs: list[str],
    seconds: float,
    rounds: int,
    warmup: float,
    connections: int,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each query on each server for `seconds`, alternating which goes first, `rounds` times."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {q.name: {"ours": [], "peer": []} for q in QUERIES}
    servers = {"ours": ours, "peer": peer}
    if warmup > 0:
        for query in QUERIES:
            for side, server in servers.items():
                wrk(server, bodies(query, usccs, side == "peer"), warmup, connections, pg)
        console.print(f"warmed up ({warmup:g} s per query and server)")
    for number in range(rounds):
        order = ("ours", "peer") if number % 2 == 0 else ("peer", "ours")
        for query in QUERIES:
            for side in order:
                run = wrk(servers[side], bodies(query, usccs, side == "peer"), seconds, connections, pg)
                runs[query.name][side].append(run)
                console.print(
                    f"round {number + 1}/{rounds} {query.name:<26} {side:<4} {run['requests_per_second']:>8.1f} req/s"
                    f"  p50 {run['latency_ms']['p50']:>8.2f} ms  p99 {run['latency_ms']['p99']:>8.2f} ms"
                    f"  cpu/req {_cpu_text(run['cpu_ms_per_request'])} ms  conns {run['postgresql_connections_opened']}"
                )
    return runs


def _cpu_text(cpu: dict[str, float | None]) -> str:
    return "+".join("?" if cpu[part] is None else f"{cpu[part]:.2f}" for part in ("server", "postgresql"))


def result_of(query: Query, facts: dict[str, Any], runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    ours, peer = summary(runs["ours"]), summary(runs["peer"])
    return {
        "description": query.description,
        "documents": {"ours": query.ours, "peer": query.peer},
        "shape_note": query.shape_note,
        **facts,
        "ours": ours,
        "peer": peer,
        "ratio_ours_to_peer_rps": round(ours["requests_per_second"] / peer["requests_per_second"], 4)
        if peer["requests_per_second"]
        else None,
        "rounds": runs,
    }


def commit_of_ours() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def main(
    seconds: float = typer.Option(10.0, help="每个查询、每个服务的压测秒数"),
    rounds: int = typer.Option(3, help="轮数（每轮两个服务交替先后）"),
    warmup: float = typer.Option(2.0, help="正式测量前每个查询、每个服务的预热秒数（0 为不预热）"),
    connections: int = typer.Option(32, help="wrk 的并发连接数（-c）"),
    entities: int = typer.Option(20000, help="演示城市的市场主体数量"),
    rebuild: bool = typer.Option(False, "--rebuild", help="删除并重新建立、载入基准数据库"),
    database_url: str = typer.Option(
        DEFAULT_URL, envvar="JIANGUAN_PEER_DATABASE_URL", help="基准数据库（会被删除重建；勿用生产库）"
    ),
    readme: bool = typer.Option(True, help="把结果表写入 README.md 的标记之间"),
) -> None:
    """Jianguan 与 PostGraphile 5 在同一数据库上的对照基准（make bench-peer）。"""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop both servers on TERM too
    if shutil.which("wrk") is None:
        console.print(
            "[yellow]wrk is not installed and cannot be installed here (not root, or no apt):"
            " bench-peer skipped[/yellow]"
        )
        return
    try:
        run(seconds, rounds, warmup, connections, entities, rebuild, Database(database_url), readme)
    except (PeerBenchError, AnswerMismatch, MarkersMissing) as error:
        console.print(str(error), markup=False, style="red")
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        console.print("interrupted: both servers stopped, nothing written")
        raise typer.Exit(130) from None


def run(
    seconds: float,
    rounds: int,
    warmup: float,
    connections: int,
    entities: int,
    rebuild: bool,
    db: Database,
    readme: bool,
) -> None:
    node = node_version()
    url = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    db = Database(url)
    env = {
        **os.environ,
        "JIANGUAN_DATABASE_URL": db.url,
        "JIANGUAN_ENV": "production",
        "JIANGUAN_SECRET_KEY": secrets.token_urlsafe(32),
    }
    database = prepare_database(db, entities, rebuild, env)
    token = manage(
        env, "token", "create", "--department", CITY_REGISTRY, "--role", "maintainer", "--name", "bench-peer"
    )
    token = token.strip().splitlines()[-1].strip()
    every = max(1, entities // SAMPLE_USCCS)
    usccs = [row["uscc"] for row in fetch(db.url, "SELECT uscc FROM market_entity ORDER BY id")][::every][:SAMPLE_USCCS]
    load_before = os.getloadavg()
    with ExitStack() as stack:
        ours_port, peer_port = free_port(), free_port()
        ours = stack.enter_context(
            running(
                "jianguan",
                [sys.executable, "manage.py", "serve", "--workers", "2", "--port", str(ours_port)],
                ROOT,
                env,
                f"http://127.0.0.1:{ours_port}/graphql",
            )
        )
        ours.headers["Authorization"] = f"Bearer {token}"
        peer_env = {**os.environ, "PEER_DATABASE_URL": db.url, "PEER_PORT": str(peer_port), "NODE_ENV": "production"}
        peer = stack.enter_context(
            running(
                "postgraphile",
                [str(NODE), str(POSTGRAPHILE), "-C", "graphile.config.mjs"],
                PEER,
                peer_env,
                f"http://127.0.0.1:{peer_port}/graphql",
            )
        )
        wait_ready(ours, "{ viewer { __typename } }")
        wait_ready(peer, "{ __typename }")
        console.print(f"Jianguan on {ours.url}, PostGraphile {postgraphile_version()} (Node {node}) on {peer.url}")
        facts = check_answers(ours, peer, usccs)
        runs = measure(
            ours,
            peer,
            PostgresCpu(postmaster_of(db), db.name, db.maintenance_url),
            usccs,
            seconds,
            rounds,
            warmup,
            connections,
        )
    result = {
        "benchmark": "peer",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "database": {"url": db.shown, "entities": entities, **database},
        "ours": {"commit": commit_of_ours(), "command": "manage.py serve --workers 2", "env": "production"},
        "peer": {
            "postgraphile": postgraphile_version(),
            "node": node,
            "preset": "amber",
            "config": "bench/peer/graphile.config.mjs",
        },
        "load": {
            "tool": "wrk",
            "threads": 1,
            "connections": connections,
            "seconds": seconds,
            "rounds": rounds,
            "warmup_seconds": warmup,
            "order": "alternating: ours first in odd rounds, peer first in even",
        },
        "cpu": (
            "user+sys seconds from /proc/<pid>/stat over each run, divided by its requests: 'server' is the server's"
            " process tree (uvicorn's supervisor and workers; node), 'postgresql' every backend of the database"
            " (the idle server's pool included, which costs next to nothing)"
        ),
        "queries": {query.name: result_of(query, facts[query.name], runs[query.name]) for query in QUERIES},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "peer.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {out.relative_to(ROOT)}")
    console.print(table(result), markup=False)
    if readme:
        path = ROOT / "README.md"
        path.write_text(replace_table(path.read_text(encoding="utf-8"), table(result)), encoding="utf-8")
        console.print("updated the table in README.md")


if __name__ == "__main__":
    typer.run(main)
