"""网图: the network around an entity, hop by hop, as far as the caller may see it; persons by name
and an opaque id only; cut at the node limit, and saying so; refusals before any slow query."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from sqlmodel import col, select

from models import EntityPerson
from services.analysis import graph
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from services.registry.persons import id_number_hash
from services.registry.uscc import compose
from tests.conftest import SECRET, Api, DemoCity, make_client
from tests.support.graph import GRAPH, IDS, Network, build_network, graph_of
from tests.support.statements import sent


def _entities(found: dict[str, Any], network: Network) -> dict[str, int]:
    """Entity key (A … G) → hops."""
    keys = {code: key for key, code in network.codes.items()}
    return {keys[n["uscc"]]: n["hops"] for n in found["nodes"] if n["__typename"] == "EntityGraphEntity"}


def _persons(found: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((n["name"], n["hops"]) for n in found["nodes"] if n["__typename"] == "EntityGraphPerson")


def _edges(found: dict[str, Any], network: Network) -> set[tuple[str, str, str, str | None, str | None]]:
    keys = {code: key for key, code in network.codes.items()}
    names = {n["id"]: n["name"] for n in found["nodes"]}
    return {(names[e["personId"]], keys[e["uscc"]], e["role"], e["sharePercent"], e["title"]) for e in found["edges"]}


async def test_a_city_department_sees_the_network_hop_by_hop(api: Api, city: DemoCity) -> None:
    network = await build_network(api, city)
    token = city.tokens["city_health"]
    one = await graph_of(api, token, network.codes["A"], 1)
    assert (one["uscc"], one["depth"], one["truncated"], one["omitted"]) == (network.codes["A"], 1, False, 0)
    assert one["nodes"][0]["uscc"] == network.codes["A"] and one["nodes"][0]["hops"] == 0
    assert _entities(one, network) == {"A": 0, "B": 1, "C": 1}
    assert _persons(one) == [("叶无证", 1), ("徐共同", 1), ("林安", 1)]
    assert _edges(one, network) == {
        ("林安", "A", "LEGAL_REPRESENTATIVE", None, None),
        ("徐共同", "A", "SHAREHOLDER", "50.0000", None),
        ("叶无证", "A", "SHAREHOLDER", "50.0000", None),
        ("徐共同", "B", "SHAREHOLDER", "30.0000", None),
        ("徐共同", "C", "SHAREHOLDER", "20.0000", None),
    }

    two = await graph_of(api, token, network.codes["A"], 2)
    assert _entities(two, network) == {"A": 0, "B": 1, "C": 1, "D": 2, "G": 2}
    # 叶无证 has no identity number: the one of B is another person, never linked to A.
    assert _persons(two) == [
        ("叶无证", 1),
        ("叶无证", 2),
        ("徐共同", 1),
        ("林安", 1),
        ("白立", 2),
        ("郑中转", 2),
        ("陈西岗", 2),
    ]
    assert len(two["edges"]) == 11
    assert ("白立", "D", "EXECUTIVE", None, "经理") in _edges(two, network)

    three = await graph_of(api, token, network.codes["A"], 3)
    assert _entities(three, network) == {"A": 0, "B": 1, "C": 1, "D": 2, "G": 2, "E": 3}  # F is a fourth hop
    assert [p for p in _persons(three) if p[1] == 3] == [("吴链", 3), ("葛远", 3)]
    assert (len(three["nodes"]), len(three["edges"])) == (15, 14)
    assert {("吴链", "D"), ("吴链", "E")} <= {(name, key) for name, key, *_ in _edges(three, network)}

    entities = {n["uscc"]: n for n in three["nodes"] if n["__typename"] == "EntityGraphEntity"}
    b, a = entities[network.codes["B"]], entities[network.codes["A"]]
    assert (b["riskColour"], [x["kind"] for x in b["listings"]]) == ("RED", ["ABNORMAL_OPERATION"])
    assert (a["riskColour"], a["listings"], a["regionCode"], a["status"]) == ("GREEN", [], "210202", "ACTIVE")
    assert entities[network.codes["C"]]["regionCode"] == "210203"


async def test_a_null_or_absent_depth_is_the_one_hop_graph(api: Api, city: DemoCity) -> None:
    network = await build_network(api, city)
    token, code = city.tokens["city_health"], network.codes["A"]
    one = await graph_of(api, token, code, 1)
    assert _entities(one, network) == {"A": 0, "B": 1, "C": 1}
    # A client that fills every variable sends null for a depth it leaves open: the default, not a refusal.
    assert await graph_of(api, token, code, None) == one
    literal = GRAPH.replace("query($u: String!, $d: Int)", "query($u: String!)").replace("depth: $d", "depth: null")
    assert (await api.data(literal, {"u": code}, token))["entityGraph"] == one
    absent = GRAPH.replace("query($u: String!, $d: Int)", "query($u: String!)").replace(", depth: $d", "")
    assert (await api.data(absent, {"u": code}, token))["entityGraph"] == one


async def test_a_district_department_neither_sees_nor_reaches_through_another_district(
    api: Api, city: DemoCity
) -> None:
    network = await build_network(api, city)
    token = city.tokens["district"]  # 中山区: C is 西岗区's, and G lies behind it
    one = await graph_of(api, token, network.codes["A"], 1)
    assert _entities(one, network) == {"A": 0, "B": 1}
    assert len(one["edges"]) == 4
    three = await graph_of(api, token, network.codes["A"], 3)
    assert _entities(three, network) == {"A": 0, "B": 1, "D": 2, "E": 3}
    assert "陈西岗" not in {name for name, _ in _persons(three)} and "郑中转" not in {n for n, _ in _persons(three)}
    assert (len(three["nodes"]), len(three["edges"]), three["truncated"]) == (10, 9, False)

    hidden = await api.gql(GRAPH, {"u": network.codes["C"], "d": 1}, token)
    assert [e["extensions"]["code"] for e in hidden["errors"]] == ["UNKNOWN_ENTITY"]
    # G is its own district's, but its only link to A runs through C.
    assert "G" not in _entities(await graph_of(api, token, network.codes["B"], 3), network)
    assert _entities(await graph_of(api, token, network.codes["G"], 3), network) == {"G": 0}


async def test_persons_carry_a_stable_opaque_id_and_never_an_identity_number(api: Api, city: DemoCity) -> None:
    network = await build_network(api, city)
    token = city.tokens["maintainer"]
    response = await api.post(GRAPH, {"u": network.codes["A"], "d": 3}, token)
    text = response.text
    for name, number in IDS.items():
        assert number not in text, name
        assert id_number_hash(SECRET, number) not in text, name
    found = response.json()["data"]["entityGraph"]
    ids = {n["name"]: n["id"] for n in found["nodes"] if n["__typename"] == "EntityGraphPerson" and n["hops"] == 1}
    assert all(value.startswith("P") and not value[1:].isdigit() for value in ids.values())
    assert len(set(ids.values())) == len(ids) == 3
    again = await graph_of(api, city.tokens["city"], network.codes["B"], 1)
    same = {n["name"]: n["id"] for n in again["nodes"] if n["__typename"] == "EntityGraphPerson"}
    assert same["徐共同"] == ids["徐共同"]  # the same person, seen from another entity by another caller
    assert same["叶无证"] != ids["叶无证"]  # same name, no identity number: another person


PERSONS = "query($u: String!) { entity(uscc: $u) { persons { personId name } } }"


async def test_an_entitys_persons_carry_the_graphs_person_ids_and_never_a_row_id(
    api: Api, city: DemoCity, db: Database, settings: Settings
) -> None:
    network = await build_network(api, city)
    token = city.tokens["city"]
    drawn = await graph_of(api, token, network.codes["A"], 1)
    nodes = {n["name"]: n["id"] for n in drawn["nodes"] if n["__typename"] == "EntityGraphPerson"}
    async with db.session(Principal.system("test")) as session:
        rows = await session.execute(select(col(EntityPerson.name), col(EntityPerson.person_id)))
        row_ids = {str(person_id) for _, person_id in rows.all()}
    # The compiled path (one SQL statement) and the ordinary one (strawberry) give the same ids.
    async with make_client(dataclasses.replace(settings, compiled_reads=False), db) as ordinary:
        for client in (api.client, ordinary):
            seen: dict[str, dict[str, str]] = {}
            for key in ("A", "B"):
                response = await client.post(
                    "/graphql",
                    json={"query": PERSONS, "variables": {"u": network.codes[key]}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.headers["x-jianguan-path"] == ("compiled" if client is api.client else "executed")
                persons = response.json()["data"]["entity"]["persons"]
                seen[key] = {p["name"]: p["personId"] for p in persons}
            assert seen["A"]["徐共同"] == seen["B"]["徐共同"] == nodes["徐共同"]
            assert seen["A"]["林安"] == nodes["林安"] and seen["A"]["叶无证"] == nodes["叶无证"]
            assert seen["A"]["叶无证"] != seen["B"]["叶无证"]  # same name, no identity number: another person
            assert not set(seen["A"].values()) & row_ids and not set(seen["B"].values()) & row_ids


async def test_the_node_limit_cuts_the_graph_and_says_so(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = await build_network(api, city)
    monkeypatch.setattr(graph, "MAX_NODES", 4)
    cut = await graph_of(api, city.tokens["city"], network.codes["A"], 3)
    assert (cut["truncated"], cut["omitted"], cut["nodeLimit"], len(cut["nodes"])) == (True, 2, 4, 4)
    assert _entities(cut, network) == {"A": 0}  # B and C were found, and left out
    assert len(cut["edges"]) == 3


async def test_each_hop_costs_two_statements_whatever_its_width(api: Api, city: DemoCity, db: Database) -> None:
    network = await build_network(api, city)
    with sent(db) as every:
        found = await graph_of(api, city.tokens["city"], network.codes["A"], 3)
    statements = [s for s, _ in every if s.lstrip().upper().startswith("SELECT") and "api_token" not in s]
    assert len(found["nodes"]) == 15
    # Two per hop (the persons of the entities reached last, the other entities of those persons), then the listings.
    assert len([s for s in statements if "entity_person" in s or "listing" in s]) == 1 + 2 * 3


@pytest.mark.parametrize(
    ("uscc", "depth", "code", "field"),
    [
        ("A", 0, "INVALID_DEPTH", "depth"),
        ("A", 4, "INVALID_DEPTH", "depth"),
        ("12345", 1, "INVALID_USCC", "uscc"),
        ("91210202MA0GRPH99X", 1, "INVALID_USCC", "uscc"),
        ("unknown", 1, "UNKNOWN_ENTITY", "uscc"),
    ],
)
async def test_bad_input_is_refused_with_a_code(
    api: Api, city: DemoCity, uscc: str, depth: int, code: str, field: str
) -> None:
    codes = {"A": city.zhongshan[0], "unknown": compose("9", "1", "210202", "MA0NWHRE")}
    body = await api.gql(GRAPH, {"u": codes.get(uscc, uscc), "d": depth}, city.tokens["city"])
    assert body["data"] is None
    assert [(e["extensions"]["code"], e["extensions"].get("field")) for e in body["errors"]] == [(code, field)]


async def test_the_public_may_not_read_the_graph(api: Api, city: DemoCity) -> None:
    body = await api.gql(GRAPH, {"u": city.zhongshan[0], "d": 1})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert json.dumps(body, ensure_ascii=False).count(city.zhongshan[0]) == 0
