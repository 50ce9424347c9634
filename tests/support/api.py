"""Calling the GraphQL API as the tests do: a mutation's payload, a request to a running server, and the
statements a request costs."""

from __future__ import annotations

from typing import Any

import httpx

from services.platform.db import Database
from tests.conftest import Api
from tests.support.statements import sent


def error_codes(payload: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(error["field"], error["code"]) for error in payload["errors"]}


async def payload_of(api: Api, document: str, data: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a mutation taking `$i`, errors and all."""
    payload: dict[str, Any] = next(iter((await api.data(document, {"i": data}, token)).values()))
    return payload


async def ok(api: Api, document: str, data: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a mutation taking `$i`, which must have succeeded."""
    payload = await payload_of(api, document, data, token)
    assert payload["errors"] == [], payload["errors"]
    return payload


async def counted(api: Api, db: Database, token: str, document: str, first: int) -> tuple[int, Any]:
    """How many statements one request's reading costs, and its data: not SQLite's transaction
    control, nor the token's lookup (remembered for a second, so present or not by timing)."""
    with sent(db) as every:
        data = await api.data(document, {"first": first}, token)
    skipped = ("BEGIN", "BEGIN IMMEDIATE")
    return len([s for s, _ in every if s.strip().upper() not in skipped and "api_token" not in s]), data


async def server_data(base: str, token: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a GraphQL request to the server running at `base` (the browser and subscription tests)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        response = await client.post(
            "/graphql", json={"query": document, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
        )
    data: dict[str, Any] = response.json()["data"]
    return data
