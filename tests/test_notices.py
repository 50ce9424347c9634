"""双告知: routing a registration to the departments that must supervise it, and claiming."""

from __future__ import annotations

import asyncio
from typing import Any

from services import calendar
from services.clock import today
from services.db import Database
from services.principal import Principal
from tests.conftest import Api, DemoCity
from tests.helpers import registration

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
NOTICES = "{ notices(first: 100) { totalCount edges { node { id status matter { code } department { code } } } } }"


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
    health = (await api.data(NOTICES, token=city.tokens["district_health"]))["notices"]
    assert [(e["node"]["matter"]["code"], e["node"]["department"]["code"]) for e in health["edges"]] == [
        ("WS-CY", "WJ-210202")
    ]
    regulator = (await api.data(NOTICES, token=city.tokens["district"]))["notices"]
    assert regulator["totalCount"] == 2
    everyone = (await api.data(NOTICES, token=city.tokens["maintainer"]))["notices"]
    assert everyone["totalCount"] == 3
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
    assert [e["code"] for e in second["errors"]] == ["NOT_CLAIMABLE"]
    assert "CLAIMED" in second["errors"][0]["message"]


async def test_two_claims_at_once_exactly_one_wins(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city.tokens["district"], businessScope="餐饮服务")
    notice = next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")
    first, second = await asyncio.gather(
        api.data(CLAIM, {"id": notice["id"]}, city.tokens["district_health"]),
        api.data(CLAIM, {"id": notice["id"]}, city.tokens["district_health"]),
    )
    outcomes = [first["claimNotice"], second["claimNotice"]]
    assert sum(1 for o in outcomes if o["errors"] == []) == 1
    assert sorted(e["code"] for o in outcomes for e in o["errors"]) == ["NOT_CLAIMABLE"]
