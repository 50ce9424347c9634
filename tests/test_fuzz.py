"""Schemathesis against /graphql on a real server, as the public and as a maintainer: no generated
operation, valid or not, may make the server fail (5xx, a body that is not JSON, INTERNAL_ERROR)."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import DemoCity
from tests.support.fuzzing import hunt
from tests.support.server import serve


@pytest.mark.parametrize("caller", ["public", "maintainer"])
async def test_no_generated_operation_makes_the_server_fail(database_url: str, city: DemoCity, caller: str) -> None:
    token = city.tokens["maintainer"] if caller == "maintainer" else None
    async for base in serve(database_url):
        found = await asyncio.to_thread(hunt, base, token)
    # Every operation was tried, none skipped for want of a strategy for its arguments.
    assert found.tried == found.operations and len(found.operations) > 50, found.operations - found.tried
    unique = {(f.operation, tuple(f.codes)): f for f in found.findings}
    assert not unique, f"{len(found.findings)} of {found.sent} requests failed inside the server:\n\n" + "\n\n".join(
        str(f) for f in list(unique.values())[:10]
    )
