"""Fixtures: real databases (SQLite, or PostgreSQL when JIANGUAN_TEST_DB=postgres) and
the real ASGI app over httpx.

Two template databases are built once per run, one migrated and empty, one holding
the demo city; every test gets its own copy (a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL), so tests never see each other's data.

On PostgreSQL, copies are made and dropped on a background event loop: a spare copy of
each kind waits for the next test, and a finished test's database is dropped while the
next one runs. PostgreSQL 15 forces a checkpoint of the whole server on every DROP
DATABASE, which took up to a second per test when the server was busy; several drops at
once share one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from demo import seed
from services.platform import migrate
from services.platform.db import Database
from services.platform.settings import Settings

T = TypeVar("T")
SECRET = "test-secret-key"
# Production refuses a key shorter than 32 characters (services.platform.settings).
PRODUCTION_SECRET = SECRET * 3
BACKEND = os.environ.get("JIANGUAN_TEST_DB", "sqlite")
ROOT = Path(__file__).resolve().parent.parent
ROLE_TOKENS = {
    "maintainer": "演示维护人员",
    "city": "大连市市场监督管理局登记系统",
    "district": "中山区市场监督管理局",
    "other_district": "西岗区市场监督管理局",
    "city_health": "大连市卫生健康委员会",
    "district_health": "中山区卫生健康局",
}


def pytest_report_header() -> str:
    return f"jianguan database backend: {BACKEND}"


async def _pg_admin(url: str, statement: str) -> None:
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database=parsed.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@dataclass
class DemoCity:
    """The demo city (seed 7, 150 entities): its tokens by role, and entities by district."""

    report: seed.SeedReport
    tokens: dict[str, str]
    zhongshan: list[str]  # USCCs in 中山区 (210202)
    xigang: list[str]  # USCCs in 西岗区 (210203)
    # USCCs in 中山区 with no license, penalty or complaint yet (seed-demo gives some entities records).
    zhongshan_without_records: list[str]


class Templates:
    # Finished databases waiting to be dropped, at most: bounds the disk they hold.
    MAX_PENDING_DROPS = 8
    # Drops run at once; concurrent drops share PostgreSQL's forced checkpoint.
    CONCURRENT_DROPS = 4

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server = os.environ.get("JIANGUAN_TEST_POSTGRES_URL", "")
        self.created: list[str] = []
        prefix = f"jianguan_test_{uuid.uuid4().hex[:8]}"
        self.empty_name, self.city_name = f"{prefix}_empty", f"{prefix}_city"
        self.city: DemoCity | None = None
        # PostgreSQL's creates and drops run on this loop, in its own thread, while tests run.
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-databases", daemon=True)
        self.thread.start()
        self.spares: dict[bool, asyncio.Future[tuple[str, str]]] = {}
        self.drops: set[asyncio.Future[None]] = set()
        self.drop_slots = threading.BoundedSemaphore(self.MAX_PENDING_DROPS)
        self.dropping: asyncio.Semaphore | None = None

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the background loop and wait for it (from a thread with no running loop)."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    async def on_loop(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the background loop and await it from a test's own loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def url(self, name: str) -> str:
        if BACKEND == "postgres":
            return make_url(self.server).set(database=name).render_as_string(hide_password=False)
        return f"sqlite:///{self.workdir / name}.db"

    async def create(self, name: str, template: str | None = None) -> str:
        if BACKEND == "postgres":
            clause = f' TEMPLATE "{template}"' if template else ""
            await _pg_admin(self.server, f'CREATE DATABASE "{name}"{clause}')
            self.created.append(name)
        elif template:
            shutil.copyfile(self.workdir / f"{template}.db", self.workdir / f"{name}.db")
        return self.url(name)

    async def build(self) -> None:
        db = Database(await self.create(self.empty_name), SECRET)
        await migrate.upgrade(db)
        await db.dispose()
        db = Database(await self.create(self.city_name, self.empty_name), SECRET)
        # Without spot checks: tests of plans, draws and tasks build their own lists and plans
        # (test_demo_spotchecks seeds a whole city with them).
        report = await seed.seed_demo(db, seed=7, entities=150, spot_checks=False)
        async with db.engine.connect() as connection:
            rows = (await connection.execute(text("SELECT uscc, region_code FROM market_entity ORDER BY uscc"))).all()
            with_records = {
                uscc
                for (uscc,) in await connection.execute(
                    text(
                        "SELECT uscc FROM market_entity WHERE id IN (SELECT entity_id FROM license"
                        " UNION SELECT entity_id FROM penalty UNION SELECT entity_id FROM complaint)"
                    )
                )
            }
        await db.dispose()
        by_name = {token.name: token.token for token in report.tokens}
        self.city = DemoCity(
            report=report,
            tokens={role: by_name[name] for role, name in ROLE_TOKENS.items()},
            zhongshan=[u for u, r in rows if r == "210202"],
            xigang=[u for u, r in rows if r == "210203"],
            zhongshan_without_records=[u for u, r in rows if r == "210202" and u not in with_records],
        )

    async def _copy(self, seeded: bool) -> tuple[str, str]:
        name = f"jianguan_test_{uuid.uuid4().hex[:12]}"
        return name, await self.create(name, self.city_name if seeded else self.empty_name)

    async def _take(self, seeded: bool) -> tuple[str, str]:
        spare = self.spares.pop(seeded, None) or asyncio.ensure_future(self._copy(seeded))
        copy = await spare
        self.spares[seeded] = asyncio.ensure_future(self._copy(seeded))
        return copy

    async def clone(self, seeded: bool) -> tuple[str, str]:
        """A fresh copy of a template, nobody else's: (name, url)."""
        if BACKEND != "postgres":
            return await self._copy(seeded)  # a file copy takes a millisecond
        return await self.on_loop(self._take(seeded))

    async def _drop(self, name: str) -> None:
        if BACKEND == "postgres":
            await _pg_admin(self.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.created.remove(name)
        else:
            for suffix in (".db", ".db-wal", ".db-shm"):
                (self.workdir / f"{name}{suffix}").unlink(missing_ok=True)

    async def drop(self, name: str) -> None:
        await self.on_loop(self._drop(name))

    async def _drop_later(self, name: str) -> None:
        if self.dropping is None:
            self.dropping = asyncio.Semaphore(self.CONCURRENT_DROPS)
        async with self.dropping:
            try:
                await self._drop(name)
            finally:
                self.drop_slots.release()

    async def _start_drop(self, name: str) -> None:
        task = asyncio.ensure_future(self._drop_later(name))
        self.drops.add(task)
        task.add_done_callback(self.drops.discard)

    async def release(self, name: str) -> None:
        """Drop a finished test's database in the background; wait only when many are pending."""
        if BACKEND != "postgres":
            await self._drop(name)
            return
        await asyncio.to_thread(self.drop_slots.acquire)
        await self.on_loop(self._start_drop(name))

    async def _drop_all(self) -> None:
        dropped = await asyncio.gather(*self.drops, return_exceptions=True)
        spares = await asyncio.gather(*self.spares.values(), return_exceptions=True)
        self.spares.clear()
        for spare in spares:
            if isinstance(spare, tuple):
                await self._drop(spare[0])
        for name in list(reversed(self.created)):
            await self._drop(name)
        # A drop that failed in the background fails the run here rather than silently.
        for outcome in dropped:
            if isinstance(outcome, BaseException):
                raise outcome

    async def drop_all(self) -> None:
        await self.on_loop(self._drop_all())

    def close(self) -> None:
        try:
            self.run(self._drop_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    if BACKEND == "postgres" and not os.environ.get("JIANGUAN_TEST_POSTGRES_URL"):
        pytest.exit("JIANGUAN_TEST_DB=postgres needs JIANGUAN_TEST_POSTGRES_URL", returncode=2)
    built = Templates(tmp_path_factory.mktemp("db"))
    try:
        built.run(built.build())
        yield built
    finally:
        built.close()


@pytest.fixture
async def database_url(templates: Templates, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """This test's own database: the demo city when the test asks for `city`, else empty."""
    name, url = await templates.clone(seeded="city" in request.fixturenames)
    try:
        yield url
    finally:
        await templates.release(name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, SECRET)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def city(templates: Templates, db: Database) -> DemoCity:
    assert templates.city is not None
    return templates.city


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        env="development",
        check_error_codes=True,
        check_compiled_reads=True,
    )


@dataclass
class Api:
    """The real ASGI app over httpx, as an integrator calls it."""

    client: httpx.AsyncClient

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
        body = await self.gql(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]


def make_client(settings: Settings, db: Database) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, db))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def api(settings: Settings, db: Database) -> AsyncIterator[Api]:
    async with make_client(settings, db) as client:
        yield Api(client)
