"""seed-demo's 双随机、一公开 as a user finds it after `make run`: the supervising departments'
check items and inspectors (one declared conflict, one inspector signing in on a phone), the
directories and plans at each stage. The shared `city` is seeded without spot checks, so each
test here seeds a city of its own (a couple of seconds)."""

from __future__ import annotations

import re
from datetime import date

from services.platform.clock import today
from services.platform.db import Database
from services.platform.settings import Settings
from tests.conftest import Api, make_client
from tests.support.admin import list_page, sign_in
from tests.support.lists import CHECK_ITEMS, INSPECTORS
from tests.support.seeded_spotchecks import seeded, token_of

INSPECTORS_WITH_USERS = """
query($d: String) {
  inspectors(departmentCode: $d) {
    certificateNo name active validFrom validTo username certificateStatus conflicts { uscc reason }
  }
}
"""


async def test_each_supervising_department_keeps_check_items_with_legal_bases_and_forms(db: Database, api: Api) -> None:
    report = await seeded(db)
    district = token_of(report, "中山区市场监督管理局")
    market = (await api.data(CHECK_ITEMS, {"d": "SCJG-210202"}, district))["checkItems"]
    health = (await api.data(CHECK_ITEMS, {"d": "WJ-210202"}, district))["checkItems"]
    city = (await api.data(CHECK_ITEMS, {"d": "SCJG-210200"}, district))["checkItems"]
    names = {item["name"] for item in market}
    assert {"企业公示信息检查（年度报告、即时信息）", "食品经营检查", "营业执照（登记事项）检查"} <= names
    assert "公共场所卫生监督检查" in {item["name"] for item in health}
    assert {item["code"] for item in city} == {item["code"] for item in market}, "the city bureau keeps the list too"
    for item in market + health:
        assert 3 <= len(item["formItems"]) <= 6, item["code"]
        assert item["active"] and item["department"]["code"] in ("SCJG-210202", "WJ-210202")
    every = (await api.data(CHECK_ITEMS, {}, district))["checkItems"]
    assert report.spot_checks is not None and len(every) == report.spot_checks.check_items
    # Each district's market regulator and health bureau keeps its own.
    assert {item["department"]["code"].split("-")[1] for item in every} >= {"210202", "210203", "210211", "210283"}

    legal = await api.data(
        '{ checkItems(departmentCode: "SCJG-210202") { code legalBasis } }', {}, district
    )  # fmt: skip
    bases = {item["code"]: item["legalBasis"] for item in legal["checkItems"]}
    assert bases["SJ-GSXX"] == "《企业信息公示暂行条例》第十四条"
    assert all(re.search(r"《[^》]+》第[一二三四五六七八九十百]+条", basis) for basis in bases.values())


async def test_inspectors_have_certificates_some_expired_or_off_duty_and_one_conflict(db: Database, api: Api) -> None:
    report = await seeded(db)
    district = token_of(report, "中山区市场监督管理局")
    mine = (await api.data(INSPECTORS_WITH_USERS, {}, district))["inspectors"]
    assert all(re.fullmatch(r"21020201\d{4}", i["certificateNo"]) for i in mine), "region, line, serial"
    statuses = [(i["active"], i["certificateStatus"]) for i in mine]
    assert statuses.count((True, "VALID")) == 7
    assert (True, "EXPIRED") in statuses and (False, "VALID") in statuses
    expired = next(i for i in mine if i["certificateStatus"] == "EXPIRED")
    assert date.fromisoformat(expired["validTo"]) < today()
    eligible = (await api.data(INSPECTORS, {"on": today().isoformat()}, district))["inspectors"]
    assert len(eligible) == 7, "only those on duty with a valid certificate are drawn"
    [declaring] = [i for i in mine if i["conflicts"]]
    [conflict] = declaring["conflicts"]
    assert conflict["uscc"][2:8] == "210202" and conflict["reason"], "a conflict with an entity of the district"
    assert len({i["name"] for i in mine}) == len(mine)

    # A department sees only its own inspectors: the other district's are its own business.
    other = (await api.data(INSPECTORS_WITH_USERS, {}, token_of(report, "西岗区市场监督管理局")))["inspectors"]
    assert other and all(i["certificateNo"].startswith("21020301") for i in other)


async def test_the_inspector_login_signs_in_and_is_linked_to_an_officer(
    db: Database, api: Api, settings: Settings
) -> None:
    report = await seeded(db)
    assert report.spot_checks is not None
    login = report.spot_checks.inspector_login
    health = token_of(report, "中山区卫生健康局")
    officers = (await api.data(INSPECTORS_WITH_USERS, {}, health))["inspectors"]
    [linked] = [i for i in officers if i["username"] == login.username]
    assert linked["certificateNo"] == report.spot_checks.inspector_certificate_no
    assert linked["active"] and linked["certificateStatus"] == "VALID"

    async with make_client(settings, db) as client:
        signed = await sign_in(client, login.username, login.password)
        assert signed.status_code == 200 and "用户名或密码错误" not in signed.text and login.display_name in signed.text
        page = await list_page(client, "inspector")
        assert linked["certificateNo"] in page and login.username in page
