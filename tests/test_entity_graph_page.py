"""主体网图 over HTTP: the graph as tables under the drawing, the district's view of it, the cut
said in words, refusals beside the form, and no page for the signed-out."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from services.analysis import graph
from tests.conftest import Api, DemoCity
from tests.support.admin import sign_in, staff_password
from tests.support.graph import IDS, build_network

DATA = re.compile(r'<script[^>]* id="entity-graph-data"[^>]*>(.*?)</script>', re.S)


def _count(page: str, kind: str) -> int:
    found = re.search(rf'data-count="{kind}">(\d+)<', page)
    assert found, kind
    return int(found.group(1))


async def test_a_district_user_reads_the_graph_of_its_district(api: Api, city: DemoCity) -> None:
    network = await build_network(api, city)
    await sign_in(api.client, "scjg-210202", staff_password(city))
    response = await api.client.get("/admin/entity-graph", params={"uscc": network.codes["A"], "depth": 2})
    assert response.status_code == 200
    page = unescape(response.text)
    assert (_count(page, "entities"), _count(page, "persons"), _count(page, "edges")) == (3, 5, 7)
    for key in "ABD":
        assert network.names[key] in page
    for hidden in ("C", "G"):  # 西岗区's C, and G behind it
        assert network.names[hidden] not in page and network.codes[hidden] not in page
    assert "陈西岗" not in page and "已截断" not in page
    assert "50%" in page and "经理" in page and "经营异常名录" in page
    for number in IDS.values():
        assert number not in page
    drawing = json.loads(DATA.search(response.text).group(1))  # type: ignore[union-attr]
    assert drawing["centre"] == network.codes["A"]
    assert sorted(n["kind"] for n in drawing["nodes"]) == ["entity"] * 3 + ["person"] * 5
    b = next(n for n in drawing["nodes"] if n["id"] == network.codes["B"])
    assert (b["colour"], b["listed"]) == ("RED", ["经营异常名录"])
    assert b["href"].endswith(f"/admin/entity-graph?uscc={network.codes['B']}&depth=2")

    detail = await api.client.get("/admin/entity-graph/entity", params={"uscc": network.codes["B"]})
    assert detail.status_code == 303 and "/admin/market-entity/detail?pk=" in detail.headers["location"]
    entity_page = await api.client.get(detail.headers["location"])
    assert f"/admin/entity-graph?uscc={network.codes['B']}" in unescape(entity_page.text)


async def test_the_page_says_when_the_graph_was_cut(api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch) -> None:
    network = await build_network(api, city)
    monkeypatch.setattr(graph, "MAX_NODES", 4)
    await sign_in(api.client, "admin", city.report.logins[0].password)
    response = await api.client.get("/admin/entity-graph", params={"uscc": network.codes["A"], "depth": 3})
    page = unescape(response.text)
    assert "已截断：网图最多显示 4 个节点，另有至少 2 个已发现的节点未显示" in page
    assert (_count(page, "entities"), _count(page, "persons")) == (1, 3)


async def test_bad_input_is_refused_beside_the_form(api: Api, city: DemoCity) -> None:
    await sign_in(api.client, "scjg-210202", staff_password(city))
    deep = await api.client.get("/admin/entity-graph", params={"uscc": city.zhongshan[0], "depth": 9})
    assert deep.status_code == 400 and 'data-code="INVALID_DEPTH"' in deep.text and "层数应为 1 到 3" in deep.text
    other = await api.client.get("/admin/entity-graph", params={"uscc": city.xigang[0], "depth": 1})
    assert other.status_code == 400 and 'data-code="UNKNOWN_ENTITY"' in other.text
    empty = await api.client.get("/admin/entity-graph")
    assert empty.status_code == 200 and 'id="entity-graph-form"' in empty.text and "entity-graph-data" not in empty.text


async def test_no_graph_page_for_the_signed_out(api: Api, city: DemoCity) -> None:
    response = await api.client.get("/admin/entity-graph", params={"uscc": city.zhongshan[0]})
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["location"]
