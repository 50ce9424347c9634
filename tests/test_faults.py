"""Faults on PostgreSQL, with the real processes: an import killed half way leaves whole commits
only, each with its audit event, and running the file again completes it as one clean run would;
the database lost under load gives a clear error (HTTP 503, DATABASE_UNAVAILABLE), never a hang or a
traceback, and the app serves again without a restart once it is back; two `run-jobs` at once
change nothing twice."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from models import Listing
from services.credit.listings import due_for_escalation
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.records.record_import import COMMIT_ROWS
from tests.conftest import BACKEND, ROOT, SECRET, Api, DemoCity, Templates
from tests.support.cli import manage, manage_together
from tests.support.departments import DISTRICT
from tests.support.proxy import Proxy
from tests.support.record_files import PENALTY_HEADER, penalty_row, write_csv
from tests.support.records import PENALTY, penalty
from tests.support.server import running
from tests.support.tasks import RECORD, answers, drawn_plan, result, set_rectification_due

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres", reason="faults of a database server and its connections: PostgreSQL only"
)

ROWS = 2 * COMMIT_ROWS + COMMIT_ROWS // 2  # three commits: two whole stretches and a half one


def _document(n: int) -> str:
    return f"中市监罚〔2026〕{n} 号"


async def _scalar(db: Database, sql: str, **values: Any) -> Any:
    async with db.engine.connect() as connection:
        return (await connection.execute(text(sql), values)).scalar()


async def _stored(db: Database) -> list[tuple[Any, ...]]:
    """Every penalty of the district as an integrator sees it, and its entity's colour: the state
    a run leaves, whatever ids it drew."""
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT p.document_number, e.uscc, p.content, p.fine_amount, p.decision_date, p.status,"
                " p.public_until, e.risk_colour FROM penalty p JOIN market_entity e ON e.id = p.entity_id"
                " JOIN department d ON d.id = p.source_department_id WHERE d.code = :code"
                " ORDER BY p.document_number"
            ),
            {"code": DISTRICT},
        )
        return [tuple(row) for row in rows.all()]


async def _run_events(db: Database, filename: str) -> list[dict[str, Any]]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT after FROM audit_event WHERE action = 'penalty.imported' AND object_id = :f ORDER BY id"),
            {"f": filename},
        )
        return [row[0] for row in rows.all()]


def _import(url: str, path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    return subprocess.Popen(
        [sys.executable, "manage.py", "import", "penalty", str(path), "--department", DISTRICT],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


async def test_an_import_killed_half_way_keeps_whole_commits_and_a_rerun_completes_it(
    db: Database, database_url: str, city: DemoCity, templates: Templates, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[n % 12], 文号=_document(n)) for n in range(ROWS)]
    path = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, rows)
    before = len(await _stored(db))

    importing = _import(database_url, path)
    try:
        deadline = time.monotonic() + 120
        committed = 0
        while committed == 0:  # the first commit visible: the second stretch is on its way
            assert importing.poll() is None, f"the import ended before it was killed: {importing.communicate()}"
            assert time.monotonic() < deadline, "no commit within two minutes"
            await asyncio.sleep(0.02)
            committed = len(await _stored(db)) - before
        importing.send_signal(signal.SIGKILL)
    finally:
        importing.kill()
        importing.wait()
    assert importing.returncode == -signal.SIGKILL

    # Whole commits only, the file's first rows, each commit with its own audit event counting it.
    kept = [row for row in await _stored(db) if row[0].startswith("中市监罚〔2026〕")]
    assert len(kept) in (COMMIT_ROWS, 2 * COMMIT_ROWS), len(kept)
    assert sorted(row[0] for row in kept) == sorted(_document(n) for n in range(len(kept)))
    events = await _run_events(db, path.name)
    assert [event["part"] for event in events] == list(range(1, len(kept) // COMMIT_ROWS + 1))
    assert [event["rows"] for event in events] == [COMMIT_ROWS * part for part in range(1, len(events) + 1)]
    assert all(event["created"] == event["rows"] and event["finished"] is False for event in events)
    assert len({event["run"] for event in events}) == 1

    # The same file again completes it: what was kept is unchanged, the rest created, nothing twice.
    again = manage(database_url, "import", "penalty", str(path), "--department", DISTRICT)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"新增 {ROWS - len(kept):,}、更新 0、无变化 {len(kept):,}、拒绝 0" in again.stdout, again.stdout
    final = await _run_events(db, path.name)
    assert final[-1]["finished"] is True and final[-1]["rows"] == ROWS
    assert (final[-1]["created"], final[-1]["unchanged"]) == (ROWS - len(kept), len(kept))

    # The state equals one clean run of the same file on a copy of the same city.
    name, clean_url = await templates.clone(seeded=True)
    clean = Database(clean_url, SECRET)
    try:
        once = manage(clean_url, "import", "penalty", str(path), "--department", DISTRICT)
        assert once.returncode == 0, once.stdout + once.stderr
        assert await _stored(db) == await _stored(clean)
    finally:
        await clean.dispose()
        await templates.release(name)
    assert manage(database_url, "verify-audit").returncode == 0


ENTITY = "query($u: String!) { entity(uscc: $u) { uscc name riskColour { colour } } }"
PAGE = "{ entities(first: 20) { edges { node { uscc name persons { name } } } } }"


async def test_the_database_lost_under_load_gives_clear_errors_and_the_app_recovers(
    database_url: str, city: DemoCity, tmp_path: Path
) -> None:
    target = make_url(database_url)
    proxy = Proxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    log = tmp_path / "server.log"
    token = city.tokens["district"]
    phase = "before"
    seen: list[tuple[str, str, float, str]] = []  # phase (when it was sent and answered), kind, seconds, outcome
    stop = asyncio.Event()
    numbers = itertools.count()

    async def call(client: httpx.AsyncClient, kind: str, n: int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if kind == "health":
            return await client.get("/healthz")
        if kind == "entity":
            body = {"query": ENTITY, "variables": {"u": city.zhongshan[n % len(city.zhongshan)]}}
        elif kind == "page":
            body = {"query": PAGE}
        else:
            data = penalty(city.zhongshan[n % len(city.zhongshan)], documentNumber=f"中市监罚〔2026〕故障{n} 号")
            body = {"query": PENALTY, "variables": {"i": data}}
        return await client.post("/graphql", json=body, headers=headers)

    def outcome(kind: str, response: httpx.Response) -> str:
        if kind == "health":
            return {200: "ok", 503: "unavailable"}.get(response.status_code, f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            return f"HTTP {response.status_code}: {response.text[:200]}"
        errors = body.get("errors") or []
        if response.status_code == 200 and not errors:
            payload = next(iter(body["data"].values()))
            return (
                "ok" if payload is not None and not (isinstance(payload, dict) and payload.get("errors")) else str(body)
            )
        codes = {error.get("extensions", {}).get("code") for error in errors}
        if response.status_code == 503 and codes == {"DATABASE_UNAVAILABLE"}:
            assert all("数据库" in error["message"] for error in errors), body
            return "unavailable"
        return f"HTTP {response.status_code}: {body}"

    async def worker(client: httpx.AsyncClient, kind: str) -> None:
        while not stop.is_set():
            started, sent = time.monotonic(), phase
            try:
                response = await call(client, kind, next(numbers))
                answer = outcome(kind, response)
            except httpx.HTTPError as error:
                answer = f"{type(error).__name__}: {error}"
            at = sent if sent == phase else f"{sent}-{phase}"
            seen.append((at, kind, time.monotonic() - started, answer))
            await asyncio.sleep(0.01)

    try:
        async with (
            running(proxied, "--access-log", env={"JIANGUAN_DB_POOL_SIZE": "4"}, log=log) as base,
            httpx.AsyncClient(base_url=base, timeout=10) as client,
        ):
            kinds = ["entity", "entity", "page", "write", "write", "health"]
            workers = [asyncio.ensure_future(worker(client, kind)) for kind in kinds]
            await asyncio.sleep(1.5)
            phase = "down"
            await proxy.cut()
            await asyncio.sleep(2.5)
            await proxy.start()
            phase = "restored"  # once the port is open again: a request sent before it was refused
            await asyncio.sleep(0.5)
            phase = "after"
            await asyncio.sleep(2.0)
            stop.set()
            await asyncio.gather(*workers)
            # A restart while nobody asks (every pooled connection now closed, none yet found so):
            # the next request of each kind is served, not failed on a dead connection.
            await proxy.cut()
            await proxy.start()
            await asyncio.sleep(0.2)
            quiet = {kind: outcome(kind, await call(client, kind, next(numbers))) for kind in reversed(kinds)}
    finally:
        await proxy.stop()

    by_phase: dict[str, Counter[str]] = {}
    for at, _, _, answer in seen:
        by_phase.setdefault(at, Counter())[answer] += 1
    # Sent before the cut and answered after it: either, never anything else.
    assert set(by_phase.get("before-down", {})) <= {"ok", "unavailable"}, by_phase
    assert set(by_phase["before"]) == {"ok"}, by_phase["before"]
    # Cut off, every request is answered, quickly, with the clear error (a few in flight were done).
    assert {k for at, k, _, answer in seen if at == "down" and answer == "unavailable"} == set(kinds), by_phase
    assert set(by_phase["down"]) <= {"ok", "unavailable"}, by_phase["down"]
    assert max(seconds for at, _, seconds, _ in seen if at.startswith("down")) < 2  # refused, not hung
    # Back, the same processes serve every kind again, with no error.
    assert set(by_phase.get("down-restored", {})) <= {"ok", "unavailable"}, by_phase
    failed_after = [(at, kind, round(seconds, 3), answer) for at, kind, seconds, answer in seen
                    if at in ("restored", "restored-after", "after") and answer != "ok"]  # fmt: skip
    warnings = [line for line in log.read_text().splitlines() if "WARNING" in line or "ERROR" in line]
    assert failed_after == [], (failed_after, by_phase, warnings[-12:])
    assert {k for at, k, _, _ in seen if at == "after"} == set(kinds)
    assert set(quiet.values()) == {"ok"}, quiet
    logged = "\n".join(line for line in log.read_text().splitlines() if '" 200 OK' not in line and '" 503' not in line)
    assert "Traceback" not in logged and "Exception in ASGI application" not in logged, logged[-6000:]
    assert "数据库暂时不可用" in logged


async def test_two_run_jobs_at_once_change_nothing_twice(
    api: Api, db: Database, database_url: str, city: DemoCity
) -> None:
    # Due work of every job: escalation reminders (the demo city has listings due), stale colours to
    # re-rate, and rectification deadlines passed yesterday.
    drawn = await drawn_plan(db, city.zhongshan[:2])
    ordered = result(["RECTIFICATION_ORDERED"], items=answers("NON_CONFORMING"),
                     rectificationDueOn=(today() + timedelta(days=7)).isoformat())  # fmt: skip
    parents = [drawn.task(uscc) for uscc in city.zhongshan[:2]]
    for task in parents:
        recorded = await api.data(RECORD, {"t": task, "i": ordered}, city.tokens["district_health"])
        assert recorded["recordInspectionResult"]["errors"] == []
        await set_rectification_due(db, task, today() - timedelta(days=1))
    async with db.session(Principal.system()) as session:
        due = list((await session.scalars(
            select(Listing.id).where(due_for_escalation(today()), col(Listing.escalation_reminded_at).is_(None))
            .order_by(col(Listing.id))
        )).all())  # fmt: skip
    async with db.engine.begin() as connection:
        stale = (
            (
                await connection.execute(
                    text(
                        "UPDATE market_entity SET risk_colour = 'YELLOW' WHERE id IN"
                        " (SELECT id FROM market_entity WHERE risk_colour = 'GREEN' ORDER BY id LIMIT 3) RETURNING id"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert due and len(stale) == 3
    seen_change = await _scalar(db, "SELECT coalesce(max(id), 0) FROM risk_colour_change")
    first, second = manage_together(database_url, ["run-jobs"], ["run-jobs"])
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr

    async with db.engine.connect() as connection:

        async def count(sql: str, **values: Any) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in (await connection.execute(text(sql), values)).all()]

        referrals = await count(
            "SELECT listing_id, count(*) FROM referral WHERE reason = 'ESCALATION_DUE' GROUP BY listing_id"
        )
        events = await count(
            "SELECT object_id, count(*) FROM audit_event WHERE action = 'listing.escalation_reminded'"
            " GROUP BY object_id"
        )
        changes = await count(
            "SELECT entity_id, count(*) FROM risk_colour_change WHERE id > :seen GROUP BY entity_id", seen=seen_change
        )
        follow_ups = await count(
            "SELECT parent_task_id, count(*) FROM inspection_task WHERE parent_task_id = ANY(:ids)"
            " GROUP BY parent_task_id",
            ids=[int(task) for task in parents],
        )
        opened = await count("SELECT count(*) FROM audit_event WHERE action = 'inspection_task.follow_up_opened'")
        recomputed = await count(
            "SELECT after FROM audit_event WHERE action = 'risk.recomputed' AND actor = 'run-jobs'"
        )
    # Each reminder once: one referral and one audit event per listing, between the two runners.
    assert sorted(referrals) == [(listing_id, 1) for listing_id in due]
    assert sorted(events) == sorted((str(listing_id), 1) for listing_id in due)
    said = [line for run in (first, second) for line in run.stdout.splitlines() if "满三年提醒" in line]
    sent = sorted(int(line.split("发出 ")[1].split(" 条")[0]) for line in said)
    assert sent in ([0, len(due)], [len(due), 0]) or sum(sent) == len(due), said
    # Each follow-up task opened once, with one event.
    assert sorted(follow_ups) == sorted((int(task), 1) for task in parents) and opened == [(len(parents),)]
    # Each stale colour corrected once: one change each, which the two runners' events count between them.
    assert sorted(changes) == sorted((entity_id, 1) for entity_id in stale)
    assert sorted(after["changed"] for (after,) in recomputed) == [0, 3]
    assert manage(database_url, "verify-audit").returncode == 0
