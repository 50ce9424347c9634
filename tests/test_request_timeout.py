"""The per-request time limit: a request past it is answered REQUEST_TIMEOUT, and a change it
was making is not stored, half or whole."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.platform import audit
from services.platform.db import Database
from services.platform.settings import Settings, load_settings
from services.registry import registry
from tests.conftest import Api, DemoCity, make_client
from tests.support.entities import REGISTER, new_code, registration

MESSAGE = "请求超时：0.5 秒内未完成，已中止，未完成的修改均未保存；请缩小查询范围后重试"


@pytest.fixture
async def impatient(settings: Settings, db: Database) -> AsyncIterator[Api]:
    async with make_client(dataclasses.replace(settings, request_timeout=0.5), db) as client:
        yield Api(client)


async def _stalled(*args: Any, **kwargs: Any) -> None:
    await asyncio.sleep(30)


async def test_a_change_past_the_limit_is_refused_and_nothing_of_it_is_stored(
    impatient: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The entity row and its persons are written, then the audit event never comes.
    monkeypatch.setattr(audit, "record", _stalled)
    code = new_code(body="MA0TMQT1")
    body = await impatient.gql(REGISTER, {"input": registration(uscc=code)}, city.tokens["district"])
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}
    assert body["errors"][0]["message"] == MESSAGE
    monkeypatch.undo()
    found = await impatient.data(f'{{ entity(uscc: "{code}") {{ name }} }}', token=city.tokens["maintainer"])
    assert found == {"entity": None}


async def test_a_read_past_the_limit_is_refused_on_either_path(
    impatient: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "{ entities(first: 5) { edges { node { uscc } } } }"
    monkeypatch.setattr(Database, "fetch_text", _stalled)  # the compiled path's one statement
    compiled = await impatient.post(query, token=city.tokens["maintainer"])
    assert compiled.json()["errors"][0] == {"message": MESSAGE, "extensions": {"code": "REQUEST_TIMEOUT"}}
    monkeypatch.setattr(registry, "list_entities", _stalled)  # and the ordinary path's resolver
    uncovered = "{ viewer { name } entities(first: 5) { totalCount } }"
    ordinary = await impatient.post(uncovered, token=city.tokens["district"])
    assert ordinary.headers["x-jianguan-path"] == "executed"
    assert ordinary.json()["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}


async def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANGUAN_REQUEST_TIMEOUT", "12.5")
    assert load_settings().request_timeout == 12.5
    monkeypatch.delenv("JIANGUAN_REQUEST_TIMEOUT")
    assert load_settings().request_timeout == 30
    monkeypatch.setenv("JIANGUAN_REQUEST_TIMEOUT", "soon")
    with pytest.raises(RuntimeError, match="JIANGUAN_REQUEST_TIMEOUT"):
        load_settings()


async def test_postgresql_ends_a_statement_past_the_limit_itself(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("statement_timeout is PostgreSQL's")
    limited = Database(db.name, "key", pool_size=1, statement_timeout=0.2)
    try:
        async with limited.engine.connect() as connection:
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(3)"))
        with pytest.raises(asyncpg.QueryCanceledError):
            await limited.fetch_text("SELECT pg_sleep(3)::text", [])
    finally:
        await limited.dispose()
