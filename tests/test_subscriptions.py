"""noticePushed: a department's system follows its notices over graphql-transport-ws, against real
server processes (several of them on one PostgreSQL database: the several-workers case)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, text
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import NoticeStatus
from services.accounts.tokens import revoke_tokens
from services.notices import notice_events
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry import uscc
from tests.conftest import BACKEND, DemoCity
from tests.support.api import server_data
from tests.support.entities import new_code, registration
from tests.support.server import serve

PROTOCOL = "graphql-transport-ws"
FOLLOW = """
subscription($dept: String, $after: ID) {
  noticePushed(departmentCode: $dept, afterId: $after) {
    id status reason note entity { uscc name } matter { code } department { code }
  }
}
"""
REGISTER = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) { notices { id department { code } } errors { code } }
}
"""
FORWARD = """
mutation($id: ID!, $to: String!, $reason: String!) {
  forwardNotice(id: $id, toDepartmentCode: $to, reason: $reason) { notice { id } errors { code } }
}
"""
FOOD = "食品销售；餐饮服务；日用百货销售"
GIVE_UP = 60  # seconds: a notice that never comes fails the test instead of hanging it


class Follower:
    """One graphql-transport-ws connection with one subscription."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def subscribe(self, variables: dict[str, Any]) -> None:
        await self.ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": FOLLOW, "variables": variables}})

    async def message(self) -> dict[str, Any]:
        # Not receive_json(timeout=…): the server's keep-alive pings would restart that clock.
        async with asyncio.timeout(GIVE_UP):
            message: dict[str, Any] = await self.ws.receive_json()
        return message

    async def notice(self) -> dict[str, Any]:
        message = await self.message()
        assert message["type"] == "next" and "errors" not in message["payload"], message
        notice: dict[str, Any] = message["payload"]["data"]["noticePushed"]
        return notice

    async def notices(self, count: int) -> list[dict[str, Any]]:
        return [await self.notice() for _ in range(count)]


@asynccontextmanager
async def connected(
    base: str, token: str | None = None, header: str | None = None
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A websocket to /graphql after connection_init (token in the payload, or header on the upgrade)."""
    headers = {"Authorization": header} if header else {}
    async with aiohttp.ClientSession() as http:
        url = base.replace("http://", "ws://") + "/graphql"
        async with http.ws_connect(url, protocols=(PROTOCOL,), headers=headers) as ws:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await ws.send_json({"type": "connection_init", "payload": payload})
            yield ws


@asynccontextmanager
async def following(base: str, token: str, **variables: Any) -> AsyncIterator[Follower]:
    async with connected(base, token) as ws:
        assert (await ws.receive_json())["type"] == "connection_ack"
        follower = Follower(ws)
        await follower.subscribe(variables)
        yield follower


async def newest_notice_id(db: Database) -> str:
    """Subscribing with afterId = the newest notice makes a push right after subscribing impossible to miss."""
    async with db.session(Principal.system()) as session:
        return str(await session.scalar(select(func.max(col(Notice.id)))) or 0)


async def register(base: str, token: str, region: str = "210202", scope: str = FOOD) -> dict[str, Any]:
    body = "".join(secrets.choice(uscc.ALPHABET) for _ in range(8))  # a new entity each time
    data = registration(persons=[], uscc=new_code(region, body), regionCode=region, businessScope=scope)
    data["address"] = "辽宁省大连市某路 1 号"
    payload: dict[str, Any] = (await server_data(base, token, REGISTER, {"input": data}))["registerEntity"]
    assert payload["errors"] == [], payload
    payload["uscc"] = data["uscc"]
    return payload


def pushed_to(payload: dict[str, Any], department: str) -> set[str]:
    ids = {n["id"] for n in payload["notices"] if n["department"]["code"] == department}
    assert ids, f"the registration pushed nothing to {department}"
    return ids


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[str]:
    async for base in serve(database_url):
        yield base


