"""The HTTP surface as an attacker or a strict client meets it (issue 15): body size, the
GraphQL-over-HTTP media type and its status codes, several operations without a name, deep JSON,
production settings, security headers, the admin's bad ids and cookies."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from starlette_admin.contrib.sqla import ModelView

from admin_ui import build_admin
from services.platform.db import Database
from services.platform.settings import CHEAP_PASSWORD_HASHING, DEV_SECRET_KEY, Settings, load_settings
from tests.conftest import DemoCity, make_client
from tests.support.admin import sign_in
from tests.support.server import serve

GRAPHQL_RESPONSE = "application/graphql-response+json"
ENTITIES = "query Entities($first: Int!) { entities(first: $first) { edges { node { uscc } } } }"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(settings, db) as made:
        yield made


# 1. Body size ------------------------------------------------------------------------------


@pytest.fixture
async def small(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 2,000-byte body limit (and 20,000 for uploads)."""
    limited = dataclasses.replace(settings, max_body_bytes=2_000, max_upload_bytes=20_000)
    async with make_client(limited, db) as made:
        yield made


def _too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert "请求体过大" in error["message"]


async def test_a_body_beyond_the_limit_is_413_on_either_path(small: httpx.AsyncClient, city: DemoCity) -> None:
    padding = "x" * 5_000
    body = {"query": f"{{ viewer {{ kind }} }} # {padding}", "variables": {}}
    _too_large(await small.post("/graphql", json=body))  # anonymous: strawberry's path
    _too_large(await small.post("/graphql", json=body, headers=_bearer(city.tokens["district"])))  # compiled
    # Within the limit, the same request is answered.
    answered = await small.post("/graphql", json={"query": "{ __typename }"})
    assert answered.status_code == 200 and answered.json()["data"] == {"__typename": "Query"}


async def test_a_lying_or_missing_content_length_does_not_get_around_the_limit(
    small: httpx.AsyncClient, city: DemoCity
) -> None:
    chunk = b'{"query": "{ viewer { kind } }", "variables": {"pad": "' + b"x" * 900

    async def streamed() -> AsyncIterator[bytes]:
        yield chunk
        for _ in range(5):
            yield b"x" * 900
        yield b'"}}'

    for headers in ({"content-length": "100"}, {}):  # says 100 bytes; says nothing (chunked)
        for token in (None, city.tokens["district"]):
            sent = {"content-type": "application/json", **headers, **(_bearer(token) if token else {})}
            _too_large(await small.post("/graphql", content=streamed(), headers=sent))


async def test_uploads_have_their_own_larger_limit(small: httpx.AsyncClient, city: DemoCity) -> None:
    # A signed-in caller's file (an anonymous one gets no upload limit: test_http_hardening_more).
    token = _bearer(city.tokens["district"])
    files = {"file": ("rows.csv", b"a" * 5_000, "text/csv")}
    operations = json.dumps({"query": "{ viewer { kind } }", "variables": {}})
    form = {"operations": operations, "map": "{}"}
    answered = await small.post("/graphql", data=form, files=files, headers={"Apollo-Require-Preflight": "1", **token})
    assert answered.status_code != 413, answered.text
    _too_large(
        await small.post(
            "/graphql",
            data=form,
            files={"file": ("rows.csv", b"a" * 30_000, "text/csv")},
            headers={"X-A": "1", **token},
        )
    )


async def test_an_admin_form_beyond_the_limit_is_413(small: httpx.AsyncClient) -> None:
    _too_large(await small.post("/admin/login", data={"username": "admin", "password": "x" * 5_000}))
    files = {"file": ("rows.csv", b"a" * 30_000, "text/csv")}
    _too_large(await small.post("/admin/record-import", data={"csrftoken": "x"}, files=files))


