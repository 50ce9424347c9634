"""Bearer tokens are looked up once a second per process, not on every request, and a token revoked
anywhere stops working within that second."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from sqlmodel import col, select

from models import ApiToken
from services.platform import clock
from services.platform.db import Database
from tests.conftest import ROOT, SECRET, Api, DemoCity
from tests.support.statements import sent

VIEWER = "{ viewer { name } }"
DISTRICT = "中山区市场监督管理局"

# Another worker process (or machine) revoking a token through the service: this process's cache
# hears nothing of it.
_REVOKE_ELSEWHERE = """
import asyncio, sys
from services.accounts.tokens import revoke_tokens
from services.platform.db import Database
from services.platform.principal import Principal

async def main() -> None:
    db = Database(sys.argv[1], sys.argv[2])
    async with await db.write_session(Principal.system()) as session:
        assert await revoke_tokens(session, [int(sys.argv[3])]) == 1
        await session.commit()
    await db.dispose()

asyncio.run(main())
"""


class Clock:
    """clock.seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(clock, "seconds", fake)
    return fake


def _lookups(statements: list[tuple[str, Any]]) -> list[str]:
    """The statements that read a token."""
    return [statement for statement, _ in statements if "api_token" in statement]


async def _token_id(db: Database, name: str) -> int:
    async with db.engine.connect() as connection:
        found = await connection.scalar(select(ApiToken.id).where(col(ApiToken.name) == name))
    assert isinstance(found, int)
    return found


async def test_a_token_seen_in_the_last_second_answers_without_a_database_lookup(
    api: Api, city: DemoCity, db: Database, moved_clock: Clock
) -> None:
    token = city.tokens["district"]
    with sent(db) as statements:
        assert (await api.data(VIEWER, token=token))["viewer"]["name"] == DISTRICT
    assert len(_lookups(statements)) == 1, statements
    moved_clock.now += 0.9
    with sent(db) as statements:
        assert (await api.data(VIEWER, token=token))["viewer"]["name"] == DISTRICT
    assert statements == []  # neither the token nor its department read again
    moved_clock.now += 0.2  # a second after the lookup: looked up afresh
    with sent(db) as statements:
        assert (await api.data(VIEWER, token=token))["viewer"]["name"] == DISTRICT
    assert len(_lookups(statements)) == 1


async def test_a_token_revoked_by_another_process_is_refused_within_a_second(
    api: Api, city: DemoCity, db: Database, database_url: str, moved_clock: Clock
) -> None:
    token = city.tokens["district"]
    assert (await api.data(VIEWER, token=token))["viewer"]["name"] == DISTRICT
    revoking = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", _REVOKE_ELSEWHERE, database_url, SECRET, str(await _token_id(db, DISTRICT))),
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(revoking.communicate(), 120)
    assert revoking.returncode == 0, stderr.decode()
    moved_clock.now += 0.5  # still within the second this process trusts what it looked up
    assert (await api.post(VIEWER, token=token)).status_code == 200
    moved_clock.now += 0.5
    refused = await api.post(VIEWER, token=token)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


async def test_an_unknown_token_is_looked_up_every_time_and_never_accepted(
    api: Api, city: DemoCity, db: Database, moved_clock: Clock
) -> None:
    wrong = city.tokens["district"][:-2] + "xx"
    for _ in range(2):
        with sent(db) as statements:
            assert (await api.post(VIEWER, token=wrong)).status_code == 401
        assert len(_lookups(statements)) == 1
    # The right token next to it is unaffected, and a wrong one after it still refused.
    assert (await api.post(VIEWER, token=city.tokens["district"])).status_code == 200
    assert (await api.post(VIEWER, token=wrong)).status_code == 401