async def test_a_department_hears_of_each_notice_pushed_to_it_and_nothing_else(
    server: str, city: DemoCity, db: Database
) -> None:
    after = await newest_notice_id(db)
    async with (
        following(server, city.tokens["district_health"], after=after) as health,
        following(server, city.tokens["other_district"], after=after) as xigang,
    ):
        zhongshan = await register(server, city.tokens["district"])
        heard = await health.notices(len(pushed_to(zhongshan, "WJ-210202")))
        assert {n["id"] for n in heard} == pushed_to(zhongshan, "WJ-210202") != set()
        assert {(n["entity"]["uscc"], n["department"]["code"], n["status"]) for n in heard} == {
            (zhongshan["uscc"], "WJ-210202", "PUSHED")
        }
        assert {n["matter"]["code"] for n in heard} == {"WS-CY"}
        # 西岗区's market regulator was told nothing of 中山区's entity: the first it hears of is its own.
        own = await register(server, city.tokens["other_district"], region="210203")
        first = await xigang.notice()
        assert first["entity"]["uscc"] == own["uscc"] and first["id"] in pushed_to(own, "SCJG-210203")


async def test_a_forwarded_notice_reaches_the_receiving_department(server: str, city: DemoCity, db: Database) -> None:
    pushed = await register(server, city.tokens["district"], scope="餐饮服务")
    (health_notice,) = pushed_to(pushed, "WJ-210202")
    async with following(server, city.tokens["city_health"], after=await newest_notice_id(db)) as city_health:
        variables = {"id": health_notice, "to": "WJ-210200", "reason": "应由市级承接"}
        forwarded = (await server_data(server, city.tokens["district_health"], FORWARD, variables))["forwardNotice"]
        assert forwarded["errors"] == []
        heard = await city_health.notice()
        assert heard["id"] == forwarded["notice"]["id"]
        assert (heard["reason"], heard["note"]) == ("FORWARDED", "应由市级承接")
        assert heard["department"]["code"] == "WJ-210200"


async def test_catching_up_after_a_given_notice(server: str, city: DemoCity, db: Database) -> None:
    after = await newest_notice_id(db)
    first = await register(server, city.tokens["district"])
    second = await register(server, city.tokens["district"])
    # Subscribing after both were pushed: the notices since `after` come first, oldest first.
    async with following(server, city.tokens["district"], after=after) as district:
        expected = sorted(pushed_to(first, "SCJG-210202") | pushed_to(second, "SCJG-210202"), key=int)
        heard = await district.notices(len(expected))
        assert [n["id"] for n in heard] == expected
        third = await register(server, city.tokens["district"])
        live = await district.notices(len(pushed_to(third, "SCJG-210202")))
        assert {n["id"] for n in live} == pushed_to(third, "SCJG-210202")


async def test_who_may_follow_what(server: str, city: DemoCity, db: Database) -> None:
    after = await newest_notice_id(db)
    async with (
        following(server, city.tokens["maintainer"], after=after) as everyone,
        following(server, city.tokens["maintainer"], after=after, dept="WJ-210202") as one,
        following(server, city.tokens["district"], dept="WJ-210202") as nosy,
        following(server, city.tokens["maintainer"], dept="NOPE-1") as unknown,
    ):
        assert _codes(await nosy.message()) == ["FORBIDDEN"]
        assert _codes(await unknown.message()) == ["UNKNOWN_DEPARTMENT"]
        pushed = await register(server, city.tokens["district"])
        heard = await everyone.notices(len(pushed["notices"]))
        assert {n["id"] for n in heard} == {n["id"] for n in pushed["notices"]}
        only = await one.notices(len(pushed_to(pushed, "WJ-210202")))
        assert {n["id"] for n in only} == pushed_to(pushed, "WJ-210202")


def _codes(message: dict[str, Any]) -> list[str]:
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return [e["extensions"]["code"] for e in errors]


async def test_an_unauthenticated_connection_is_refused(server: str, city: DemoCity) -> None:
    async with connected(server) as anonymous:
        closed = await anonymous.receive()
    assert closed.type is aiohttp.WSMsgType.CLOSE
    assert (closed.data, (closed.extra or "").split(":")[0]) == (4403, "UNAUTHENTICATED")
    async with connected(server, token="jg_not-a-token") as forged:
        closed = await forged.receive()
    assert (closed.data, (closed.extra or "").split(":")[0]) == (4403, "INVALID_TOKEN")
    # A bad token on the upgrade request gets the same 401 as over HTTP.
    with pytest.raises(aiohttp.WSServerHandshakeError) as denied:
        async with connected(server, header="Bearer jg_not-a-token"):
            pass
    assert denied.value.status == 401


