"""Limits against abuse, and errors: a stable code and a Chinese message for each."""

from __future__ import annotations

import httpx
import pytest

from services.platform.db import Database
from services.platform.settings import Settings
from services.registry import registry
from tests.conftest import Api, DemoCity, make_client


async def test_a_too_deep_query_is_refused(api: Api, city: DemoCity) -> None:
    deep = "{ entities { edges { node { a { b { c { d { e { f { g { h { i { j } } } } } } } } } } } } }"
    body = await api.gql(deep, token=city.tokens["maintainer"])
    depth = [e for e in body["errors"] if e["extensions"]["code"] == "QUERY_TOO_DEEP"]
    assert depth and depth[0]["message"] == "查询嵌套过深：最多 10 层"


async def test_too_many_aliases_are_refused(api: Api, city: DemoCity) -> None:
    many = "{ " + " ".join(f"v{i}: viewer {{ name }}" for i in range(16)) + " }"
    body = await api.gql(many, token=city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert body["errors"][0]["message"] == "查询别名过多：最多 15 个"


async def test_a_too_large_query_is_refused(api: Api, city: DemoCity) -> None:
    huge = "{ viewer { " + " ".join(["name"] * 2100) + " } }"
    body = await api.gql(huge, token=city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert body["errors"][0]["message"].startswith("查询过大")


async def test_syntax_and_validation_errors_have_codes(api: Api, city: DemoCity) -> None:
    body = await api.gql("{ viewer { name ", token=city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert body["errors"][0]["message"].startswith("查询语法错误")
    body = await api.gql("{ viewer { nope } }", token=city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert body["errors"][0]["message"].startswith("查询无效") and "nope" in body["errors"][0]["message"]


async def test_responses_carry_chinese_as_utf8_not_escapes(api: Api, city: DemoCity) -> None:
    response = await api.post("{ viewer { name } }", token=city.tokens["maintainer"])
    assert "演示维护人员".encode() in response.content
    assert b"\\u" not in response.content


@pytest.fixture
def production(settings: Settings) -> Settings:
    return Settings(settings.database_url, settings.secret_key, env="production")


async def test_production_masks_unexpected_errors_but_keeps_rule_codes(
    production: Settings, db: Database, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection string postgres://secret@db")

    async with make_client(production, db) as client:
        api = Api(client)
        token = city.tokens["maintainer"]
        body = await api.gql('{ entity(uscc: "not-a-code") { name } }', token=token)
        assert body["errors"][0]["extensions"] == {"code": "INVALID_USCC", "field": "uscc"}
        monkeypatch.setattr(registry, "entity_code", broken)
        response = await api.post(f'{{ entity(uscc: "{city.zhongshan[0]}") {{ name }} }}', token=token)
        assert b"secret" not in response.content
        error = response.json()["errors"][0]
        assert error["message"] == "服务器内部错误，请稍后重试"
        assert error["extensions"]["code"] == "INTERNAL_ERROR"


async def test_development_shows_unexpected_errors_to_the_developer(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the real cause")

    monkeypatch.setattr(registry, "entity_code", broken)
    body = await api.gql(f'{{ entity(uscc: "{city.zhongshan[0]}") {{ name }} }}', token=city.tokens["maintainer"])
    assert body["errors"][0] == {
        **body["errors"][0],
        "message": "the real cause",
        "extensions": {"code": "INTERNAL_ERROR"},
    }


async def test_the_app_serves_graphiql_health_and_the_admin_login(api: Api) -> None:
    client: httpx.AsyncClient = api.client
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    health = await client.get("/healthz")
    assert health.json() == {"status": "ok", "database": "ok"}
    admin = await client.get("/admin/", follow_redirects=True)
    assert admin.status_code == 200 and "监管平台管理后台" in admin.text and "登录" in admin.text


async def test_graphiql_full_introspection_passes_the_limits(api: Api, city: DemoCity) -> None:
    from graphql import get_introspection_query

    body = await api.gql(get_introspection_query(descriptions=True), token=city.tokens["district"])
    assert "errors" not in body, body.get("errors")
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"MarketEntity", "Department", "UserError"} <= names


async def test_invalid_input_errors_do_not_echo_the_submitted_values(api: Api, city: DemoCity) -> None:
    from tests.support.entities import REGISTER, registration

    data = registration(legalRepresentativeIdNumber="210202198812120017")
    del data["name"]
    body = await api.gql(REGISTER, {"input": data}, city.tokens["district"])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "210202198812120017" not in str(body)
