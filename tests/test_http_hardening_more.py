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
from tests.support.server import serve

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


async def test_get_with_variables_null_is_answered(client: httpx.AsyncClient) -> None:
    answer = await client.get("/graphql", params={"query": "{ __typename }", "variables": "null"})
    assert answer.status_code == 200 and answer.json() == {"data": {"__typename": "Query"}}, answer.text
    refused = await client.get("/graphql", params={"query": "{ __typename }", "variables": "123"})
    _refused(refused)


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
    # The file first, so the body may be an upload's size and the field reaches the form parser's limit.
    files: dict[str, Any] = {"0": ("a.csv", b"a", "text/csv"), "operations": (None, operations), "map": (None, "{}")}
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


# 2. The upload's limits ----------------------------------------------------------------------


@pytest.fixture
async def small(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 2,000-byte body limit and 20,000 for uploads, and a 0.5 s time limit."""
    limited = dataclasses.replace(settings, max_body_bytes=2_000, max_upload_bytes=20_000, request_timeout=0.5)
    async with make_client(limited, db) as made:
        yield made


def _multipart(operations: dict[str, Any], file: bytes | None) -> dict[str, Any]:
    parts: dict[str, Any] = {"operations": (None, json.dumps(operations))}
    if file is None:
        parts["map"] = (None, "{}")
    else:
        parts["map"] = (None, json.dumps({"0": ["variables.file"]}))
        parts["0"] = ("rows.csv", file, "text/csv")
    return parts


async def test_only_a_signed_in_callers_file_gets_the_upload_limit(small: httpx.AsyncClient, city: DemoCity) -> None:
    token = _bearer(city.tokens["district"])
    with_file = {"query": "{ viewer { kind } }", "variables": {"file": None}}
    signed_in = await small.post("/graphql", files=_multipart(with_file, b"a" * 5_000), headers=token)
    assert signed_in.status_code == 200 and "errors" not in signed_in.json(), signed_in.text
    # The same file from nobody: held to the ordinary limit, and refused once past it.
    anonymous = await small.post("/graphql", files=_multipart(with_file, b"a" * 5_000))
    assert _refused(anonymous, 413)["extensions"]["limit"] == 2_000
    # A multipart body without a file: the ordinary limit too, whoever sends it.
    padded = {"query": "{ viewer { kind } }", "variables": {"padding": "x" * 5_000}}
    fileless = await small.post("/graphql", files=_multipart(padded, None), headers=token)
    assert _refused(fileless, 413)["extensions"]["limit"] == 2_000
    # A field named like a file's header is no file.
    disguised = await small.post(
        "/graphql", files={**_multipart(padded, None), "x": (None, 'filename="rows.csv"\r\n\r\n')}, headers=token
    )
    assert _refused(disguised, 413)["extensions"]["limit"] == 2_000


async def test_a_multipart_request_without_a_file_keeps_the_time_limit(
    small: httpx.AsyncClient, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "list_entities", _stalled)
    answer = await small.post(
        "/graphql", files=_multipart({"query": TOTAL}, None), headers=_bearer(city.tokens["district"])
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


# 13. The page size the cost rule counts -----------------------------------------------------


async def test_the_cost_rule_counts_a_page_as_the_served_settings_largest(
    settings: Settings, db: Database, city: DemoCity
) -> None:
    # Four pages of 100 heavy entities cost about 197,000 (over the limit), but where a page holds at
    # most 10 they cost a tenth: the caller is told to fix the page size, not the cost.
    heavy = (
        "entities(first: 100) { edges { node { uscc name persons { name role sharePercent } "
        "notices { status reason deadline department { name } } riskColour { colour reasons { rule description } } "
        "discipline { level asOf } licenses { edges { node { documentNumber } } } } } }"
    )
    query = "{ " + " ".join(f"p{n}: {heavy}" for n in range(4)) + " }"
    async with make_client(dataclasses.replace(settings, max_page_size=10), db) as narrow:
        for token in (city.tokens["district"], city.tokens["maintainer"]):
            answer = (await narrow.post("/graphql", json={"query": query}, headers=_bearer(token))).json()
            codes = {error["extensions"]["code"] for error in answer["errors"]}
            assert codes == {"PAGE_SIZE_EXCEEDED"}, answer["errors"][0]
            assert answer["errors"][0]["message"] == "first 最大为 10"
