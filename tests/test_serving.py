"""The serving path: a client hanging up is not a server error, the pool keeps its connections,
and `manage.py serve` runs workers that each serve, logs no request in production unless asked,
and stops them all on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import subprocess
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy import event
from starlette.types import ASGIApp, Message

from app import create_app
from services.platform.db import Database
from services.platform.settings import DEFAULT_DB_POOL_SIZE, Settings
from tests.conftest import SECRET, Api, DemoCity
from tests.support.server import PRODUCTION, launched, started

PAGE = "{ entities(first: 20) { edges { node { uscc name registrationAuthority { name } persons { name } } } } }"
SERVER_LOG = logging.getLogger("uvicorn.error")


async def _serve_one(
    app: ASGIApp,
    token: str,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
    path: str = "/graphql",
    content_type: bytes = b"application/json",
) -> None:
    """One POST through the app as uvicorn runs it: an exception escaping the app is what the
    server logs as "Exception in ASGI application", with its traceback, at ERROR."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", content_type),
                    (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }  # fmt: skip
    try:
        await app(scope, receive, send)
    except Exception as error:  # noqa: BLE001 - logged as the server logs it
        SERVER_LOG.error("Exception in ASGI application\n", exc_info=error)


async def _ignore(message: Message) -> None:
    """uvicorn drops what the app sends after the client has gone."""


