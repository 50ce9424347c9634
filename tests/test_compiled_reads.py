"""The compiled read path answers covered reads with one SQL statement, exactly as the ordinary
path would; everything it does not cover, and every refusal, goes the ordinary way.

The suite's own `settings` fixture checks every compiled answer against the ordinary path's
(a difference is an HTTP 500), so each read of the whole suite is a differential test too."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from resolvers.compiled import CompiledReads
from services.platform.db import Database
from services.platform.paging import encode_cursor
from services.platform.principal import Principal, PrincipalKind
from services.platform.settings import Settings
from services.registry.search import SEARCH_CURSOR, spread
from tests.conftest import Api, DemoCity, make_client
from tests.support.selections import Facts, Generator

CALLERS = ["maintainer", "city", "city_health", "district", "district_health", "other_district"]
ENTITY = "query($u: String!) { entity(uscc: $u) { uscc name status regionCode establishedOn } }"
PAGE = "{ entities(first: 20) { edges { node { uscc name status regionCode establishedOn } } } }"
LICENSES = (
    "{ entities(first: 20) { edges { node { uscc licenses { edges { node "
    "{ licenseNumber certificateName validTo status } } } } } } }"
)


@pytest.fixture
async def executed(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The same app with the compiled path turned off: the ordinary path alone."""
    async with make_client(dataclasses.replace(settings, compiled_reads=False), db) as client:
        yield client


async def _both(
    api: Api, executed: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, token: str | None
) -> tuple[httpx.Response, httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables or {}}
    compiled = await api.client.post("/graphql", json=body, headers=headers)
    ordinary = await executed.post("/graphql", json=body, headers=headers)
    return compiled, ordinary


@pytest.mark.parametrize("query", [ENTITY, PAGE, LICENSES], ids=["entity", "page", "licenses"])
async def test_the_three_integrator_reads_are_compiled_and_answer_as_before(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, query: str
) -> None:
    variables = {"u": city.zhongshan[0]} if "$u" in query else None
    for role in CALLERS:
        compiled, ordinary = await _both(api, executed, query, variables, city.tokens[role])
        assert compiled.status_code == ordinary.status_code == 200, compiled.text
        assert compiled.headers["x-jianguan-path"] == "compiled"
        assert ordinary.headers["x-jianguan-path"] == "executed"
        assert compiled.json() == ordinary.json()
        assert "errors" not in compiled.json()


