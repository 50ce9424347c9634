"""联合惩戒: discipline(uscc) and MarketEntity.discipline follow the lists an entity stands on
today; the measure catalog is the maintainers', in the API and the admin pages alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from models import DisciplineMeasure, MarketEntity
from models.enums import ListingKind
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, list_page, sign_in
from tests.support.api import counted, error_codes, ok
from tests.support.audit import audit_count, last_audit
from tests.support.departments import DISTRICT
from tests.support.entities import new_code
from tests.support.listings import DELIST, LIST, listing, removal, unlisted

DISCIPLINE = """
query($u: String!) {
  discipline(uscc: $u) {
    level asOf
    reasons { kind reason reasonLabel listedOn documentNumber department { code name } }
    measures { code name listingKind legalBasis appliedBy active }
  }
}
"""
MEASURE = """
mutation($i: UpsertDisciplineMeasureInput!) {
  upsertDisciplineMeasure(input: $i) { created measure { code name listingKind active } errors { field code message } }
}
"""
MEASURES = """
query($k: ListingKind, $a: Boolean) { disciplineMeasures(listingKind: $k, active: $a) { code listingKind active } }
"""
SERIOUS = {
    "kind": "SERIOUS_DISHONEST",
    "reason": "SERIOUS_VIOLATION",
    "documentNumber": "大中山市监严字〔2026〕第 5 号",
}


async def _catalog(db: Database) -> list[DisciplineMeasure]:
    async with db.session(Principal.system()) as session:
        query = select(DisciplineMeasure).order_by(col(DisciplineMeasure.code))
        return list((await session.scalars(query)).all())


def _active_codes(catalog: list[DisciplineMeasure], *kinds: ListingKind) -> list[str]:
    return sorted(m.code for m in catalog if m.active and m.listing_kind in kinds)


async def test_the_level_follows_the_lists_that_stand_today(api: Api, city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    catalog = await _catalog(db)
    assert any(not m.active for m in catalog), "the demo catalog keeps a superseded measure"

    none = (await api.data(DISCIPLINE, {"u": uscc}, token))["discipline"]
    assert (none["level"], none["asOf"], none["reasons"], none["measures"]) == ("NONE", today().isoformat(), [], [])

    listed_on = today() - timedelta(days=40)
    await ok(api, LIST, listing(uscc, listedOn=listed_on.isoformat()), token)
    restricted = (await api.data(DISCIPLINE, {"u": uscc}, token))["discipline"]
    assert restricted["level"] == "RESTRICTED"
    assert restricted["reasons"] == [
        {"kind": "ABNORMAL_OPERATION", "reason": "ANNUAL_REPORT", "reasonLabel": "未按规定报送年度报告",
         "listedOn": listed_on.isoformat(), "documentNumber": "大中山市监异字〔2026〕第 3 号",
         "department": {"code": DISTRICT, "name": "中山区市场监督管理局"}}
    ]  # fmt: skip
    measures = restricted["measures"]
    assert sorted(m["code"] for m in measures) == _active_codes(catalog, ListingKind.ABNORMAL_OPERATION)
    assert all(m["legalBasis"] and m["appliedBy"] and m["active"] for m in measures)

    await ok(api, LIST, listing(uscc, **SERIOUS), token)
    banned = (await api.data(DISCIPLINE, {"u": uscc}, token))["discipline"]
    assert banned["level"] == "BANNED"
    assert sorted(r["kind"] for r in banned["reasons"]) == ["ABNORMAL_OPERATION", "SERIOUS_DISHONEST"]
    everything = _active_codes(catalog, ListingKind.ABNORMAL_OPERATION, ListingKind.SERIOUS_DISHONEST)
    assert sorted(m["code"] for m in banned["measures"]) == everything
    assert "YZ-2016-QYMD" not in everything  # inactive: in the catalog, not in a verdict

    await ok(api, DELIST, removal(uscc), token)
    still_banned = (await api.data(DISCIPLINE, {"u": uscc}, token))["discipline"]
    assert still_banned["level"] == "BANNED"
    assert [r["kind"] for r in still_banned["reasons"]] == ["SERIOUS_DISHONEST"]
    serious_only = _active_codes(catalog, ListingKind.SERIOUS_DISHONEST)
    assert sorted(m["code"] for m in still_banned["measures"]) == serious_only

    repaired = removal(uscc, kind="SERIOUS_DISHONEST", reason="CREDIT_REPAIR", removedOn=today().isoformat())
    await ok(api, DELIST, repaired, token)
    cleared = (await api.data(DISCIPLINE, {"u": uscc}, token))["discipline"]
    assert (cleared["level"], cleared["reasons"], cleared["measures"]) == ("NONE", [], [])


async def test_any_department_may_ask_about_any_entity_of_the_city(api: Api, city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    await ok(api, LIST, listing(uscc), city.tokens["district"])
    # A 西岗区 desk does not see the entity's registration data, but joint discipline reaches it.
    other = city.tokens["other_district"]
    assert (await api.data("query($u: String!) { entity(uscc: $u) { uscc } }", {"u": uscc}, other))["entity"] is None
    assert (await api.data(DISCIPLINE, {"u": uscc}, other))["discipline"]["level"] == "RESTRICTED"
    assert (await api.data(DISCIPLINE, {"u": new_code(body="MA0UNK01")}, other))["discipline"] is None
    malformed = await api.gql(DISCIPLINE, {"u": "91210200ABC"}, other)
    assert malformed["errors"][0]["extensions"] == {"code": "INVALID_USCC", "field": "uscc"}
    anonymous = await api.gql(DISCIPLINE, {"u": uscc})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


WITH_DISCIPLINE = """
query($first: Int) {
  entities(first: $first) {
    edges { node { uscc listings { reason standing department { code } }
                   discipline { level reasons { reason department { code } } measures { code } } } }
  }
}
"""


async def test_a_page_of_entities_with_listings_and_discipline_costs_a_fixed_number_of_statements(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["maintainer"]
    first = (await api.data("{ entities(first: 3) { edges { node { uscc } } } }", token=token))["entities"]["edges"]
    for edge in first:
        data = listing(edge["node"]["uscc"], **SERIOUS, departmentCode="SCJG-210200", listedOn=today().isoformat())
        assert (await api.data(LIST, {"i": data}, token))["listEntity"]["errors"] == []
    counts = []
    for size in (10, 100):
        statements, data = await counted(api, db, token, WITH_DISCIPLINE, size)
        nodes = [edge["node"] for edge in data["entities"]["edges"]]
        assert len(nodes) == size
        assert all(node["discipline"]["level"] == "BANNED" for node in nodes[:3])
        assert all(node["discipline"]["measures"] for node in nodes[:3])
        counts.append(statements)
    # page, listings, standing listings, measures, and the departments (in one or two batches, as the
    # loaders' batches happen to fall): never a statement per entity.
    assert max(counts) <= 6


async def test_maintainers_keep_the_measure_catalog(api: Api, city: DemoCity, db: Database) -> None:
    maintainer = city.tokens["maintainer"]
    data: dict[str, Any] = {"code": "YZ-TEST", "name": "限制申请财政性资金项目", "listingKind": "SERIOUS_DISHONEST",
                            "legalBasis": "国发〔2016〕33号", "appliedBy": "财政部门"}  # fmt: skip
    created = (await api.data(MEASURE, {"i": data}, maintainer))["upsertDisciplineMeasure"]
    assert (created["created"], created["errors"], created["measure"]["active"]) == (True, [], True)
    event = await last_audit(db, "discipline_measure.upserted")
    assert event.object_id == "YZ-TEST" and event.before is None

    events = await audit_count(db)
    same = (await api.data(MEASURE, {"i": data}, maintainer))["upsertDisciplineMeasure"]
    assert same["created"] is False and await audit_count(db) == events
    retired = (await api.data(MEASURE, {"i": {**data, "active": False}}, maintainer))["upsertDisciplineMeasure"]
    assert retired["measure"]["active"] is False and await audit_count(db) == events + 1

    serious = await api.data(MEASURES, {"k": "SERIOUS_DISHONEST", "a": False}, city.tokens["district"])
    assert {m["code"] for m in serious["disciplineMeasures"]} >= {"YZ-TEST", "YZ-2016-QYMD"}
    assert all(m["listingKind"] == "SERIOUS_DISHONEST" and not m["active"] for m in serious["disciplineMeasures"])

    events = await audit_count(db)
    for bad, expected in (
        ({**data, "code": "有 空格"}, {("code", "INVALID_MEASURE_CODE")}),
        ({**data, "name": " "}, {("name", "REQUIRED")}),
        ({**data, "legalBasis": ""}, {("legalBasis", "REQUIRED")}),
        ({**data, "appliedBy": "x" * 257}, {("appliedBy", "TOO_LONG")}),
    ):
        payload = (await api.data(MEASURE, {"i": bad}, maintainer))["upsertDisciplineMeasure"]
        assert error_codes(payload) == expected, bad
    assert await audit_count(db) == events

    refused = await api.gql(MEASURE, {"i": data}, city.tokens["city"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_catalog_admin_page_writes_through_the_service(
    api: Api, city: DemoCity, db: Database, settings: Settings
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = await list_page(client, "discipline-measure")
    assert "惩戒措施" in page and "禁止参加政府采购活动" in page and "严重违法失信名单" in page

    token = await csrf(client, "/admin/discipline-measure/create")
    form = {"code": "JY-TEST", "name": "限制参加政府投资项目", "listing_kind": "ABNORMAL_OPERATION",
            "legal_basis": "《企业信息公示暂行条例》第十八条", "applied_by": "发展改革部门", "active": "on",
            "csrftoken": token}  # fmt: skip
    done = await client.post("/admin/discipline-measure/create", data=form, follow_redirects=True)
    assert done.status_code == 200
    assert "限制参加政府投资项目" in await list_page(client, "discipline-measure", q="JY-TEST")
    event = await last_audit(db, "discipline_measure.upserted")
    assert event.object_id == "JY-TEST" and event.actor_kind == "MAINTAINER"

    token = await csrf(client, "/admin/discipline-measure/create")
    bad = await client.post("/admin/discipline-measure/create", data={**form, "code": "JY-TEST2", "name": "",
                                                                       "csrftoken": token})  # fmt: skip
    assert "措施名称不能为空" in bad.text
    duplicate = await client.post("/admin/discipline-measure/create", data={**form, "csrftoken": token})
    assert "已存在" in duplicate.text

    async with make_client(settings, db) as staff:
        await sign_in(staff, "scjg-210202", city.report.logins[1].password)
        assert (await staff.get("/admin/discipline-measure/list")).status_code in (403, 404)


async def test_the_entity_page_lists_its_listings(api: Api, city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    await ok(api, LIST, listing(uscc, reason="UNREACHABLE", listedOn=(today() - timedelta(days=1070)).isoformat()),
              token)  # fmt: skip
    await ok(api, LIST, listing(uscc, documentNumber="大中山市监异字〔2026〕第 77 号"), token)
    await ok(api, DELIST, removal(uscc, listingReason="ANNUAL_REPORT", documentNumber="大中山市监移字〔2026〕第 1 号"),
              token)  # fmt: skip
    async with db.session(Principal.system()) as session:
        entity_id = await session.scalar(select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == uscc))
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    page = (await client.get("/admin/market-entity/detail", params={"pk": entity_id})).text
    assert 'id="entity-listings"' in page
    assert "经营异常名录" in page and "通过登记的住所或者经营场所无法联系" in page and "未按规定报送年度报告" in page
    assert "大中山市监异字〔2026〕第 77 号" in page and "中山区市场监督管理局" in page
    assert f"已移出（{(today() - timedelta(days=10)).isoformat()}，已改正）" in page
    assert "移出决定书：大中山市监移字〔2026〕第 1 号" in page
    assert "待决定是否列入严重违法失信名单" in page and "满三年" in page