async def test_a_client_that_hangs_up_is_one_info_line_and_other_errors_are_still_logged(
    settings: Settings, db: Database, city: DemoCity, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, db)
    caplog.set_level(logging.INFO)
    caplog.clear()  # what building the app logged

    async def gone() -> Message:
        # The request arrived whole, but the client closed the connection while the server was
        # still authenticating it: uvicorn then answers every receive() with a disconnect.
        return {"type": "http.disconnect"}

    await _serve_one(app, city.tokens["city"], gone, _ignore)
    assert [r.levelno for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert all(r.exc_info is None and "Traceback" not in caplog.text for r in caplog.records)
    assert "客户端已断开：POST /graphql" in [r.getMessage() for r in caplog.records]

    caplog.clear()

    async def broken() -> Message:
        raise RuntimeError("读取请求时出错")

    await _serve_one(app, city.tokens["city"], broken, _ignore)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "读取请求时出错" in caplog.text and "客户端已断开" not in caplog.text


@pytest.fixture
def connections_opened(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every database connection this process opens to the test's database: the engine's, and on
    PostgreSQL also the compiled read path's own asyncpg pool (Database.fetch_text)."""
    opened: list[object] = []
    event.listen(db.engine.sync_engine, "connect", lambda connection, _record: opened.append(connection))
    connect = asyncpg.connection.connect
    name = db.url.database or ""

    async def counted(*args: Any, **kwargs: Any) -> Any:
        connection = await connect(*args, **kwargs)
        if name in str(args):  # the pool's (its DSN); the engine calls asyncpg.connect, counted above
            opened.append(connection)
        return connection

    monkeypatch.setattr(asyncpg.connection, "connect", counted)
    return opened


async def test_a_client_that_hangs_up_on_an_admin_form_in_production_is_one_info_line(
    database_url: str, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # In production an unexpected error on an admin page gets the Chinese 500 page, and is logged
    # with its traceback: a client gone before its form was read is neither.
    app = create_app(Settings(database_url=database_url, secret_key=SECRET, env="production"), db)
    caplog.set_level(logging.INFO)
    caplog.clear()

    async def gone() -> Message:
        return {"type": "http.disconnect"}

    await _serve_one(app, "", gone, _ignore, "/admin/login", b"application/x-www-form-urlencoded")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    assert "客户端已断开：POST /admin/login" in [r.getMessage() for r in caplog.records]


async def test_a_served_app_keeps_what_it_built_before_serving_out_of_the_collectors_walks(
    database_url: str, db: Database
) -> None:
    # A full collection walked every object the process had built (95 ms at about every hundredth
    # search); once the app starts they are frozen out of it, and a full collection walks only what
    # came after.
    gc.unfreeze()
    app = create_app(Settings(database_url=database_url, secret_key=SECRET, env="production"), db)
    try:
        async with app.router.lifespan_context(app):
            gc.collect()
            frozen, walked = gc.get_freeze_count(), len(gc.get_objects())
        assert frozen > 100_000, frozen  # the modules, the schema and the mappers
        assert walked < frozen / 10, (walked, frozen)
    finally:
        gc.unfreeze()


async def test_64_concurrent_reads_open_no_new_connection_once_the_pool_is_warm(
    api: Api, city: DemoCity, connections_opened: list[object]
) -> None:
    opened = connections_opened
    token = city.tokens["city"]

    async def burst() -> None:
        answers = await asyncio.gather(*(api.data(PAGE, token=token) for _ in range(64)))
        assert all(len(answer["entities"]["edges"]) == 20 for answer in answers)

    await burst()  # warm-up: the pool opens what it needs, up to its size
    warm = len(opened)
    assert 0 < warm <= 2 * DEFAULT_DB_POOL_SIZE
    for _ in range(3):
        await burst()
    assert len(opened) == warm  # every later request waited for a kept connection


def _launched(database_url: str, *args: str) -> subprocess.Popen[str]:
    return launched(database_url, *args, env={**PRODUCTION, "JIANGUAN_WORKER_HEADER": "1"})


async def _workers_seen(port: int, connections: int) -> list[str]:
    """The worker that answered on each of `connections` new connections."""

    async def one() -> str:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get("/healthz")
        assert response.status_code == 200 and json.loads(response.text)["status"] == "ok"
        return response.headers["x-jianguan-worker"]

    return list(await asyncio.gather(*(one() for _ in range(connections))))


async def _hang_up_mid_request(port: int) -> None:
    """A client that sends half its GraphQL request and closes the connection."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"query": PAGE}).encode()
    head = f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    writer.write(head.encode() + body[: len(body) // 2])
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.5)  # the server notices


def _stopped(process: subprocess.Popen[str], lines: list[str]) -> str:
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=60)
    return "".join(lines) + rest


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_serve_runs_workers_that_each_take_connections_quietly_and_stop_together(database_url: str) -> None:
    quiet, logged = _launched(database_url, "--workers", "2"), _launched(database_url, "--access-log")
    quiet_lines: list[str] = []
    logged_lines: list[str] = []
    try:
        quiet_port = await started(quiet, quiet_lines)
        logged_port = await started(logged, logged_lines)
        seen = await _workers_seen(quiet_port, 32)
        await _workers_seen(logged_port, 1)
        await _hang_up_mid_request(quiet_port)
    finally:
        quiet_log, logged_log = _stopped(quiet, quiet_lines), _stopped(logged, logged_lines)
    # A lone uvicorn process re-raises SIGTERM once it has shut down gracefully.
    assert quiet.returncode == 0 and logged.returncode in (0, -signal.SIGTERM), quiet_log + logged_log
    assert quiet_log.count("Application shutdown complete") == 2 and "Application shutdown complete" in logged_log
    assert "事件循环 uvloop，HTTP 解析 httptools" in quiet_log
    assert "各自监听同一端口（SO_REUSEPORT）" in quiet_log
    # Both workers took connections (the kernel hashes each to one worker's socket), and no
    # worker outlived SIGTERM to the supervisor.
    assert len(set(seen)) == 2, seen
    assert not any(_alive(int(pid)) for pid in set(seen))
    # Production logs no request unless --access-log asks for it.
    assert "GET /healthz" not in quiet_log and "访问日志关闭" in quiet_log
    assert "GET /healthz" in logged_log and "访问日志开启" in logged_log
    # A client hanging up is one line in the server's log, in its format, without a traceback.
    assert "INFO:     客户端已断开：POST /graphql" in quiet_log
    assert "Traceback" not in quiet_log + logged_log and "ERROR" not in quiet_log + logged_log
