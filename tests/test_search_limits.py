"""Search text: bounded before any SQL, found as typed, never an internal error, never logged whole."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import sign_in

PAGE = "{ edges { node { uscc } } }"


async def test_a_sixty_thousand_character_search_is_refused_in_words(
    api: Api, city: DemoCity, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    query = f"query($t: String!) {{ searchEntities(text: $t) {PAGE} }}"
    body = await api.gql(query, {"t": "a" * 60_000}, city.tokens["maintainer"])
    assert body["errors"][0]["extensions"] == {"code": "SEARCH_TEXT_TOO_LONG", "field": "text"}
    assert body["errors"][0]["message"] == "检索词过长：最多 100 个字符"
    assert all(len(record.getMessage()) < 5_000 for record in caplog.records)


async def test_a_long_filter_text_or_industry_code_is_refused_in_words(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    for name, value in (("text", "大" * 17_000), ("industryCode", "H" * 5_000)):
        query = f"query($f: EntityFilter) {{ entities(filter: $f) {PAGE} }}"
        body = await api.gql(query, {"f": {name: value}}, token)
        assert body["errors"][0]["extensions"] == {"code": "SEARCH_TEXT_TOO_LONG", "field": f"filter.{name}"}
        assert body["errors"][0]["message"] == "检索词过长：最多 100 个字符"


async def test_a_search_of_the_longest_allowed_text_is_answered(api: Api, city: DemoCity) -> None:
    query = f"query($t: String!) {{ searchEntities(text: $t) {PAGE} }}"
    data = await api.data(query, {"t": "大" * 100}, city.tokens["maintainer"])
    assert data == {"searchEntities": {"edges": []}}


async def test_the_admin_search_box_refuses_a_long_term_and_finds_wildcards_as_typed(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    for key in ("market-entity", "audit-event", "user"):
        long = await client.get(f"/admin/{key}/list", params={"q": "a" * 60_000})
        assert long.status_code == 400 and "检索词过长：最多 100 个字符" in long.text, key
    # `%` and `_` are characters to find, not wildcards: `adm_n` is not `admin`, `%` is not everything.
    found = await client.get("/admin/_api/user/relation-lookup", params={"q": "admin"})
    assert found.json()["total"] >= 1
    for key, term in (("user", "adm_n"), ("user", "%"), ("audit-event", "%")):
        listed = await client.get(f"/admin/_api/{key}/relation-lookup", params={"q": term})
        assert listed.status_code == 200 and listed.json()["total"] == 0, (key, term, listed.text[:300])


async def test_a_failed_statement_names_the_statement_not_its_values(db: Database) -> None:
    session = db.session(Principal.system("test"))
    async with session:
        with pytest.raises(DBAPIError) as failed:
            await session.execute(text("SELECT nope FROM market_entity WHERE name = :v"), {"v": "大" * 100_000})
    assert "SELECT nope" in str(failed.value) and "大大大" not in str(failed.value)
    assert len(str(failed.value)) < 2_000


async def test_the_admin_text_filters_are_bounded_and_match_as_typed(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)

    async def users(rule: str) -> str:
        page = await client.get("/admin/user/list", params={"filter": rule, "page_size": 100})
        assert page.status_code == 200, page.text[:300]
        return page.text

    assert "scjg-210202" in await users('username__startswith="scjg-"')
    for rule in ('username__startswith="scjg_"', 'username__contains="%"', 'display_name__endswith="_"'):
        assert "scjg-210202" not in await users(rule), rule
    long = await client.get("/admin/user/list", params={"filter": f'username__contains="{"a" * 5000}"'})
    assert long.status_code == 400 and "检索词过长：最多 100 个字符" in long.text
