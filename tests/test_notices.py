"""双告知: routing a registration to the departments that must supervise it, and claiming."""

from __future__ import annotations

import asyncio
from typing import Any

from models.enums import Role
from services.accounts.tokens import create_token
from services.platform import calendar
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.entities import new_code, registration

REGISTER = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    entity { uscc }
    notices { id status deadline overdue reason matter { code } department { code } }
    errors { code field }
  }
}
"""
CLAIM = "mutation($id: ID!) { claimNotice(id: $id) { notice { id status claimedAt } errors { code message } } }"
NOTICES = """
query($uscc: String) {
  notices(first: 100, filter: {uscc: $uscc}) {
    totalCount edges { node { id status matter { code } department { code } } }
  }
}
"""


async def _register(api: Api, token: str, **overrides: Any) -> dict[str, Any]:
    data = registration(persons=[], **overrides)
    payload: dict[str, Any] = (await api.data(REGISTER, {"input": data}, token))["registerEntity"]
    assert payload["errors"] == [], payload["errors"]
    return payload


def _routes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((n["matter"]["code"], n["department"]["code"]) for n in payload["notices"])


async def test_a_district_registration_reaches_the_district_counterparts_the_catalog_names(
    api: Api, city: DemoCity, db: Database
) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="食品销售；餐饮服务；日用百货销售")
    assert _routes(payload) == [("SP-CY", "SCJG-210202"), ("SP-XS", "SCJG-210202"), ("WS-CY", "WJ-210202")]
    async with db.session(Principal.system()) as session:
        work = await calendar.for_deadline(session, today(), 5)
    assert {n["deadline"] for n in payload["notices"]} == {work.add_working_days(today(), 5).isoformat()}
    assert {(n["status"], n["overdue"], n["reason"]) for n in payload["notices"]} == {("PUSHED", False, "REGISTERED")}


async def test_a_matter_approved_at_city_level_goes_to_the_city_department(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="道路危险货物运输；道路货物运输")
    assert _routes(payload) == [("DL-HY", "JT-210202"), ("DL-WX", "JT-210200")]


async def test_a_city_registration_goes_to_city_departments(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["city"], businessScope="食品销售")
    assert _routes(payload) == [("SP-XS", "SCJG-210200")]


async def test_a_changed_scope_pushes_only_what_is_new_and_nothing_twice(api: Api, city: DemoCity) -> None:
    await _register(api, city.tokens["district"], businessScope="食品销售；餐饮服务")
    changed = await _register(api, city.tokens["district"], businessScope="食品销售；餐饮服务；药品零售")
    assert _routes(changed) == [("YP-LS", "SCJG-210202")]
    assert {n["reason"] for n in changed["notices"]} == {"SCOPE_CHANGED"}
    again = await _register(api, city.tokens["district"], businessScope="药品零售；食品销售；餐饮服务")
    assert again["notices"] == []


async def test_a_scope_that_matches_nothing_pushes_no_notice(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="软件开发；信息技术咨询服务")
    assert payload["notices"] == []


async def test_each_department_sees_its_own_notices(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="食品销售；餐饮服务")
    uscc = payload["entity"]["uscc"]
    health = (await api.data(NOTICES, {"uscc": uscc}, city.tokens["district_health"]))["notices"]
    assert [(e["node"]["matter"]["code"], e["node"]["department"]["code"]) for e in health["edges"]] == [
        ("WS-CY", "WJ-210202")
    ]
    regulator = (await api.data(NOTICES, {"uscc": uscc}, city.tokens["district"]))["notices"]
    assert regulator["totalCount"] == 2
    everyone = (await api.data(NOTICES, {"uscc": uscc}, city.tokens["maintainer"]))["notices"]
    assert everyone["totalCount"] == 3
    counted = "query($f: NoticeFilter) { notices(filter: $f) { totalCount } }"
    by_department = {"departmentCode": "SCJG-210202", "status": "PUSHED", "overdue": False, "uscc": uscc}
    assert (await api.data(counted, {"f": by_department}, city.tokens["maintainer"]))["notices"]["totalCount"] == 2
    claimed = {"status": "CLAIMED", "uscc": uscc}
    assert (await api.data(counted, {"f": claimed}, city.tokens["maintainer"]))["notices"]["totalCount"] == 0
    on_entity = "query($u: String!) { entity(uscc: $u) { notices { matter { code } } } }"
    shown = await api.data(on_entity, {"u": uscc}, city.tokens["district_health"])
    assert shown["entity"]["notices"] == [{"matter": {"code": "WS-CY"}}]


async def test_claiming_a_notice_once_and_only_ones_own(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="餐饮服务")
    health = next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")
    refused = (await api.data(CLAIM, {"id": health["id"]}, city.tokens["district"]))["claimNotice"]
    assert [e["code"] for e in refused["errors"]] == ["NOTICE_NOT_FOUND"]
    claimed = (await api.data(CLAIM, {"id": health["id"]}, city.tokens["district_health"]))["claimNotice"]
    assert claimed["errors"] == [] and claimed["notice"]["status"] == "CLAIMED" and claimed["notice"]["claimedAt"]
    second = (await api.data(CLAIM, {"id": health["id"]}, city.tokens["district_health"]))["claimNotice"]
    assert [e["code"] for e in second["errors"]] == ["INVALID_NOTICE_STATE"]
    assert second["errors"][0]["message"] == "该告知已认领，不能认领（须为待认领）"


async def test_two_claims_at_once_exactly_one_wins(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="餐饮服务")
    notice = next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")
    first, second = await asyncio.gather(
        api.data(CLAIM, {"id": notice["id"]}, city.tokens["district_health"]),
        api.data(CLAIM, {"id": notice["id"]}, city.tokens["district_health"]),
    )
    outcomes = [first["claimNotice"], second["claimNotice"]]
    assert sum(1 for o in outcomes if o["errors"] == []) == 1
    assert sorted(e["code"] for o in outcomes for e in o["errors"]) == ["INVALID_NOTICE_STATE"]


FORWARD = """
mutation($id: ID!, $to: String!, $reason: String!) {
  forwardNotice(id: $id, toDepartmentCode: $to, reason: $reason) {
    notice { id status reason note department { code } matter { code } entity { uscc } } errors { code field }
  }
}
"""
RETURN = (
    "mutation($id: ID!, $r: String!) { returnNotice(id: $id, reason: $r) { notice { status note } errors { code } } }"
)
FEEDBACK = """
mutation($id: ID!, $input: NoticeFeedbackInput!) {
  giveNoticeFeedback(id: $id, input: $input) { notice { status feedbackKind licenseNumber } errors { code field } }
}
"""
POOL = "{ openPool(first: 100) { totalCount edges { node { uscc } } } }"
FROM_POOL = """
mutation($u: String!, $m: String!) {
  claimFromPool(uscc: $u, matterCode: $m) { notice { status reason department { code } } errors { code } }
}
"""


async def _health_notice(api: Api, city: DemoCity) -> dict[str, Any]:
    payload = await _register(api, city.tokens["district"], businessScope="餐饮服务")
    return next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")


async def test_forwarding_ends_the_notice_and_pushes_a_new_one(api: Api, city: DemoCity) -> None:
    notice = await _health_notice(api, city)
    token = city.tokens["district_health"]
    bad = (await api.data(FORWARD, {"id": notice["id"], "to": "NOPE-1", "reason": "x"}, token))["forwardNotice"]
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("UNKNOWN_DEPARTMENT", "toDepartmentCode")]
    blank = (await api.data(FORWARD, {"id": notice["id"], "to": "WJ-210200", "reason": " "}, token))["forwardNotice"]
    assert [e["code"] for e in blank["errors"]] == ["REQUIRED"]
    done = (await api.data(FORWARD, {"id": notice["id"], "to": "WJ-210200", "reason": "应由市级承接"}, token))[
        "forwardNotice"
    ]
    assert done["errors"] == []
    assert done["notice"]["department"] == {"code": "WJ-210200"} and done["notice"]["status"] == "PUSHED"
    assert (done["notice"]["reason"], done["notice"]["note"]) == ("FORWARDED", "应由市级承接")
    uscc = done["notice"]["entity"]["uscc"]
    mine = (await api.data(NOTICES, {"uscc": uscc}, token))["notices"]["edges"]
    assert [e["node"]["status"] for e in mine] == ["FORWARDED"]
    city_side = (await api.data(NOTICES, {"uscc": uscc}, city.tokens["city_health"]))["notices"]["edges"]
    assert [(e["node"]["status"], e["node"]["matter"]["code"]) for e in city_side] == [("PUSHED", "WS-CY")]
    again = (await api.data(FORWARD, {"id": notice["id"], "to": "WJ-210200", "reason": "再次"}, token))["forwardNotice"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_NOTICE_STATE"]


async def test_feedback_needs_a_claim_first_and_a_license_number_when_granted(api: Api, city: DemoCity) -> None:
    notice = await _health_notice(api, city)
    token = city.tokens["district_health"]
    early = await api.data(FEEDBACK, {"id": notice["id"], "input": {"kind": "NO_LICENSE_NEEDED"}}, token)
    assert [e["code"] for e in early["giveNoticeFeedback"]["errors"]] == ["INVALID_NOTICE_STATE"]
    await api.data(CLAIM, {"id": notice["id"]}, token)
    missing = await api.data(FEEDBACK, {"id": notice["id"], "input": {"kind": "LICENSE_GRANTED"}}, token)
    assert [(e["code"], e["field"]) for e in missing["giveNoticeFeedback"]["errors"]] == [("REQUIRED", "licenseNumber")]
    granted = {"kind": "LICENSE_GRANTED", "licenseNumber": "JY22102020012345"}
    done = (await api.data(FEEDBACK, {"id": notice["id"], "input": granted}, token))["giveNoticeFeedback"]
    assert done["errors"] == []
    assert done["notice"] == {"status": "FEEDBACK_GIVEN", "feedbackKind": "LICENSE_GRANTED",
                              "licenseNumber": "JY22102020012345"}  # fmt: skip


async def _token(db: Database, department: str) -> str:
    session = await db.write_session(Principal.system("test"))
    async with session:
        _, plain = await create_token(session, department, Role.DEPARTMENT, f"{department} 业务系统")
        await session.commit()
    return plain


async def test_returned_and_unmatched_entities_stand_in_the_open_pool(api: Api, city: DemoCity, db: Database) -> None:
    def codes(pool: dict[str, Any]) -> list[str]:
        return [edge["node"]["uscc"] for edge in pool["edges"]]

    before = (await api.data(POOL, token=city.tokens["district"]))["openPool"]["totalCount"]
    unmatched = await _register(api, city.tokens["district"], businessScope="软件开发", uscc=new_code(body="MA0QW3T1"))
    served = await _register(api, city.tokens["district"], businessScope="互联网上网服务")
    uscc = served["entity"]["uscc"]
    pool = (await api.data(POOL, token=city.tokens["district"]))["openPool"]
    assert pool["totalCount"] == before + 1
    assert unmatched["entity"]["uscc"] in codes(pool) and uscc not in codes(pool)
    refused = await api.data(FROM_POOL, {"u": uscc, "m": "WS-CY"}, city.tokens["district_health"])
    assert [e["code"] for e in refused["claimFromPool"]["errors"]] == ["NOT_IN_POOL"]

    # The culture office returns its only notice: the entity joins the pool.
    [notice] = served["notices"]
    assert notice["department"]["code"] == "WL-210202"
    culture = await _token(db, "WL-210202")
    returned = (await api.data(RETURN, {"id": notice["id"], "r": "非本部门事项"}, culture))["returnNotice"]
    assert returned == {"notice": {"status": "RETURNED", "note": "非本部门事项"}, "errors": []}
    assert uscc in codes((await api.data(POOL, token=city.tokens["district"]))["openPool"])

    # Any department may claim it from the pool, for a matter of the catalog.
    claimed = (await api.data(FROM_POOL, {"u": uscc, "m": "WS-CY"}, city.tokens["district_health"]))["claimFromPool"]
    assert claimed == {"notice": {"status": "CLAIMED", "reason": "POOL", "department": {"code": "WJ-210202"}},
                       "errors": []}  # fmt: skip
    assert uscc not in codes((await api.data(POOL, token=city.tokens["district"]))["openPool"])


async def test_overdue_follows_the_calendar_across_a_holiday(db: Database, city: DemoCity) -> None:
    from datetime import date

    from models import Notice
    from models.enums import NoticeStatus
    from services.notices.notices import is_overdue

    async with db.session(Principal.system()) as session:
        work = await calendar.for_deadline(session, date(2026, 9, 30), 5)
    # Pushed on the eve of National Day: five working days reach past the holiday week.
    deadline = work.add_working_days(date(2026, 9, 30), 5)
    assert deadline == date(2026, 10, 13)
    notice = Notice(entity_id=1, matter_id=1, department_id=1, status=NoticeStatus.PUSHED, deadline=deadline,
                    reason="REGISTERED")  # fmt: skip
    assert not is_overdue(notice, on=date(2026, 10, 8))  # a calendar-blind count would say overdue
    assert not is_overdue(notice, on=date(2026, 10, 13))
    assert is_overdue(notice, on=date(2026, 10, 14))
    notice.status = NoticeStatus.CLAIMED
    assert not is_overdue(notice, on=date(2026, 10, 14)), "a claimed notice is never overdue"
