"""upsertRegion and upsertDepartment: maintainers keep the catalogs; every change audited."""

from __future__ import annotations

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import audit_count, last_audit

REGION = """
mutation($i: UpsertRegionInput!) {
  upsertRegion(input: $i) { created region { code name level parentCode } errors { field code message } }
}
"""
DEPARTMENT = """
mutation($i: UpsertDepartmentInput!) {
  upsertDepartment(input: $i) {
    created department { code name level regionCode isRegistrationAuthority region { name } }
    errors { field code message }
  }
}
"""


async def test_a_maintainer_adds_a_region_and_a_department(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["maintainer"]
    before = await audit_count(db)
    region = (await api.data(REGION, {"i": {"code": "210215", "name": "测试新区", "parentCode": "210200"}}, token))[
        "upsertRegion"
    ]
    assert region == {
        "created": True,
        "region": {"code": "210215", "name": "测试新区", "level": "DISTRICT", "parentCode": "210200"},
        "errors": [],
    }
    department = {
        "code": "SCJG-210215",
        "name": "测试新区市场监督管理局",
        "level": "DISTRICT",
        "regionCode": "210215",
        "isRegistrationAuthority": True,
    }
    payload = (await api.data(DEPARTMENT, {"i": department}, token))["upsertDepartment"]
    assert payload["errors"] == [] and payload["created"] is True
    assert payload["department"]["region"] == {"name": "测试新区"}
    assert await audit_count(db) == before + 2
    event = await last_audit(db)
    assert (event.action, event.object_id, event.actor) == ("department.upserted", "SCJG-210215", "演示维护人员")
    listed = await api.data('{ departments(regionCode: "210215") { code } }', token=city.tokens["district"])
    assert listed["departments"] == [{"code": "SCJG-210215"}]


async def test_renaming_a_department_is_audited_with_before_and_after(api: Api, city: DemoCity, db: Database) -> None:
    department = {"code": "WJ-210202", "name": "大连市中山区卫生健康局", "level": "DISTRICT", "regionCode": "210202"}
    payload = (await api.data(DEPARTMENT, {"i": department}, city.tokens["maintainer"]))["upsertDepartment"]
    assert payload["created"] is False and payload["department"]["name"] == "大连市中山区卫生健康局"
    event = await last_audit(db)
    assert event.before is not None and event.before["name"] == "中山区卫生健康局"
    assert event.after is not None and event.after["name"] == "大连市中山区卫生健康局"
    count = await audit_count(db)
    await api.data(DEPARTMENT, {"i": department}, city.tokens["maintainer"])
    assert await audit_count(db) == count, "an unchanged upsert writes no event"


async def test_bad_catalog_input_is_refused_and_nothing_stored(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["maintainer"]
    count = await audit_count(db)
    payload = (await api.data(REGION, {"i": {"code": "21021", "name": "", "parentCode": None}}, token))["upsertRegion"]
    assert error_codes(payload) == {("code", "INVALID_REGION_CODE"), ("name", "NAME_REQUIRED")}
    payload = (await api.data(REGION, {"i": {"code": "210216", "name": "某区", "parentCode": "999900"}}, token))[
        "upsertRegion"
    ]
    assert error_codes(payload) == {("parentCode", "UNKNOWN_REGION")}
    payload = (await api.data(REGION, {"i": {"code": "210200", "name": "大连市", "parentCode": "210202"}}, token))[
        "upsertRegion"
    ]
    assert error_codes(payload) == {("parentCode", "INVALID_PARENT")}
    mismatch = {"code": "坏代码", "name": "某局", "level": "CITY", "regionCode": "210202"}
    payload = (await api.data(DEPARTMENT, {"i": mismatch}, token))["upsertDepartment"]
    assert error_codes(payload) == {("code", "INVALID_DEPARTMENT_CODE"), ("regionCode", "LEVEL_REGION_MISMATCH")}
    unknown = {"code": "XX-1", "name": "某局", "level": "DISTRICT", "regionCode": "123456"}
    payload = (await api.data(DEPARTMENT, {"i": unknown}, token))["upsertDepartment"]
    assert error_codes(payload) == {("regionCode", "UNKNOWN_REGION")}
    message = payload["errors"][0]["message"]
    assert "123456" in message and "不存在" in message
    assert await audit_count(db) == count


async def test_departments_filter_by_level(api: Api, city: DemoCity) -> None:
    data = await api.data("{ departments(level: CITY) { code level } }", token=city.tokens["district"])
    assert len(data["departments"]) == 9
    assert {d["level"] for d in data["departments"]} == {"CITY"}
    regions = await api.data("{ regions { code level } }", token=city.tokens["district"])
    assert len(regions["regions"]) == 11
