"""`entities(filter: {matterCode})`: the entities with a notice of a supervision matter, whichever
department holds it (the rule of the spot-check directories' matterCode), within the caller's
jurisdiction; an unknown code refused in words. On both read paths alike."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.draws import DISTRICT_HEALTH

MATTER = "SP-XS"  # 食品销售: the market regulators' notices, none of them the health bureau's
PAGE = """
query($f: EntityFilter, $after: String) {
  entities(first: 10, after: $after, filter: $f) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { uscc } }
  }
}
"""


@pytest.fixture
async def executed(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The same app with the compiled path turned off: the ordinary path alone."""
    async with make_client(dataclasses.replace(settings, compiled_reads=False), db) as client:
        yield client


async def _noticed(db: Database, region: str | None) -> tuple[set[str], set[str]]:
    """The entities with a notice of MATTER (of `region`, or the city's), and those among them
    whose every such notice is another department's than 中山区卫生健康局."""
    async with db.session(Principal.system()) as session:
        query = (
            select(col(MarketEntity.uscc), col(Department.code))
            .join(Notice, col(Notice.entity_id) == col(MarketEntity.id))
            .join(SupervisionMatter, col(SupervisionMatter.id) == col(Notice.matter_id))
            .join(Department, col(Department.id) == col(Notice.department_id))
            .where(col(SupervisionMatter.code) == MATTER)
        )
        if region is not None:
            query = query.where(col(MarketEntity.region_code) == region)
        rows = (await session.execute(query)).all()
    every = {uscc for uscc, _ in rows}
    held_by_the_bureau = {uscc for uscc, department in rows if department == DISTRICT_HEALTH}
    return every, every - held_by_the_bureau


async def _all_pages(client: httpx.AsyncClient, token: str, flt: dict[str, Any]) -> tuple[set[str], int, set[str]]:
    """Every entity the filter gives, page by page; its totalCount; and the read paths that answered."""
    headers = {"Authorization": f"Bearer {token}"}
    found: set[str] = set()
    paths: set[str] = set()
    after: str | None = None
    while True:
        response = await client.post(
            "/graphql", json={"query": PAGE, "variables": {"f": flt, "after": after}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        paths.add(response.headers["x-jianguan-path"])
        page = body["data"]["entities"]
        found |= {edge["node"]["uscc"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found, page["totalCount"], paths
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("role", "region"), [("district_health", "210202"), ("maintainer", None)])
async def test_a_matter_gives_exactly_the_entities_with_a_notice_of_it(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, db: Database, role: str, region: str | None
) -> None:
    expected, others_notices = await _noticed(db, region)
    # The health bureau holds no notice of 食品销售: every one it is to find is another department's.
    assert expected and others_notices == expected
    for client in (api.client, executed):
        found, total, _ = await _all_pages(client, city.tokens[role], {"matterCode": f" {MATTER} "})
        assert (found, total) == (expected, len(expected))
    # With the other filters, as they narrow any list.
    active, total, _ = await _all_pages(api.client, city.tokens[role], {"matterCode": MATTER, "status": "ACTIVE"})
    assert active <= expected and total == len(active)


async def test_a_matter_filter_goes_the_ordinary_way_and_answers_alike(
    api: Api, executed: httpx.AsyncClient, city: DemoCity
) -> None:
    token = city.tokens["district"]
    compiled = await _all_pages(api.client, token, {"matterCode": MATTER, "regionCode": "210202"})
    ordinary = await _all_pages(executed, token, {"matterCode": MATTER, "regionCode": "210202"})
    assert compiled[2] == ordinary[2] == {"executed"}
    assert compiled[:2] == ordinary[:2] and compiled[1] > 0


@pytest.mark.parametrize("given", ["NO-SUCH", "sp-xs"])
async def test_an_unknown_matter_is_refused_in_words_on_both_paths(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, given: str
) -> None:
    body = {"query": PAGE, "variables": {"f": {"matterCode": given}}}
    literal = {
        "query": PAGE.replace("$f: EntityFilter, ", "").replace("filter: $f", f'filter: {{matterCode: "{given}"}}'),
        "variables": {},
    }
    for client in (api.client, executed):
        for request in (body, literal):
            response = await client.post(
                "/graphql", json=request, headers={"Authorization": f"Bearer {city.tokens['district']}"}
            )
            answer = response.json()
            assert answer["data"] is None, answer
            assert answer["errors"][0]["extensions"] == {"code": "UNKNOWN_MATTER", "field": "filter.matterCode"}
            assert answer["errors"][0]["message"] == f"监管事项“{given}”不存在"
