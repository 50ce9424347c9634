"""执法检查人员名录库: a department keeps its own inspectors (certificate numbers unique city-wide),
their declared conflicts (回避) and their admin users; maintainers keep any department's."""

from __future__ import annotations

from sqlmodel import col, select

from models import Inspector, InspectorConflict
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes, ok, payload_of
from tests.support.audit import audit_count, last_audit
from tests.support.lists import INSPECTOR, INSPECTORS, inspector


async def test_a_department_keeps_its_inspectors_and_reads_only_its_own(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan[0]
    data = inspector(username="scjg-210202", conflicts=[{"uscc": uscc.lower(), "reason": "配偶任该企业股东"}])
    created = await ok(api, INSPECTOR, data, city.tokens["district"])
    assert created["created"] is True
    found = created["inspector"]
    assert found["department"]["code"] == "SCJG-210202" and found["username"] == "scjg-210202"
    assert found["conflicts"] == [{"uscc": uscc, "reason": "配偶任该企业股东"}]
    assert found["certificateStatus"] == "VALID" and found["certificateValid"] is True
    await ok(api, INSPECTOR, inspector("21020300001", name="王芳"), city.tokens["other_district"])

    own = (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"]
    assert [i["certificateNo"] for i in own] == ["21020200001"]
    assert own[0]["then"] == "NOT_YET_VALID"
    # Another department's inspectors are out of sight, even when asked for by name.
    assert (await api.data(INSPECTORS, {"d": "SCJG-210203"}, city.tokens["district"]))["inspectors"] == []
    every = (await api.data(INSPECTORS, {}, city.tokens["maintainer"]))["inspectors"]
    assert [i["certificateNo"] for i in every] == ["21020200001", "21020300001"]
    one = (await api.data(INSPECTORS, {"d": "SCJG-210203"}, city.tokens["maintainer"]))["inspectors"]
    assert [i["name"] for i in one] == ["王芳"]


async def test_active_on_keeps_the_inspectors_eligible_that_day(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    await ok(api, INSPECTOR, inspector("21020200001"), token)
    await ok(api, INSPECTOR, inspector("21020200002", validFrom="2020-01-01", validTo="2021-12-31"), token)
    await ok(api, INSPECTOR, inspector("21020200003", active=False), token)
    listed = (await api.data(INSPECTORS, {}, token))["inspectors"]
    assert {i["certificateNo"]: i["today"] for i in listed} == {
        "21020200001": "VALID",
        "21020200002": "EXPIRED",
        "21020200003": "VALID",
    }
    eligible = (await api.data(INSPECTORS, {"on": today().isoformat()}, token))["inspectors"]
    assert [i["certificateNo"] for i in eligible] == ["21020200001"]
    back_then = (await api.data(INSPECTORS, {"on": "2021-06-01"}, token))["inspectors"]
    assert [i["certificateNo"] for i in back_then] == ["21020200002"]


async def test_conflicts_are_replaced_whole_kept_when_not_sent_and_audited(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["district"]
    first, second = city.zhongshan[0], city.zhongshan[1]
    # 回避 may name an entity outside the district: a joint plan can send the inspector there.
    outside = city.xigang[0]
    await ok(api, INSPECTOR, inspector(conflicts=[{"uscc": first}, {"uscc": outside, "reason": "亲属"}]), token)
    kept = await ok(api, INSPECTOR, inspector(name="李建国"), token)
    assert {c["uscc"] for c in kept["inspector"]["conflicts"]} == {first, outside}
    replaced = await ok(api, INSPECTOR, inspector(conflicts=[{"uscc": second, "reason": "曾任职"}]), token)
    assert replaced["inspector"]["conflicts"] == [{"uscc": second, "reason": "曾任职"}]
    event = await last_audit(db, "inspector.conflicts_replaced")
    assert event.before is not None and event.after is not None
    assert {c["uscc"] for c in event.before["conflicts"]} == {first, outside}
    assert event.after["conflicts"] == [{"uscc": second, "reason": "曾任职"}]
    events = await audit_count(db)
    await ok(api, INSPECTOR, inspector(conflicts=[{"uscc": second, "reason": "曾任职"}]), token)
    assert await audit_count(db) == events
    cleared = await ok(api, INSPECTOR, inspector(conflicts=[], username=""), token)
    assert cleared["inspector"]["conflicts"] == [] and cleared["inspector"]["username"] is None
    async with db.session(Principal.system()) as session:
        assert (await session.scalars(select(InspectorConflict))).all() == []


async def test_a_certificate_number_of_another_department_is_refused(api: Api, city: DemoCity, db: Database) -> None:
    await ok(api, INSPECTOR, inspector(), city.tokens["district"])
    events = await audit_count(db)
    refused = await payload_of(api, INSPECTOR, inspector(name="张三"), city.tokens["other_district"])
    assert error_codes(refused) == {("certificateNo", "INSPECTOR_OF_OTHER_DEPARTMENT")}
    # A maintainer cannot move it between departments by naming another either.
    moved = await payload_of(api, INSPECTOR, inspector(departmentCode="SCJG-210203"), city.tokens["maintainer"])
    assert error_codes(moved) == {("certificateNo", "INSPECTOR_OF_OTHER_DEPARTMENT")}
    elsewhere = await api.gql(INSPECTOR, {"i": inspector(departmentCode="SCJG-210203")}, city.tokens["district"])
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await audit_count(db) == events
    async with db.session(Principal.system()) as session:
        stored = await session.scalar(select(Inspector).where(col(Inspector.certificate_no) == "21020200001"))
    assert stored is not None and stored.name == "李建国"


async def test_bad_inspectors_are_refused_and_nothing_is_stored(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["district"]
    bad = inspector(
        "12",
        name=" ",
        validFrom="2026-01-01",
        validTo="2025-12-31",
        username="wj-210202",
        conflicts=[{"uscc": "91210202MA0QW3R87T"}, {"uscc": "不是代码"}],
    )
    refused = await payload_of(api, INSPECTOR, bad, token)
    assert error_codes(refused) == {
        ("certificateNo", "INVALID_CERTIFICATE_NO"),
        ("name", "REQUIRED"),
        ("validTo", "INVALID_RANGE"),
        ("username", "USER_OF_OTHER_DEPARTMENT"),
        ("conflicts", "INVALID_USCC"),
        ("conflicts", "UNKNOWN_ENTITY"),
    }
    unknown_user = await payload_of(api, INSPECTOR, inspector(username="nobody"), token)
    assert error_codes(unknown_user) == {("username", "UNKNOWN_USER")}
    twice = [{"uscc": city.zhongshan[0]}, {"uscc": city.zhongshan[0]}]
    duplicate = await payload_of(api, INSPECTOR, inspector(conflicts=twice), token)
    assert error_codes(duplicate) == {("conflicts", "DUPLICATE_CONFLICT")}
    assert (await api.data(INSPECTORS, {}, city.tokens["maintainer"]))["inspectors"] == []


async def test_a_user_signs_in_as_one_inspector_only(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    await ok(api, INSPECTOR, inspector(username="scjg-210202"), token)
    taken = await payload_of(api, INSPECTOR, inspector("21020200002", username="scjg-210202"), token)
    assert error_codes(taken) == {("username", "USER_ALREADY_LINKED")}
    assert "21020200001" in taken["errors"][0]["message"]
