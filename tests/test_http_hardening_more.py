"""More of the HTTP surface (review of issue 15): malformed bodies are 400s with a code, never a
500; a subscription over plain HTTP is refused clearly; a server-side failure keeps its 5xx under
application/graphql-response+json; the websocket refusal carries the security headers; an
upload's limits go only to a request that carries a file, from a caller who can import one."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest

from services.platform.db import Database
from services.platform.settings import Settings
from services.registry import registry
from tests.conftest import DemoCity, make_client
from tests.support.browser import serve

GRAPHQL_RESPONSE = "application/graphql-response+json"
TOTAL = "{ viewer { name } entities(first: 5) { totalCount } }"  # the ordinary path


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(settings, db) as made:
        yield made


def _refused(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["errors"][0]
    code = error["extensions"]["code"]
    assert code and code == code.upper(), error
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error  # words for people
    return error


# 6. Malformed bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"null", b"true", b"123", b'"x"', b"[]", b'{"query": "{ viewer { kind } }"}\xff'])
async def test_a_body_that_is_no_request_is_a_400_with_a_code(
    client: httpx.AsyncClient, city: DemoCity, body: bytes
) -> None:
    for headers in ({}, _bearer(city.tokens["district"])):  # strawberry's path and the compiled one
        sent = {"content-type": "application/json", **headers}
        _refused(await client.post("/graphql", content=body, headers=sent))


async def test_invalid_utf8_anywhere_in_the_body_is_a_400(client: httpx.AsyncClient, city: DemoCity) -> None:
    body = b'{"query": "{ viewer { kind } }", "variables": {"a": "\xff"}}'
    for headers in ({}, _bearer(city.tokens["district"])):
        _refused(await client.post("/graphql", content=body, headers={"content-type": "application/json", **headers}))


@pytest.mark.parametrize("name", [123, ["A"], "\ud800"])
async def test_an_operation_name_that_is_not_clean_text_is_a_400(
    client: httpx.AsyncClient, city: DemoCity, name: object
) -> None:
    body = json.dumps({"query": "query A { viewer { kind } }", "operationName": name}).encode()
    for headers in ({}, _bearer(city.tokens["district"])):
        _refused(await client.post("/graphql", content=body, headers={"content-type": "application/json", **headers}))


async def test_a_multipart_field_too_large_is_a_400_with_a_code(client: httpx.AsyncClient, city: DemoCity) -> None:
    operations = json.dumps({"query": "{ viewer { kind } }", "variables": {"x": "a" * (1 << 20)}})
    files: dict[str, Any] = {"operations": (None, operations), "map": (None, "{}"), "0": ("a.csv", b"a", "text/csv")}
    response = await client.post("/graphql", files=files, headers=_bearer(city.tokens["district"]))
    _refused(response)


@pytest.mark.parametrize(
    "path",
    ["/public/draws/99999999999999999999", "/public/draws/99999999999999999999.json",
     "/public/draws/99999999999999999999/candidates.txt", "/public/draws/2147483648",
     "/public/draws/2147483648.json", "/public/draws/2147483648/candidates.txt"],
)  # fmt: skip
async def test_a_public_draw_id_no_row_can_have_is_a_404(client: httpx.AsyncClient, city: DemoCity, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, response.text


# 9. Subscriptions over HTTP ----------------------------------------------------------------


async def test_a_subscription_over_http_is_refused_with_its_own_code(client: httpx.AsyncClient, city: DemoCity) -> None:
    query = "subscription { noticePushed { id } }"
    for headers in ({}, _bearer(city.tokens["district"])):
        # Not a GraphQL answer but a refused request: 400 in either media type, nothing ran.
        error = _refused(await client.post("/graphql", json={"query": query}, headers=headers))
        assert error["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET", error
        assert "WebSocket" in error["message"] and "订阅" in error["message"]
        strict = await client.post("/graphql", json={"query": query}, headers={"Accept": GRAPHQL_RESPONSE, **headers})
        assert _refused(strict)["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"
        got = await client.get("/graphql", params={"query": query}, headers=headers)
        assert _refused(got)["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"


# 10. Server-side failures under application/graphql-response+json ---------------------------


async def _lost(*args: Any, **kwargs: Any) -> None:
    raise ConnectionRefusedError("the database is gone")


async def _stalled(*args: Any, **kwargs: Any) -> None:
    await asyncio.sleep(30)


async def test_a_server_side_failure_keeps_its_5xx_under_graphql_response_json(
    settings: Settings, db: Database, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE, **_bearer(city.tokens["district"])}
    async with make_client(dataclasses.replace(settings, request_timeout=0.5), db) as impatient:
        monkeypatch.setattr(registry, "list_entities", _lost)
        lost = await impatient.post("/graphql", json={"query": TOTAL}, headers=headers)
        assert _refused(lost, 503)["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        monkeypatch.setattr(registry, "list_entities", _stalled)
        late = await impatient.post("/graphql", json={"query": TOTAL}, headers=headers)
        assert _refused(late, 504)["extensions"]["code"] == "REQUEST_TIMEOUT"
        legacy = await impatient.post("/graphql", json={"query": TOTAL}, headers=_bearer(city.tokens["district"]))
        assert legacy.status_code == 200 and legacy.json()["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


# 11. The websocket refusal -----------------------------------------------------------------


async def test_a_refused_websocket_upgrade_carries_the_security_headers(database_url: str, city: DemoCity) -> None:
    async for base in serve(database_url):
        async with aiohttp.ClientSession() as http:
            url = base.replace("http://", "ws://") + "/graphql"
            with pytest.raises(aiohttp.WSServerHandshakeError) as denied:
                await http.ws_connect(
                    url, protocols=("graphql-transport-ws",), headers={"Authorization": "Bearer jg_not-a-token"}
                )
        assert denied.value.status == 401
        headers: Any = denied.value.headers or {}
        assert headers.get("X-Frame-Options") == "DENY", headers
        assert headers.get("X-Content-Type-Options") == "nosniff"
        assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
