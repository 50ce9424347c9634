"""The text rule for reads (issue 15): a query given a NUL, half a surrogate pair or another
refused character, as a variable or written in the document, is INVALID_TEXT, never an internal
error (PostgreSQL cannot take a NUL; UTF-8 cannot encode half a pair), on either read path."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLObjectType, get_named_type

from schema import schema as live_schema
from tests.conftest import Api, DemoCity


def _query() -> GraphQLObjectType:
    query = live_schema._schema.query_type
    assert query is not None
    return query


QUERY = _query()
REFUSED = ["a\u0000b", "\ud800", "a\u202eb", "\u0007"]


async def send(api: Api, document: str, variables: dict[str, Any] | None = None, token: str = "") -> httpx.Response:
    """As a client's JSON library writes it: half a surrogate pair escaped (\\ud800), as JSON allows."""
    body = json.dumps({"query": document, "variables": variables or {}})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return await api.client.post("/graphql", content=body, headers=headers)


def error_codes(body: dict[str, Any]) -> list[str]:
    return [str((error.get("extensions") or {}).get("code")) for error in body.get("errors") or []]


@dataclass(frozen=True)
class Place:
    """Where a read takes a String: `field(argument: $v)` or `field(argument: {key: $v})`."""

    field: str
    argument: str
    key: str | None

    def document(self) -> str:
        value = f"{{{self.key}: $v}}" if self.key else "$v"
        kind = "String" if self.key else str(QUERY.fields[self.field].args[self.argument].type)
        return f"query($v: {kind}) {{ {self.field}({self.argument}: {value}) {{ __typename }} }}"


def places() -> list[Place]:
    """Every String a root query field takes, directly or in its input object; a new one is
    covered by construction."""
    found = []
    for name, field in QUERY.fields.items():
        required = [a for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)]
        for argument, arg in field.args.items():
            if set(required) - {argument}:
                continue  # no read takes a second required argument beside a String today
            kind = get_named_type(arg.type)
            if kind.name == "String":
                found.append(Place(name, argument, None))
            elif isinstance(kind, GraphQLInputObjectType):
                found += [
                    Place(name, argument, key)
                    for key, f in kind.fields.items()
                    if get_named_type(f.type).name == "String"
                ]
    return found


def test_the_reads_that_take_text_are_found() -> None:
    found = {(p.field, p.argument, p.key) for p in places()}
    assert {("searchEntities", "text", None), ("entities", "filter", "text"), ("entity", "uscc", None)} <= found
    assert len(found) > 20


@pytest.mark.parametrize("value", REFUSED, ids=["nul", "surrogate", "rlo", "bell"])
async def test_every_string_a_read_takes_refuses_a_refused_character(
    api: Api, city: DemoCity, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    wrong = []
    for place in places():
        for token in (city.tokens["maintainer"], city.tokens["district"]):
            response = await send(api, place.document(), {"v": value}, token)
            body = response.json()
            if error_codes(body) != ["INVALID_TEXT"] or body.get("data"):
                wrong.append((place, response.status_code, body))
    assert wrong == []
    # Refused before any SQL: neither path logged a failure (the compiled path would log one).
    assert [r.getMessage() for r in caplog.records] == []


async def test_a_refused_character_written_in_the_document_is_refused_too(api: Api, city: DemoCity) -> None:
    body = (
        await api.post('{ searchEntities(text: "a\\u0000b") { totalCount } }', token=city.tokens["district"])
    ).json()
    assert error_codes(body) == ["INVALID_TEXT"] and "U+0000" in body["errors"][0]["message"]


async def test_a_nested_variable_is_named_in_the_refusal(api: Api, city: DemoCity) -> None:
    document = "query($f: EntityFilter) { entities(filter: $f) { totalCount } }"
    body = (await send(api, document, {"f": {"text": "\ud800"}}, city.tokens["district"])).json()
    assert error_codes(body) == ["INVALID_TEXT"]
    assert body["errors"][0]["extensions"]["field"] == "变量 $f.text"


async def test_search_text_with_line_breaks_or_ordinary_characters_still_runs(api: Api, city: DemoCity) -> None:
    document = "query($t: String!) { searchEntities(text: $t) { totalCount } }"
    for text in ("大连", "a\tb", "%_"):
        body = (await api.post(document, {"t": text}, city.tokens["district"])).json()
        assert "errors" not in body, body
