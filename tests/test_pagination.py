"""entities: keyset-cursor Relay pages, filters, and the page-size cap."""

from __future__ import annotations

from typing import Any

import pytest

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import counted
from tests.support.records import LICENSE as RECORD_LICENSE
from tests.support.records import PENALTY as RECORD_PENALTY
from tests.support.records import license, penalty

PAGE = """
query($first: Int, $after: String, $filter: EntityFilter) {
  entities(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { uscc regionCode industryCode status entityType } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def _all_pages(api: Api, token: str, first: int, flt: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.data(PAGE, {"first": first, "after": after, "filter": flt}, token))["entities"]
        nodes += [edge["node"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]


async def test_walking_the_pages_yields_every_entity_once_in_uscc_order(api: Api, city: DemoCity) -> None:
    nodes = await _all_pages(api, city.tokens["maintainer"], first=37)
    codes = [node["uscc"] for node in nodes]
    assert len(codes) == 150 == len(set(codes))
    assert codes == sorted(codes)


async def test_filters_narrow_the_list_and_the_count(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    everything = await _all_pages(api, token, first=100)
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"regionCode": "210203"}, lambda n: n["regionCode"] == "210203"),
        ({"industryCode": "F"}, lambda n: n["industryCode"].startswith("F")),
        ({"industryCode": "h62"}, lambda n: n["industryCode"].startswith("H62")),
        ({"status": "DEREGISTERED"}, lambda n: n["status"] == "DEREGISTERED"),
        (
            {"entityType": "SOLE_TRADER", "regionCode": "210211"},
            lambda n: n["entityType"] == "SOLE_TRADER" and n["regionCode"] == "210211",
        ),
    ]
    for flt, keep in cases:
        expected = [n["uscc"] for n in everything if keep(n)]
        assert expected, f"the demo city should have entities for {flt}"
        got = await _all_pages(api, token, first=50, flt=flt)
        assert [n["uscc"] for n in got] == expected, flt
        total = (await api.data(PAGE, {"first": 1, "filter": flt}, token))["entities"]["totalCount"]
        assert total == len(expected)


async def test_text_search_matches_name_uscc_and_legal_representative(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    query = "query($u: String!) { entity(uscc: $u) { uscc name legalRepresentative } }"
    target = (await api.data(query, {"u": city.xigang[1]}, token))["entity"]
    search = "query($t: String!) { searchEntities(text: $t, first: 100) { edges { node { uscc } } } }"
    for text in (target["name"][2:8], target["uscc"][:12].lower(), target["legalRepresentative"]):
        found = (await api.data(search, {"t": text}, token))["searchEntities"]["edges"]
        assert target["uscc"] in [edge["node"]["uscc"] for edge in found], text
    none = (await api.data(search, {"t": "%"}, token))["searchEntities"]["edges"]
    assert none == [], "LIKE wildcards in user text are matched literally"


async def test_first_is_capped_at_100_and_a_bad_cursor_is_refused(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    body = await api.gql(PAGE, {"first": 101}, token)
    assert body["errors"][0]["extensions"] == {"code": "PAGE_SIZE_EXCEEDED", "field": "first"}
    assert body["errors"][0]["message"] == "first 最大为 100"
    body = await api.gql(PAGE, {"first": 0}, token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"
    body = await api.gql(PAGE, {"first": 5, "after": "not-a-cursor"}, token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


WITH_PERSONS = """
query($first: Int) {
  entities(first: $first) {
    edges { node { uscc name registrationAuthority { code region { name } } region { name }
                   persons { role name sharePercent } } }
  }
}
"""


async def _statements(api: Api, db: Database, token: str, first: int) -> tuple[int, int]:
    statements, data = await counted(api, db, token, WITH_PERSONS, first)
    edges = data["entities"]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["persons"] for edge in edges)
    return statements, sum(len(edge["node"]["persons"]) for edge in edges)


async def test_a_page_of_100_with_persons_costs_the_same_statements_as_a_page_of_10(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["maintainer"]
    small, small_persons = await _statements(api, db, token, 10)
    large, large_persons = await _statements(api, db, token, 100)
    assert large_persons > small_persons * 5
    assert large == small
    # page, authorities, the authorities' regions, the entities' regions, persons
    assert large <= 5


async def test_searching_for_nothing_is_refused(api: Api, city: DemoCity) -> None:
    body = await api.gql('{ searchEntities(text: "   ") { edges { node { uscc } } } }', token=city.tokens["district"])
    assert body["errors"][0]["extensions"] == {"code": "REQUIRED", "field": "text"}


WITH_RECORDS = """
query($first: Int) {
  entities(first: $first) {
    edges { node { uscc licenses { edges { node { documentNumber sourceDepartment { code } } } }
                   penalties { totalCount edges { node { documentNumber sourceDepartment { code } } } }
                   complaints { edges { node { reference } } } } }
  }
}
"""


async def test_a_page_of_100_with_records_costs_the_same_statements_as_a_page_of_10(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["maintainer"]
    first = (await api.data("{ entities(first: 1) { edges { node { uscc } } } }", token=token))["entities"]["edges"]
    uscc = first[0]["node"]["uscc"]
    # The demo city may already hold records of this entity (seed-demo adds some): count from them.
    before = (await api.data(WITH_RECORDS, {"first": 1}, token))["entities"]["edges"][0]["node"]
    recorded = {**license(uscc), "departmentCode": "WJ-210200"}
    for document, data in (
        (RECORD_LICENSE, recorded),
        (RECORD_PENALTY, {**penalty(uscc), "departmentCode": "SCJG-210200"}),
    ):
        assert next(iter((await api.data(document, {"i": data}, token)).values()))["errors"] == []
    counts = []
    for size in (10, 100):
        statements, data = await counted(api, db, token, WITH_RECORDS, size)
        node = data["entities"]["edges"][0]["node"]
        assert node["penalties"]["totalCount"] == before["penalties"]["totalCount"] + 1
        sources = {e["node"]["documentNumber"]: e["node"]["sourceDepartment"] for e in node["licenses"]["edges"]}
        assert len(sources) == len(before["licenses"]["edges"]) + 1
        assert sources[recorded["documentNumber"]] == {"code": "WJ-210200"}
        counts.append(statements)
    # page, licenses, penalties, complaints, and the source departments (in one or two batches,
    # as the loaders' batches happen to fall): never a statement per entity.
    assert max(counts) <= 6


WITH_COLOURS = """
query($first: Int) {
  entities(first: $first) {
    edges { node { uscc colour riskColour { colour reasons { rule evidence { reference } } }
                   colourHistory { newColour } } }
  }
}
"""


async def test_a_page_of_100_with_colours_costs_the_same_statements_as_a_page_of_10(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["maintainer"]
    counts = []
    for size in (10, 100):
        statements, data = await counted(api, db, token, WITH_COLOURS, size)
        nodes = [edge["node"] for edge in data["entities"]["edges"]]
        assert len(nodes) == size and all(node["colour"] == node["riskColour"]["colour"] for node in nodes)
        counts.append(statements)
    assert any(node["riskColour"]["reasons"] for node in nodes), "the page holds entities with warnings"
    # page, parameters, the rules' facts, at most one evidence query per kind of record
    # (penalties, complaints, listings, licenses: only kinds some rule on the page needs), history
    assert max(counts) <= 8, counts


@pytest.mark.parametrize("code", ["%", "_", "C%", "_1"])
async def test_an_industry_code_with_a_wildcard_character_matches_no_code(api: Api, city: DemoCity, code: str) -> None:
    found = await api.data(PAGE, {"first": 5, "filter": {"industryCode": code}}, city.tokens["maintainer"])
    assert found["entities"]["totalCount"] == 0
