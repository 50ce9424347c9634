"""随机抽查事项清单: a department keeps its own check items, maintainers any department's, and
every department reads them all."""

from __future__ import annotations

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes, ok, payload_of
from tests.support.audit import audit_count, last_audit
from tests.support.lists import CHECK_ITEM, CHECK_ITEMS, check_item


async def test_a_department_keeps_its_items_and_every_department_reads_them(
    api: Api, city: DemoCity, db: Database
) -> None:
    created = await ok(api, CHECK_ITEM, check_item(), city.tokens["district"])
    assert created["created"] is True
    item = created["checkItem"]
    assert item["department"]["code"] == "SCJG-210202" and item["active"] is True
    assert [f["code"] for f in item["formItems"]] == ["1", "2"]
    event = await last_audit(db, "check_item.upserted")
    assert event.object_id == "SCJG-210202:SC-001" and event.before is None

    # Re-sending updates the same item; the same again changes nothing and writes no event.
    changed = check_item(name="食品经营者主体责任检查", active=False)
    updated = await ok(api, CHECK_ITEM, changed, city.tokens["district"])
    assert updated["created"] is False and updated["checkItem"]["name"] == "食品经营者主体责任检查"
    events = await audit_count(db)
    again = await ok(api, CHECK_ITEM, changed, city.tokens["district"])
    assert again["created"] is False and await audit_count(db) == events

    # Another district department has an item of the same code: keyed by department.
    await ok(api, CHECK_ITEM, check_item(name="西岗区食品检查"), city.tokens["other_district"])
    for role in ("district", "other_district", "city_health", "maintainer"):
        listed = (await api.data(CHECK_ITEMS, {}, city.tokens[role]))["checkItems"]
        assert [(i["department"]["code"], i["code"]) for i in listed] == [
            ("SCJG-210202", "SC-001"),
            ("SCJG-210203", "SC-001"),
        ], role
    one = (await api.data(CHECK_ITEMS, {"d": "SCJG-210203"}, city.tokens["district"]))["checkItems"]
    assert [i["name"] for i in one] == ["西岗区食品检查"]
    in_use = (await api.data(CHECK_ITEMS, {"a": True}, city.tokens["district"]))["checkItems"]
    assert [i["department"]["code"] for i in in_use] == ["SCJG-210203"]
    assert (await api.data(CHECK_ITEMS, {"d": "NO-SUCH"}, city.tokens["district"]))["checkItems"] == []


async def test_a_maintainer_keeps_items_for_the_department_it_names(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    missing = await payload_of(api, CHECK_ITEM, check_item(), token)
    assert error_codes(missing) == {("departmentCode", "DEPARTMENT_REQUIRED")}
    unknown = await payload_of(api, CHECK_ITEM, check_item(departmentCode="NO-SUCH"), token)
    assert error_codes(unknown) == {("departmentCode", "UNKNOWN_DEPARTMENT")}
    done = await ok(api, CHECK_ITEM, check_item(departmentCode="WJ-210202"), token)
    assert done["checkItem"]["department"]["code"] == "WJ-210202"
    listed = (await api.data(CHECK_ITEMS, {}, city.tokens["district_health"]))["checkItems"]
    assert [i["department"]["code"] for i in listed] == ["WJ-210202"]


async def test_a_department_cannot_keep_another_departments_items(api: Api, city: DemoCity, db: Database) -> None:
    events = await audit_count(db)
    refused = await api.gql(CHECK_ITEM, {"i": check_item(departmentCode="SCJG-210203")}, city.tokens["district"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "本部门" in refused["errors"][0]["message"]
    assert (await api.data(CHECK_ITEMS, {}, city.tokens["maintainer"]))["checkItems"] == []
    assert await audit_count(db) == events


async def test_bad_items_are_refused_field_by_field_and_nothing_is_stored(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    bad = check_item(
        code="坏 代码",
        name="检查\x00事项",
        legalBasis="  ",
        formItems=[{"code": "1", "name": "甲"}, {"code": "1", "name": "乙"}, {"code": "", "name": ""}],
    )
    refused = await payload_of(api, CHECK_ITEM, bad, token)
    assert error_codes(refused) == {
        ("code", "INVALID_CHECK_ITEM_CODE"),
        ("name", "INVALID_TEXT"),
        ("legalBasis", "REQUIRED"),
        ("formItems.1.code", "DUPLICATE_FORM_ITEM_CODE"),
        ("formItems.2.code", "INVALID_FORM_ITEM_CODE"),
        ("formItems.2.name", "REQUIRED"),
    }
    duplicate = next(e for e in refused["errors"] if e["code"] == "DUPLICATE_FORM_ITEM_CODE")
    assert "第 1 项与第 2 项" in duplicate["message"]
    empty = await payload_of(api, CHECK_ITEM, check_item(formItems=[]), token)
    assert error_codes(empty) == {("formItems", "FORM_ITEMS_REQUIRED")}
    assert (await api.data(CHECK_ITEMS, {}, token))["checkItems"] == []