async def test_a_district_token_gets_null_for_another_districts_entity_on_the_compiled_path(
    api: Api, city: DemoCity
) -> None:
    response = await api.post(ENTITY, {"u": city.xigang[0]}, city.tokens["district"])
    assert response.headers["x-jianguan-path"] == "compiled"
    assert response.json() == {"data": {"entity": None}}
    own = await api.post(ENTITY, {"u": city.zhongshan[0].lower()}, city.tokens["district"])
    assert own.json()["data"]["entity"]["uscc"] == city.zhongshan[0]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ entities(first: 101) { totalCount } }", None, "PAGE_SIZE_EXCEEDED"),
        ("query($n: Int) { entities(first: $n) { totalCount } }", {"n": 0}, "INVALID_PAGE_SIZE"),
        ('{ entities(after: "bm90LWEtY3Vyc29y") { totalCount } }', None, "INVALID_CURSOR"),
        ("query($u: String!) { entity(uscc: $u) { uscc } }", {"u": "not a code"}, "INVALID_USCC"),
        ('{ searchEntities(text: "  ") { totalCount } }', None, "REQUIRED"),
        ("{ entities { edges { node { nosuchfield } } } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($u: String!) { entity(uscc: $u) { uscc } }", {"u": 5}, "BAD_USER_INPUT"),
        ("{ entities(first: 5) { edges { node { licenses(first: 0) { totalCount } } } } }", None, "INVALID_PAGE_SIZE"),
    ],
)
async def test_refusals_are_the_ordinary_paths_own(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    compiled, ordinary = await _both(api, executed, query, variables, city.tokens["district"])
    assert compiled.headers["x-jianguan-path"] == "executed"
    assert compiled.status_code == ordinary.status_code
    assert compiled.json() == ordinary.json()
    assert [error["extensions"]["code"] for error in compiled.json()["errors"]] == [code]


async def test_anonymous_callers_and_uncovered_fields_go_the_ordinary_way(api: Api, city: DemoCity) -> None:
    anonymous = await api.post(PAGE)
    assert anonymous.headers["x-jianguan-path"] == "executed"
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    uncovered = await api.post(
        "{ entities(first: 2) { edges { node { uscc discipline { level } } } } }", token=city.tokens["district"]
    )
    assert uncovered.headers["x-jianguan-path"] == "executed"
    assert "errors" not in uncovered.json()


async def _facts(api: Api, city: DemoCity) -> Facts:
    page = await api.data(
        "{ entities(first: 100) { edges { cursor node { uscc name regionCode } } } }", token=city.tokens["maintainer"]
    )
    edges = page["entities"]["edges"]
    return Facts(
        usccs=[edge["node"]["uscc"] for edge in edges[:40]] + city.xigang[:3] + ["91210200MA0000000X"],
        names=[edge["node"]["name"] for edge in edges],
        cursors=[edge["cursor"] for edge in edges[::7]],
        regions=sorted({edge["node"]["regionCode"] for edge in edges}),
        record_cursors={
            **{
                name: [encode_cursor(kind, str(number)) for number in range(1, 80, 3)]
                for name, kind in (("licenses", "license"), ("penalties", "penalty"), ("complaints", "complaint"))
            },
            # searchEntities' cursors hold a rank and its key (services.registry.search): the exact
            # name's USCC, or the entity's spread id where the text stands elsewhere.
            "searchEntities": [
                encode_cursor(SEARCH_CURSOR, f"[2,{spread(1 + 7 * n)}]" if n % 2 else f'[0,"{edge["node"]["uscc"]}"]')
                for n, edge in enumerate(edges[::7])
            ],
        },
    )


@pytest.mark.parametrize("role", [*CALLERS, "anonymous"])
async def test_generated_reads_answer_the_same_on_both_paths(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, role: str
) -> None:
    facts = await _facts(api, city)
    token = city.tokens.get(role)
    paths = []
    for seed in range(40):
        operation = Generator(seed * 31 + len(role), facts).operation()
        compiled, ordinary = await _both(api, executed, operation.query, operation.variables, token)
        assert compiled.status_code == 200, (operation, compiled.text)
        assert compiled.json() == ordinary.json(), operation
        # A box (its plan depends on its hits: registry.box_reads), a matter (an unknown one is
        # refused after a lookup: registry.checked_matter) and the ranked search
        # (services.registry.search) are answered the ordinary way, as is the public, refused.
        given = operation.query + json.dumps(operation.variables)
        ordinary_only = "searchEntities" in operation.query or "withinBox" in given or "matterCode" in given
        paths.append(
            compiled.headers["x-jianguan-path"] == ("executed" if ordinary_only or token is None else "compiled")
        )
        if token is not None:
            assert "errors" not in compiled.json(), (operation, compiled.json())
    # Every other generated read is one the compiled path covers.
    assert all(paths)


async def test_a_persisted_query_is_answered_by_its_hash_once_its_text_was_sent(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    digest = hashlib.sha256(PAGE.encode()).hexdigest()
    by_hash = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    headers = {"Authorization": f"Bearer {token}"}
    unknown = await api.client.post("/graphql", json=by_hash, headers=headers)
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    first = await api.client.post("/graphql", json={**by_hash, "query": PAGE}, headers=headers)
    again = await api.client.post("/graphql", json=by_hash, headers=headers)
    assert again.headers["x-jianguan-path"] == "compiled"
    assert again.json() == first.json()
    assert again.json()["data"]["entities"]["edges"]
    wrong = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}, "query": PAGE}
    mismatch = await api.client.post("/graphql", json=wrong, headers=headers)
    assert mismatch.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_a_persisted_query_the_compiled_path_does_not_cover_is_still_answered(api: Api, city: DemoCity) -> None:
    query = "{ viewer { department { code } } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    headers = {"Authorization": f"Bearer {city.tokens['district']}"}
    by_hash = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    await api.client.post("/graphql", json={**by_hash, "query": query}, headers=headers)
    answer = await api.client.post("/graphql", json=by_hash, headers=headers)
    assert answer.headers["x-jianguan-path"] == "executed"
    assert answer.json()["data"]["viewer"]["department"]["code"] == "SCJG-210202"