def test_the_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert defaults.max_body_bytes == 1 << 20
    assert defaults.max_upload_bytes > 200 << 20  # a record import file of up to 200 MB fits
    monkeypatch.setenv("JIANGUAN_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("JIANGUAN_MAX_UPLOAD_BYTES", "8192")
    changed = load_settings()
    assert (changed.max_body_bytes, changed.max_upload_bytes) == (4096, 8192)
    monkeypatch.setenv("JIANGUAN_MAX_BODY_BYTES", "1MB")
    with pytest.raises(RuntimeError, match="JIANGUAN_MAX_BODY_BYTES 应为正整数"):
        load_settings()


# 2. application/graphql-response+json ------------------------------------------------------


async def _ask(client: httpx.AsyncClient, body: object, accept: str | None, token: str | None = None) -> httpx.Response:
    headers = {**({"Accept": accept} if accept else {}), **(_bearer(token) if token else {})}
    return await client.post("/graphql", json=body, headers=headers)


async def test_graphql_response_json_is_answered_with_the_specs_status_codes(
    client: httpx.AsyncClient, city: DemoCity
) -> None:
    token = city.tokens["district"]
    failures = {
        "GRAPHQL_PARSE_FAILED": {"query": "{"},
        "GRAPHQL_VALIDATION_FAILED": {"query": "{ noSuchField }"},
        "BAD_USER_INPUT": {"query": ENTITIES, "variables": {"first": "many"}},
    }
    for code, body in failures.items():
        for who in (None, token):
            response = await _ask(client, body, GRAPHQL_RESPONSE, who)
            assert response.status_code == 400, (code, response.text)
            assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
            answer = response.json()
            assert "data" not in answer, answer  # the request never ran
            assert answer["errors"][0]["extensions"]["code"] == code
            # application/json callers keep their 200 and data: null.
            legacy = await _ask(client, body, "application/json", who)
            assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
            assert legacy.json()["data"] is None and legacy.json()["errors"][0]["extensions"]["code"] == code


async def test_an_execution_result_is_200_on_both_paths_in_either_media_type(
    client: httpx.AsyncClient, city: DemoCity
) -> None:
    token = city.tokens["district"]
    body = {"query": ENTITIES, "variables": {"first": 2}}
    compiled = await _ask(client, body, f"{GRAPHQL_RESPONSE}, application/json;q=0.9", token)
    assert compiled.status_code == 200 and compiled.headers["x-jianguan-path"] == "compiled"
    assert compiled.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert len(compiled.json()["data"]["entities"]["edges"]) == 2
    executed = await _ask(client, {"query": "{ __typename }"}, GRAPHQL_RESPONSE)
    assert executed.status_code == 200 and executed.headers["x-jianguan-path"] == "executed"
    assert executed.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert executed.json() == {"data": {"__typename": "Query"}}
    # A field's error is part of an execution result: 200, data kept.
    refused = await _ask(client, {"query": '{ entity(uscc: "91210202MA0000000X") { name } }'}, GRAPHQL_RESPONSE)
    assert refused.status_code == 200 and "data" in refused.json()
    # No Accept, */* or application/json first: application/json as before.
    for accept in (None, "*/*", f"application/json, {GRAPHQL_RESPONSE}"):
        legacy = await _ask(client, body, accept, token)
        assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json", accept


async def test_a_refused_token_is_401_without_data(client: httpx.AsyncClient) -> None:
    response = await _ask(client, {"query": "{ viewer { kind } }"}, GRAPHQL_RESPONSE, "jg_not_a_token")
    assert response.status_code == 401 and response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json() and response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


# 3. Several operations ---------------------------------------------------------------------


async def test_several_operations_without_a_name_are_the_specs_error_on_both_paths(
    client: httpx.AsyncClient, city: DemoCity
) -> None:
    document = "query First { __typename } query Second { entities(first: 1) { edges { node { uscc } } } }"
    for token in (None, city.tokens["district"]):
        response = await _ask(client, {"query": document}, None, token)
        assert response.status_code == 200
        answer = response.json()
        assert answer["data"] is None, answer  # not the first operation's answer
        assert answer["errors"][0]["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
        assert "operationName" in answer["errors"][0]["message"]
        strict = await _ask(client, {"query": document}, GRAPHQL_RESPONSE, token)
        assert strict.status_code == 400 and "data" not in strict.json()
    named = await _ask(client, {"query": document, "operationName": "Second"}, None, city.tokens["district"])
    assert list(named.json()["data"]) == ["entities"]
    # One operation needs no name.
    single = await _ask(client, {"query": "query Only { __typename }"}, None)
    assert single.json() == {"data": {"__typename": "Query"}}


# 8. Deep JSON ------------------------------------------------------------------------------


async def test_json_nested_100000_deep_is_a_400_with_a_code_never_a_500(
    client: httpx.AsyncClient, city: DemoCity
) -> None:
    depth = 100_000
    variables = "[" * depth + "]" * depth
    raw = f'{{"query": "{{ viewer {{ kind }} }}", "variables": {variables}}}'
    for token in (None, city.tokens["district"]):
        headers = {"content-type": "application/json", **(_bearer(token) if token else {})}
        response = await client.post("/graphql", content=raw, headers=headers)
        assert response.status_code == 400, response.text[:300]
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "JSON_TOO_DEEP" and "嵌套过深" in error["message"]
    # In a GET's variables too (strawberry's own parsing); a URL holds a few thousand levels.
    nested = "[" * 5_000 + "]" * 5_000
    response = await client.get("/graphql", params={"query": "{ __typename }", "variables": nested})
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"


async def test_deep_json_past_the_compiled_paths_read_is_still_a_400(settings: Settings, db: Database) -> None:
    # Bodies beyond 1 MiB are left to strawberry whole (resolvers.compiled.asgi.MAX_BODY).
    roomy = dataclasses.replace(settings, max_body_bytes=4 << 20)
    depth = 600_000
    raw = '{"query": "{ __typename }", "variables": {"v": ' + "[" * depth + "]" * depth + "}}"
    async with make_client(roomy, db) as client:
        response = await client.post("/graphql", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"


async def test_a_deep_websocket_message_closes_the_socket_and_the_server_goes_on(database_url: str) -> None:
    depth = 100_000
    message = '{"type": "connection_init", "payload": ' + "[" * depth + "]" * depth + "}"
    async for base in serve(database_url):
        async with aiohttp.ClientSession() as http:
            url = base.replace("http://", "ws://") + "/graphql"
            async with http.ws_connect(url, protocols=("graphql-transport-ws",)) as ws:
                await ws.send_str(message)
                closed = await ws.receive(timeout=10)
                assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closed
                assert ws.close_code == 4400, ws.close_code
            async with http.get(base + "/healthz") as health:
                assert health.status == 200


# 5. Production settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "said"),
    [(None, "未设置"), (DEV_SECRET_KEY, "公开的开发用密钥"), ("k", "只有 1 个字符"), ("s" * 31, "只有 31 个字符")],
)
def test_production_refuses_to_start_with_a_weak_secret_key(
    monkeypatch: pytest.MonkeyPatch, secret: str | None, said: str
) -> None:
    monkeypatch.delenv(CHEAP_PASSWORD_HASHING)  # the suite's own, which production refuses
    monkeypatch.setenv("JIANGUAN_ENV", "production")
    if secret is None:
        monkeypatch.delenv("JIANGUAN_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("JIANGUAN_SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="JIANGUAN_SECRET_KEY") as refused:
        load_settings()
    assert said in str(refused.value)
    monkeypatch.setenv("JIANGUAN_SECRET_KEY", "s" * 32)
    assert load_settings().secret_key == "s" * 32


def test_production_turns_introspection_and_graphiql_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CHEAP_PASSWORD_HASHING)  # the suite's own, which production refuses
    monkeypatch.setenv("JIANGUAN_SECRET_KEY", "s" * 40)
    development = load_settings()
    assert development.introspection and development.graphiql
    monkeypatch.setenv("JIANGUAN_ENV", "production")
    production = load_settings()
    assert not production.introspection and not production.graphiql
    monkeypatch.setenv("JIANGUAN_INTROSPECTION", "1")
    monkeypatch.setenv("JIANGUAN_GRAPHIQL", "1")
    assert load_settings().introspection and load_settings().graphiql


@pytest.fixture
async def production(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    served = dataclasses.replace(settings, env="production", introspection=False, graphiql=False)
    async with make_client(served, db) as made:
        yield made


async def test_production_refuses_anonymous_introspection_and_graphiql(
    production: httpx.AsyncClient, city: DemoCity
) -> None:
    query = {"query": "{ __schema { queryType { name } } }"}
    anonymous = (await production.post("/graphql", json=query)).json()
    assert anonymous["data"] is None and anonymous["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    typed = await production.post("/graphql", json={"query": '{ __type(name: "Query") { name } }'})
    assert typed.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    # __typename is not introspection; a caller with a token may introspect (its tools need it).
    assert (await production.post("/graphql", json={"query": "{ __typename }"})).json() == {
        "data": {"__typename": "Query"}
    }
    with_token = await production.post("/graphql", json=query, headers=_bearer(city.tokens["district"]))
    assert with_token.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    page = await production.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "GraphiQL" not in page.text


async def test_development_serves_introspection_and_graphiql(client: httpx.AsyncClient) -> None:
    answer = (await client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})).json()
    assert answer["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "GraphiQL" in (await client.get("/graphql", headers={"Accept": "text/html"})).text


# 6. Security headers -----------------------------------------------------------------------


def _secured(response: httpx.Response, production: bool = False) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline' " not in policy.split("style-src-attr")[0]
    assert ("'nonce-" in policy) is response.headers.get("content-type", "").startswith("text/html")
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert ("strict-transport-security" in headers) is production


async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient, city: DemoCity) -> None:
    responses = [
        await client.post("/graphql", json={"query": "{ viewer { kind } }"}),
        await client.post(
            "/graphql", json={"query": ENTITIES, "variables": {"first": 1}}, headers=_bearer(city.tokens["district"])
        ),
        await client.post("/graphql", content=b"{", headers={"content-type": "application/json"}),  # 400
        await client.get("/graphql", headers={"Accept": "text/html"}),  # GraphiQL
        await client.get("/graphql/static/jianguan-page-1.js"),
        await client.get("/admin/login"),
        await client.get("/admin/no-such-page"),  # the admin's 404 page
        await client.get("/no-such-page"),
        await client.get("/healthz"),
        await client.get("/public/draws/1"),
    ]
    for response in responses:
        _secured(response)


async def test_html_pages_give_their_own_scripts_the_policys_nonce(client: httpx.AsyncClient) -> None:
    for path in ("/admin/login", "/graphql"):
        page = await client.get(path, headers={"Accept": "text/html"})
        nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
        assert nonce, page.headers["content-security-policy"]
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", page.text):
            assert f'nonce="{nonce.group(1)}"' in tag, tag
        # A fresh nonce on every page.
        again = await client.get(path, headers={"Accept": "text/html"})
        assert nonce.group(0) not in again.headers["content-security-policy"]
    graphiql = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    assert "<script>" not in graphiql.replace(" nonce=", "") and "<style" not in graphiql  # its own code is in files


async def test_production_adds_hsts(production: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/admin/login"):
        _secured(await production.get(path), production=True)
        assert "max-age=31536000" in (await production.get(path)).headers["strict-transport-security"]


# 7. Admin: bad ids, cookies ----------------------------------------------------------------

BAD_IDS = ("abc", "99999999999999999999999", "-1", "٣", "1.5")


async def test_a_bad_id_in_any_admin_page_is_the_chinese_404(
    client: httpx.AsyncClient, city: DemoCity, settings: Settings, db: Database
) -> None:
    await sign_in(client, "admin", city.report.logins[0].password)
    admin = build_admin(db, settings)
    keys = [view.key for view in admin._views if isinstance(view, ModelView)]
    assert "market-entity" in keys
    for key in keys:
        for page in ("detail", "edit"):
            for pk in BAD_IDS:
                response = await client.get(f"/admin/{key}/{page}", params={"pk": pk})
                assert response.status_code in (403, 404), (key, page, pk, response.status_code)
                assert "找不到" in response.text or "没有权限" in response.text, (key, page, pk)
    for path in ("/admin/inspection-tasks/", "/admin/my-inspection-tasks/", "/admin/spot-check-plans/"):
        response = await client.get(path + "99999999999999999999999")
        assert response.status_code == 404 and "找不到这条记录" in response.text, path
    detail = await client.get("/admin/market-entity/detail", params={"pk": "abc"})
    assert detail.status_code == 404 and "找不到这条记录" in detail.text


def _cookies(response: httpx.Response) -> dict[str, str]:
    found: dict[str, str] = {}
    for history in [*response.history, response]:
        for cookie in history.headers.get_list("set-cookie"):
            found[cookie.split("=")[0]] = cookie
    return found


async def test_admin_cookies_are_as_tight_as_the_pages_allow(
    client: httpx.AsyncClient, production: httpx.AsyncClient, city: DemoCity
) -> None:
    signed_in = await sign_in(client, "admin", city.report.logins[0].password)
    assert signed_in.status_code == 200
    login_page = await httpx.AsyncClient(transport=client._transport, base_url="http://testserver").get("/admin/login")
    cookies = {**_cookies(login_page), **_cookies(signed_in)}
    session, csrf = cookies["jianguan_admin"], cookies["starlette_admin_csrftoken"]
    assert "httponly" in session.lower() and "Path=/admin" in session and "SameSite=Lax" in session
    assert "Path=/admin" in csrf and "SameSite=Strict" in csrf
    assert "Secure" not in session  # development: plain http
    page = await production.get("/admin/login")
    assert "Secure" in _cookies(page)["starlette_admin_csrftoken"]