async def test_the_upgrade_requests_authorization_header_will_do(server: str, city: DemoCity, db: Database) -> None:
    after = await newest_notice_id(db)
    async with connected(server, header=f"Bearer {city.tokens['district_health']}") as ws:
        assert (await ws.receive_json())["type"] == "connection_ack"
        health = Follower(ws)
        await health.subscribe({"after": after})
        pushed = await register(server, city.tokens["district"])
        heard = await health.notices(len(pushed_to(pushed, "WJ-210202")))
        assert {n["id"] for n in heard} == pushed_to(pushed, "WJ-210202")


async def test_a_revoked_token_hears_no_more(server: str, city: DemoCity, db: Database) -> None:
    async with following(server, city.tokens["district_health"], after=await newest_notice_id(db)) as health:
        async with db.session(Principal.system()) as session:
            token_id = await session.scalar(
                text("SELECT id FROM api_token WHERE name = :name"), {"name": "中山区卫生健康局"}
            )
        write = await db.write_session(Principal.system())
        await revoke_tokens(write, [int(token_id)])
        await write.commit()
        await write.close()
        await register(server, city.tokens["district"])
        assert _codes(await health.message()) == ["UNAUTHENTICATED"]


@pytest.mark.skipif(BACKEND != "postgres", reason="several processes share only a PostgreSQL database")
async def test_a_notice_pushed_through_another_worker_reaches_the_subscriber(
    database_url: str, city: DemoCity, db: Database
) -> None:
    after = await newest_notice_id(db)
    async for first in serve(database_url):
        async for second in serve(database_url):
            async with following(first, city.tokens["district_health"], after=after) as health:
                probe = await register(first, city.tokens["district"])
                await health.notices(len(pushed_to(probe, "WJ-210202")))
                # The subscription has read the database since the probe; what follows can only
                # reach it through PostgreSQL's NOTIFY, from the other process.
                pushed = await register(second, city.tokens["district"])
                heard = await health.notices(len(pushed_to(pushed, "WJ-210202")))
                assert {n["id"] for n in heard} == pushed_to(pushed, "WJ-210202")


@pytest.mark.skipif(BACKEND != "postgres", reason="the LISTEN connection exists on PostgreSQL only")
async def test_a_lost_listen_connection_is_reopened_and_nothing_is_missed(
    server: str, city: DemoCity, db: Database
) -> None:
    async with following(server, city.tokens["district_health"], after=await newest_notice_id(db)) as health:
        before = await register(server, city.tokens["district"])
        await health.notices(len(pushed_to(before, "WJ-210202")))  # the subscription is live
        async with db.session(Principal.system()) as session:
            killed = await session.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": notice_events.LISTENER_NAME},
            )
        assert killed == 1
        # Pushed while the server reconnects, or after: heard either way.
        pushed = await register(server, city.tokens["district"])
        heard = await health.notices(len(pushed_to(pushed, "WJ-210202")))
        assert {n["id"] for n in heard} == pushed_to(pushed, "WJ-210202")


async def test_a_rolled_back_push_tells_no_one(city: DemoCity, db: Database) -> None:
    async with db.session(Principal.system()) as session:
        health = await session.scalar(select(col(Department.id)).where(col(Department.code) == "WJ-210202"))
        told = select(Notice.id).where(col(Notice.entity_id) == MarketEntity.id, col(Notice.department_id) == health)
        entity_id = await session.scalar(select(col(MarketEntity.id)).where(~told.exists()).limit(1))
        matter_id = await session.scalar(select(col(SupervisionMatter.id)).limit(1))
    assert health is not None and entity_id is not None and matter_id is not None

    async def push(commit: bool) -> int:
        session = await db.write_session(Principal.system())
        notice = Notice(
            entity_id=entity_id,
            matter_id=matter_id,
            department_id=health,
            status=NoticeStatus.PUSHED,
            deadline=today(),
            reason="REGISTERED",
        )
        session.add(notice)
        await session.flush()
        assert notice.id is not None
        await (session.commit() if commit else session.rollback())
        await session.close()
        return notice.id

    try:
        async with notice_events.hub_for(db.url).subscribe(db) as queue:
            await push(commit=False)
            kept = await push(commit=True)
            # The first news is of the committed push: the rolled-back one was never told.
            assert await queue.get() == notice_events.Pushed(kept, health)
    finally:
        await notice_events.stop(db)