async def test_an_entitys_records_page_after_a_cursor_as_the_ordinary_path_does(
    api: Api, executed: httpx.AsyncClient, city: DemoCity
) -> None:
    token = city.tokens["maintainer"]
    found = await api.data("{ entities(first: 100) { edges { node { uscc licenses { totalCount } } } } }", token=token)
    uscc = max(found["entities"]["edges"], key=lambda edge: edge["node"]["licenses"]["totalCount"])["node"]["uscc"]
    query = (
        "query($u: String!, $after: String, $other: String) { entity(uscc: $u) { "
        "licenses(first: 1, after: $after) { totalCount edges { cursor node { documentNumber } } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } "
        "again: licenses(first: 5, after: $other) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } } } }"
    )
    seen, after = [], None
    while True:
        variables = {"u": uscc, "after": after, "other": after and encode_cursor("license", "999999")}
        compiled, ordinary = await _both(api, executed, query, variables, token)
        assert compiled.headers["x-jianguan-path"] == "compiled"
        assert compiled.json() == ordinary.json()
        page = compiled.json()["data"]["entity"]["licenses"]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [edge["node"]["documentNumber"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # One at a time, every licence once; a cursor of no licence of the entity gives an empty page.
    assert len(seen) == len(set(seen)) == page["totalCount"] >= 2
    assert compiled.json()["data"]["entity"]["again"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": True},
    }


@pytest.mark.parametrize(
    "text", ["O'Brien", "a\\b", "100%", "_", "大连' OR 1=1 --", "\\'", "％", "%' || '", "%(p0)s", "%(p7)s"], ids=repr
)
async def test_search_text_written_into_the_statement_means_the_same_on_both_paths(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, text: str
) -> None:
    query = "query($f: EntityFilter) { entities(filter: $f) { totalCount edges { node { uscc } } } }"
    variables = {"f": {"text": text, "industryCode": text}}
    compiled, ordinary = await _both(api, executed, query, variables, city.tokens["maintainer"])
    assert compiled.status_code == 200, compiled.text
    assert compiled.headers["x-jianguan-path"] == "compiled"
    assert compiled.json() == ordinary.json()
    assert compiled.json()["data"]["entities"]["totalCount"] == 0
    # searchEntities reads rank by rank (services.registry.search): the ordinary path answers it.
    search = "query($t: String!) { searchEntities(text: $t) { totalCount edges { node { uscc } } } }"
    compiled, ordinary = await _both(api, executed, search, {"t": text}, city.tokens["maintainer"])
    assert compiled.headers["x-jianguan-path"] == "executed"
    assert compiled.json() == ordinary.json() and "errors" not in compiled.json()


async def test_a_variable_inside_a_filter_object_gets_its_own_statement(
    api: Api, executed: httpx.AsyncClient, city: DemoCity
) -> None:
    selection = "{ totalCount edges { node { regionCode } } }"
    query = "query($r: String) { entities(first: 100, filter: {regionCode: $r}) " + selection + " }"
    for region in ("210202", "210203", "210202"):
        compiled, ordinary = await _both(api, executed, query, {"r": region}, city.tokens["maintainer"])
        assert compiled.headers["x-jianguan-path"] == "compiled"
        assert compiled.json() == ordinary.json()
        edges = compiled.json()["data"]["entities"]["edges"]
        assert edges and {edge["node"]["regionCode"] for edge in edges} == {region}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('query($a: Boolean = true) { e: entity(uscc: "91210202MA0QW3R87T") @include(if: $a) { name } }', {"a": None}),
        ('query($a: Boolean = true) { e: entity(uscc: "91210202MA0QW3R87T") @skip(if: $a) { name } }', {"a": None}),
        ('query($u: String = "91210202MA0QW3R87T") { entity(uscc: $u) { name } }', {"u": None}),
        ('query($t: String = "大连") { searchEntities(text: $t) { totalCount } }', {"t": None}),
        ('{ entities(first: 2) { edges { node { licenses(after: "bGljZW5zZTo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ") '
         "{ totalCount } } } } }", None),
    ],
)  # fmt: skip
async def test_nulls_where_none_may_be_and_ids_past_bigint_are_the_ordinary_paths_to_answer(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, query: str, variables: dict[str, Any] | None,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    compiled, ordinary = await _both(api, executed, query, variables, city.tokens["district"])
    assert compiled.headers["x-jianguan-path"] == "executed"
    assert (compiled.status_code, compiled.json()) == (ordinary.status_code, ordinary.json())
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_page_sizes_and_cursors_given_as_variables_share_one_plan(db: Database, city: DemoCity) -> None:
    reads = CompiledReads(db, 100)
    principal = Principal(kind=PrincipalKind.MAINTAINER, name="维护人员")
    query = "query($n: Int, $c: String) { entities(first: $n, after: $c) { edges { cursor node { uscc } } } }"
    first = json.loads(await reads.answer(principal, {"query": query, "variables": {"n": 3}}) or b"")
    after = first["data"]["entities"]["edges"][-1]["cursor"]
    for size in (1, 2, 5, 7):
        assert await reads.answer(principal, {"query": query, "variables": {"n": size, "c": after}})
    # One plan without a cursor, one with: not one per page size or cursor.
    assert len(reads._plans) == 2


async def test_the_compiled_path_takes_a_request_as_strawberry_does(
    api: Api, executed: httpx.AsyncClient, city: DemoCity
) -> None:
    headers = {"Authorization": f"Bearer {city.tokens['district']}"}
    body = json.dumps({"query": PAGE}).encode()
    for content_type in ("APPLICATION/JSON", "application/json; charset=utf-8"):
        sent = {**headers, "Content-Type": content_type}
        compiled = await api.client.post("/graphql", content=body, headers=sent)
        ordinary = await executed.post("/graphql", content=body, headers=sent)
        assert compiled.status_code == ordinary.status_code
        assert _body(compiled) == _body(ordinary)
    odd = {"query": PAGE, "extensions": "x"}
    compiled = await api.client.post("/graphql", json=odd, headers=headers)
    ordinary = await executed.post("/graphql", json=odd, headers=headers)
    assert (compiled.status_code, _body(compiled)) == (ordinary.status_code, _body(ordinary))
    assert compiled.headers["x-jianguan-path"] == "executed"


async def test_a_long_persisted_query_is_answered_but_not_kept(api: Api, city: DemoCity) -> None:
    query = "# " + "长" * 20_000 + "\n" + PAGE
    digest = hashlib.sha256(query.encode()).hexdigest()
    headers = {"Authorization": f"Bearer {city.tokens['district']}"}
    by_hash = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    answered = await api.client.post("/graphql", json={**by_hash, "query": query}, headers=headers)
    assert answered.json()["data"]["entities"]["edges"]
    again = await api.client.post("/graphql", json=by_hash, headers=headers)
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def _body(response: httpx.Response) -> Any:
    return response.json() if response.headers["content-type"].startswith("application/json") else response.text
