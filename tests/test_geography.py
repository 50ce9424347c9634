"""Geography: an entity's coordinates (registered, read back, refused when half or out of range),
`entities(filter: {withinBox})` on both read paths, the demo city's points inside their districts,
and the dashboard's district map over HTTP."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import func
from sqlmodel import col, select

from models import MarketEntity
from models.enums import RiskColour
from services.platform import migrate
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from services.registry import box_reads, outlines, registry
from tests.conftest import BACKEND, Api, DemoCity, make_client
from tests.support.admin import sign_in
from tests.support.entities import new_code, registration
from tests.support.statements import sent

REGISTER = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) { changed entity { uscc longitude latitude } errors { field code message } }
}
"""
READ = "query($u: String!) { entity(uscc: $u) { uscc longitude latitude } }"
IN_BOX = """
query($box: BoxInput!) {
  entities(first: 100, filter: {withinBox: $box}) { totalCount edges { node { uscc longitude latitude } } }
}
"""
# Far from the demo city (which has coordinates of its own): only what a test registers is here.
BOX = {"west": "100.000000", "south": "10.000000", "east": "100.100000", "north": "10.100000"}


@pytest.fixture
async def executed(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The same app with the compiled path turned off: the ordinary path alone."""
    async with make_client(dataclasses.replace(settings, compiled_reads=False), db) as client:
        yield client


async def _register(api: Api, token: str, body: str, **coordinates: Any) -> dict[str, Any]:
    given = registration(uscc=new_code(body=body), name=f"大连坐标测试{body}有限公司", **coordinates)
    payload: dict[str, Any] = (await api.data(REGISTER, {"input": given}, token))["registerEntity"]
    return payload


async def test_coordinates_are_registered_and_read_back(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    payload = await _register(api, token, "MA0GE001", longitude="121.6543214", latitude=38.912)
    assert payload["errors"] == []
    # Six places, as stored (about 0.1 m); a number is as good as a string.
    assert payload["entity"]["longitude"] == "121.654321" and payload["entity"]["latitude"] == "38.912000"
    code = payload["entity"]["uscc"]
    assert (await api.data(READ, {"u": code}, token))["entity"] == {
        "uscc": code,
        "longitude": "121.654321",
        "latitude": "38.912000",
    }
    # Sent again, to the same six places, nothing changes; a change registration that leaves them
    # out keeps them; one that gives them moves the entity.
    again = await _register(api, token, "MA0GE001", longitude="121.654321", latitude="38.912")
    assert again["errors"] == [] and again["changed"] is False
    kept = await _register(api, token, "MA0GE001")
    assert kept["entity"]["longitude"] == "121.654321" and kept["changed"] is False
    moved = await _register(api, token, "MA0GE001", longitude="121.7", latitude="38.9")
    assert (moved["entity"]["longitude"], moved["entity"]["latitude"]) == ("121.700000", "38.900000")


@pytest.mark.parametrize(
    "change",
    [
        {"address": "辽宁省大连市中山区解放路 9 号"},
        {"regionCode": "210203", "address": "辽宁省大连市西岗区长江路 1 号"},
        {"regionCode": "210203"},
    ],
    ids=["new-address", "moved-to-another-district", "new-region-same-words"],
)
async def test_a_change_registration_that_moves_the_address_without_coordinates_clears_the_old_point(
    api: Api, city: DemoCity, change: dict[str, str]
) -> None:
    token = city.tokens["city"]
    point = {"longitude": "100.050000", "latitude": "10.050000"}
    assert (await _register(api, token, "MA0GE020", **point))["errors"] == []
    # The same registration again, without coordinates: the address has not moved, the point stays.
    kept = await _register(api, token, "MA0GE020")
    assert (kept["entity"]["longitude"], kept["entity"]["latitude"]) == ("100.050000", "10.050000")
    assert kept["changed"] is False
    moved = await _register(api, token, "MA0GE020", **change)
    assert moved["errors"] == [] and moved["changed"] is True
    code = new_code(body="MA0GE020")
    # The old point would put it in the old district on the map and in the old place's box.
    assert (await api.data(READ, {"u": code}, token))["entity"] == {"uscc": code, "longitude": None, "latitude": None}
    boxed = (await api.data(IN_BOX, {"box": BOX}, token))["entities"]
    assert code not in {e["node"]["uscc"] for e in boxed["edges"]}


@pytest.mark.parametrize(
    ("coordinates", "expected"),
    [
        ({"longitude": "121.6"}, [("latitude", "COORDINATES_INCOMPLETE")]),
        ({"latitude": "38.9"}, [("longitude", "COORDINATES_INCOMPLETE")]),
        ({"longitude": "180.000001", "latitude": "38.9"}, [("longitude", "COORDINATE_OUT_OF_RANGE")]),
        ({"longitude": "-181", "latitude": "-90.5"},
         [("longitude", "COORDINATE_OUT_OF_RANGE"), ("latitude", "COORDINATE_OUT_OF_RANGE")]),
        ({"longitude": "NaN", "latitude": "38.9"}, [("longitude", "COORDINATE_OUT_OF_RANGE")]),
    ],
    ids=["no-latitude", "no-longitude", "east-of-180", "both-out", "not-a-number"],
)  # fmt: skip
async def test_half_a_point_or_one_off_the_globe_is_refused_and_nothing_is_stored(
    api: Api, city: DemoCity, coordinates: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    token = city.tokens["district"]
    payload = await _register(api, token, "MA0GE002", **coordinates)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == expected
    assert all(e["message"] for e in payload["errors"])
    assert payload["entity"] is None
    assert (await api.data(READ, {"u": new_code(body="MA0GE002")}, token))["entity"] is None


async def test_a_box_finds_exactly_the_entities_inside_it_edges_included(
    api: Api, executed: httpx.AsyncClient, city: DemoCity
) -> None:
    token = city.tokens["district"]
    points = {
        "MA0GE010": ("100.050000", "10.050000"),  # inside
        "MA0GE011": ("100.000000", "10.100000"),  # on the north-west corner: inside
        "MA0GE012": ("100.100000", "10.000000"),  # on the south-east corner: inside
        "MA0GE013": ("100.100001", "10.050000"),  # a tenth of a metre east: outside
        "MA0GE014": ("100.050000", "9.999999"),  # just south: outside
    }
    for body, (lon, lat) in points.items():
        assert (await _register(api, token, body, longitude=lon, latitude=lat))["errors"] == []
    assert (await _register(api, token, "MA0GE015"))["errors"] == []  # no coordinates: in no box
    inside = {new_code(body=b) for b in ("MA0GE010", "MA0GE011", "MA0GE012")}
    for variables in ({"box": BOX}, {"box": {"west": -180, "south": -90, "east": 180, "north": 90}}):
        request = {"query": IN_BOX, "variables": variables}
        headers = {"Authorization": f"Bearer {token}"}
        compiled = await api.client.post("/graphql", json=request, headers=headers)
        ordinary = await executed.post("/graphql", json=request, headers=headers)
        # A box's plan depends on its hits (registry.box_reads): the service answers on both.
        assert compiled.headers["x-jianguan-path"] == ordinary.headers["x-jianguan-path"] == "executed"
        assert compiled.json() == ordinary.json()
        found = {e["node"]["uscc"] for e in compiled.json()["data"]["entities"]["edges"]}
        if variables["box"] is BOX:
            assert found == inside
            assert compiled.json()["data"]["entities"]["totalCount"] == 3
        else:
            # The whole globe: every entity of the district that has coordinates, never one without.
            assert inside <= found and new_code(body="MA0GE015") not in found
            assert not {new_code(body="MA0GE013"), new_code(body="MA0GE014")} - found
            assert all(e["node"]["longitude"] is not None for e in compiled.json()["data"]["entities"]["edges"])


@pytest.mark.parametrize(
    ("box", "field", "code"),
    [
        ({"west": "100.1", "south": "10", "east": "100", "north": "10.1"}, "filter.withinBox", "BOX_CORNERS_SWAPPED"),
        ({"west": "100", "south": "10.1", "east": "100.1", "north": "10"}, "filter.withinBox", "BOX_CORNERS_SWAPPED"),
        ({"west": "100", "south": "10", "east": "100", "north": "10.1"}, "filter.withinBox", "BOX_CORNERS_SWAPPED"),
        ({"west": "-200", "south": "10", "east": "100", "north": "10.1"}, "filter.withinBox.west",
         "COORDINATE_OUT_OF_RANGE"),
        ({"west": "100", "south": "10", "east": "100.1", "north": "1e400"}, "filter.withinBox.north",
         "COORDINATE_OUT_OF_RANGE"),
    ],
    ids=["west-east-swapped", "south-north-swapped", "no-width", "west-off-the-globe", "north-huge"],
)  # fmt: skip
async def test_a_box_with_its_corners_swapped_is_refused_in_words_on_both_paths(
    api: Api, executed: httpx.AsyncClient, city: DemoCity, box: dict[str, str], field: str, code: str
) -> None:
    body = {"query": IN_BOX, "variables": {"box": box}}
    headers = {"Authorization": f"Bearer {city.tokens['maintainer']}"}
    for client in (api.client, executed):
        answer = (await client.post("/graphql", json=body, headers=headers)).json()
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"] == {"code": code, "field": field}
        assert answer["errors"][0]["message"].startswith(("范围的西边", "西边", "北边"))


async def test_every_demo_entity_lies_inside_its_districts_outline(db: Database, city: DemoCity) -> None:
    async with db.session(Principal.system()) as session:
        rows = (
            await session.execute(
                select(col(MarketEntity.region_code), col(MarketEntity.longitude), col(MarketEntity.latitude))
            )
        ).all()
    drawn = outlines.load()
    assert rows and {region for region, _, _ in rows} <= set(drawn)
    for region, lon, lat in rows:
        assert lon is not None and lat is not None
        assert drawn[region].contains(float(lon), float(lat)), (region, lon, lat)
        assert [o.code for o in drawn.values() if o.contains(float(lon), float(lat))] == [region]


def _map_links(page: str) -> dict[str, dict[str, str]]:
    """The whole map's district links: region code → href, total and alerted, as the SVG gives them."""
    whole = page.split('<g class="district-map-whole">', 1)[1].split('<g class="district-map-inset">', 1)[0]
    found = {}
    for match in re.finditer(
        r'<a href="([^"]+)" data-region="(\d{6})" data-total="(\d+)" data-alerted="(\d+)"><title>([^<]+)</title>'
        r'<path class="district shade-(\d)" d="M[^"]+"/></a>',
        whole,
    ):
        href, code, total, alerted, title, _ = match.groups()
        found[code] = {"href": href.replace("&amp;", "&"), "total": total, "alerted": alerted, "title": title}
    return found


async def _counts(db: Database) -> dict[str, Counter[RiskColour]]:
    async with db.session(Principal.system()) as session:
        rows = (await session.execute(select(col(MarketEntity.region_code), col(MarketEntity.risk_colour)))).all()
    counted: dict[str, Counter[RiskColour]] = {}
    for region, colour in rows:
        counted.setdefault(region, Counter())[colour] += 1
    return counted


async def test_the_dashboard_map_has_one_link_per_district_with_its_counts(
    api: Api, city: DemoCity, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get("/admin/")).text
    links = _map_links(page)
    counted = await _counts(db)
    assert set(links) == set(outlines.load()) == set(counted)
    for code, link in links.items():
        colours = counted[code]
        assert int(link["total"]) == sum(colours.values())
        assert int(link["alerted"]) == colours[RiskColour.RED] + colours[RiskColour.BLACK]
        assert f"共 {sum(colours.values())} 户" in link["title"]
        assert f"红色 {colours[RiskColour.RED]}" in link["title"]
        assert f"黑色 {colours[RiskColour.BLACK]}" in link["title"]
        assert link["href"] == f"/admin/market-entity/list?filter=region_code__eq%3D{code}"
    # The link opens the registry filtered to that district, with its count.
    code = "210203"
    listed = await client.get(links[code]["href"])
    assert f'共 <strong id="registry-total">{links[code]["total"]}</strong> 户' in listed.text
    # The same numbers in the accessible table.
    row = re.search(r'<tr data-region="210202">(.*?)</tr>', page, re.S)
    assert row and f'<td class="text-end fw-bold">{links["210202"]["total"]}</td>' in row.group(1)


async def test_a_district_user_sees_only_its_district_on_the_map(api: Api, city: DemoCity, db: Database) -> None:
    client = api.client
    login = next(login for login in city.report.logins if login.username == "scjg-210202")
    await sign_in(client, login.username, login.password)
    page = (await client.get("/admin/")).text
    links = _map_links(page)
    assert set(links) == {"210202"}
    assert int(links["210202"]["total"]) == sum((await _counts(db))["210202"].values())
    # The other districts are drawn as the city's grey outline: unnamed, leading nowhere.
    whole = page.split('<g class="district-map-whole">', 1)[1].split('<g class="district-map-inset">', 1)[0]
    assert whole.count('<path class="district shade-none"') == len(outlines.load()) - 1
    assert "西岗区" not in page and 'data-region="210203"' not in page


async def _walk(db: Database, flt: registry.EntityFilter, size: int) -> list[str]:
    """Every page of the box, following the cursors: the USCCs in the order the pages give them."""
    found: list[str] = []
    after = None
    while True:
        async with db.session(Principal.system()) as session:
            page = await registry.list_entities(session, flt, size, after)
        found += [entity.uscc for entity in page.items]
        if not page.has_next_page:
            return found
        after = page.cursors[-1]


async def test_a_box_holding_many_entities_is_read_in_uscc_order_without_sorting_all_its_hits(
    db: Database, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = registry.Box(*(Decimal(v) for v in ("-180", "-90", "180", "90")))
    flt = registry.EntityFilter(within_box=whole)
    few = await _walk(db, flt, 7)  # 150 hits, fewer than DENSE: the box's index, then sorted
    monkeypatch.setattr(box_reads, "DENSE", 10)
    with sent(db) as every:
        many = await _walk(db, flt, 7)  # as many hits as DENSE or more: the USCC order, each row tested
    statements = [(s, p) for s, p in every if "ORDER BY" in s and "market_entity.longitude" in s]
    # The same entities, each once, in USCC order, whichever way the pages were read.
    assert many == few == sorted(set(few)) and len(few) > box_reads.DENSE
    assert statements
    statement, parameters = statements[0]
    explain = "EXPLAIN QUERY PLAN " if BACKEND == "sqlite" else "EXPLAIN "
    async with db.engine.connect() as connection:
        plan = " ".join(str(row) for row in (await connection.exec_driver_sql(explain + statement, parameters)).all())
    # A page of a zoomed-out map never reads the box's index nor sorts its hits: it walks the
    # USCC order and stops after a page.
    assert "ix_market_entity_longitude_latitude" not in plan
    if BACKEND == "sqlite":
        # PostgreSQL sorts a table this small in memory itself; at 1,000,000 entities it walks
        # the USCC index too (bench/geography.py).
        assert "TEMP B-TREE" not in plan


# -- the spatial index (migration 0021): kept right by every write, exact to the sixth place ------

PAGES = """
query($box: BoxInput!, $after: String) {
  entities(first: 2, after: $after, filter: {withinBox: $box}) {
    totalCount edges { cursor node { uscc } } pageInfo { hasNextPage }
  }
}
"""


async def _boxed(api: Api, token: str, box: dict[str, Any]) -> tuple[list[str], int]:
    """Every page of 2 of the box through the API, following the cursors; and its totalCount."""
    found: list[str] = []
    after = None
    while True:
        page = (await api.data(PAGES, {"box": box, "after": after}, token))["entities"]
        found += [edge["node"]["uscc"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found, page["totalCount"]
        after = page["edges"][-1]["cursor"]


@pytest.mark.parametrize("crowded", [False, True], ids=["read-by-the-index", "crowded-each-row-tested"])
async def test_a_thin_band_finds_exactly_its_entities_page_after_page(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch, crowded: bool
) -> None:
    # Three degrees wide, two millionths of a degree tall (about 20 cm): a band across a city.
    band = {"west": "100.000000", "south": "10.000000", "east": "103.000000", "north": "10.000002"}
    points = {
        "MA0GB001": ("100.000000", "10.000000"),  # the south-west corner
        "MA0GB002": ("103.000000", "10.000002"),  # the north-east corner
        "MA0GB003": ("101.234567", "10.000001"),
        "MA0GB004": ("102.999999", "10.000000"),
        "MA0GB005": ("100.654321", "10.000002"),
        "MA0GB006": ("101.500000", "10.000001"),
        "MA0GB007": ("101.500001", "10.000001"),
        # A millionth of a degree outside each edge: a single-precision index would take them in.
        "MA0GB010": ("101.500000", "10.000003"),
        "MA0GB011": ("101.500000", "9.999999"),
        "MA0GB012": ("103.000001", "10.000001"),
        "MA0GB013": ("99.999999", "10.000001"),
    }
    token = city.tokens["district"]
    for body, (lon, lat) in points.items():
        assert (await _register(api, token, body, longitude=lon, latitude=lat))["errors"] == []
    assert (await _register(api, token, "MA0GB014"))["errors"] == []  # no point: in no box
    if crowded:
        monkeypatch.setattr(box_reads, "DENSE", 3)
    inside = sorted(new_code(body=body) for body in points if body < "MA0GB010")
    found, total = await _boxed(api, token, band)
    assert found == inside and total == len(inside)


async def test_a_moved_point_is_found_in_its_new_box_and_no_longer_in_its_old_one(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    elsewhere = {"west": "101.000000", "south": "11.000000", "east": "101.100000", "north": "11.100000"}
    assert (await _register(api, token, "MA0GE030", longitude="100.050000", latitude="10.050000"))["errors"] == []
    code = new_code(body="MA0GE030")
    assert (await _boxed(api, token, BOX))[0] == [code] and (await _boxed(api, token, elsewhere))[0] == []
    moved = await _register(api, token, "MA0GE030", longitude="101.050000", latitude="11.050000")
    assert moved["errors"] == [] and moved["changed"] is True
    assert (await _boxed(api, token, BOX)) == ([], 0)
    assert (await _boxed(api, token, elsewhere)) == ([code], 1)


@pytest.mark.parametrize("crowded", [False, True], ids=["read-by-the-index", "crowded-each-row-tested"])
async def test_a_district_desk_finds_only_its_districts_entities_in_a_box(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch, crowded: bool
) -> None:
    own = {new_code(body=f"MA0GD00{n}") for n in range(3)}
    other = {new_code(region="210203", body=f"MA0GD01{n}") for n in range(3)}
    for n, code in enumerate(sorted(own | other)):
        region = code[2:8]
        given = registration(
            uscc=code, name=f"大连范围测试{n}有限公司", regionCode=region, longitude=f"100.0{n}", latitude="10.05"
        )
        assert (await api.data(REGISTER, {"input": given}, city.tokens["city"]))["registerEntity"]["errors"] == []
    if crowded:
        monkeypatch.setattr(box_reads, "DENSE", 2)
    assert await _boxed(api, city.tokens["district"], BOX) == (sorted(own), len(own))
    assert await _boxed(api, city.tokens["city"], BOX) == (sorted(own | other), len(own | other))


async def test_a_removed_entity_leaves_no_point_behind_for_the_next_one(db: Database, city: DemoCity) -> None:
    # No service removes an entity; the table's own DELETE must still take its point away, or the
    # next entity given its id (SQLite reuses the highest rowid) would inherit the point.
    whole = registry.Box(*(Decimal(v) for v in ("-180", "-90", "180", "90")))
    far = registry.Box(*(Decimal(v) for v in ("100", "10", "100.1", "10.1")))
    async with db.session(Principal.system()) as session:
        template = await session.scalar(select(MarketEntity).limit(1))
        assert template is not None
        kept = ("entity_type", "established_on", "status", "industry_code", "registration_authority_id")
        copied = {c: getattr(template, c) for c in kept}
        fields = {"name": "大连临时主体有限公司", "legal_representative": "王海燕", "region_code": "210202", **copied}
        fields |= {"address": "辽宁省大连市中山区人民路 1 号", "business_scope": "餐饮服务"}
        placed = MarketEntity(
            uscc=new_code(body="MA0GE040"), longitude=Decimal("100.05"), latitude=Decimal("10.05"), **fields
        )
        session.add(placed)
        await session.commit()
        removed_id = placed.id
        await session.delete(placed)
        await session.commit()
        unplaced = MarketEntity(uscc=new_code(body="MA0GE041"), **fields)
        session.add(unplaced)
        await session.commit()
        if BACKEND == "sqlite":
            assert unplaced.id == removed_id  # the case that matters
        counted = await registry.count_entities(session, registry.EntityFilter(within_box=far))
        page = await registry.list_entities(session, registry.EntityFilter(within_box=far), 20, None)
        everywhere = await registry.count_entities(session, registry.EntityFilter(within_box=whole))
        with_points = await session.scalar(
            select(func.count()).select_from(MarketEntity).where(col(MarketEntity.longitude).is_not(None))
        )
    assert counted == 0 and page.items == []
    assert everywhere == with_points


async def test_the_migration_indexes_the_points_already_there(db: Database, city: DemoCity) -> None:
    def down_to_0020(connection: Any) -> None:
        command.downgrade(migrate.alembic_config(connection), "0020_short_fragment_index")

    async with db.engine.begin() as connection:
        await connection.run_sync(down_to_0020)
    await migrate.upgrade(db)
    whole = registry.Box(*(Decimal(v) for v in ("-180", "-90", "180", "90")))
    async with db.session(Principal.system()) as session:
        with_points = await session.scalar(
            select(func.count()).select_from(MarketEntity).where(col(MarketEntity.longitude).is_not(None))
        )
        page = await registry.list_entities(session, registry.EntityFilter(within_box=whole), 20, None)
        counted = await registry.count_entities(session, registry.EntityFilter(within_box=whole))
    assert with_points and counted == with_points and len(page.items) == 20
