"""四色警示 over GraphQL: the stored colour follows each record as it arrives, `riskColour(asOf)`
explains itself, `entities(filter: {colour})` finds the colour, and maintainers keep the rules'
parameters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.platform.clock import today
from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.audit import audit_count, last_audit
from tests.support.entities import REGISTER, new_code, registration
from tests.support.listings import DELIST, LIST, listing
from tests.support.records import COMPLAINT, LICENSE, PENALTY, WITHDRAW, license, penalty

COLOUR = """
query($u: String!, $d: Date) {
  entity(uscc: $u) {
    colour
    riskColour(asOf: $d) { colour asOf reasons { rule colour description evidence { kind reference date text } } }
    colourHistory { oldColour newColour reasons cause }
  }
}
"""
BY_COLOUR = """
query($c: RiskColour!) { entities(filter: {colour: $c}, first: 100) { totalCount edges { node { uscc colour } } } }
"""
PARAMETERS = """
query { ruleParameters { windowDays yellowPenalties redPenalties complaintCount redResolutionRate
                         yellowResolutionRate } }
"""
SET_PARAMETERS = """
mutation($i: SetRuleParametersInput!) {
  setRuleParameters(input: $i) { parameters { redPenalties yellowResolutionRate } errors { field code message } }
}
"""


async def fresh(api: Api, city: DemoCity, body: str) -> str:
    """A newly registered, active entity of 中山区 with no records, listings or history."""
    code = new_code(body=body)
    done = await api.data(REGISTER, {"input": registration(uscc=code)}, city.tokens["district"])
    assert done["registerEntity"]["errors"] == []
    return code


async def _colour(api: Api, uscc: str, token: str, day: str | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = (await api.data(COLOUR, {"u": uscc, "d": day}, token))["entity"]
    return entity


async def test_each_record_re_rates_its_entity_as_it_arrives(api: Api, city: DemoCity, db: Database) -> None:
    uscc, district = await fresh(api, city, "MA0CLR01"), city.tokens["district"]
    assert (await _colour(api, uscc, district))["colour"] == "GREEN"

    await ok(api, PENALTY, penalty(uscc, documentNumber="罚-1"), district)
    shown = await _colour(api, uscc, district)
    assert shown["colour"] == shown["riskColour"]["colour"] == "YELLOW"
    assert shown["colourHistory"][0] == {"oldColour": "GREEN", "newColour": "YELLOW",
                                         "reasons": ["PENALTIES_YELLOW"], "cause": "penalty.created"}  # fmt: skip
    [reason] = shown["riskColour"]["reasons"]
    assert reason["rule"] == "PENALTIES_YELLOW" and reason["evidence"][0]["reference"] == "罚-1"

    for number in ("罚-2", "罚-3"):
        await ok(api, PENALTY, penalty(uscc, documentNumber=number), district)
    assert (await _colour(api, uscc, district))["colour"] == "RED"
    withdrawn = await api.data(WITHDRAW, {"i": {"documentNumber": "罚-3", "reason": "复议撤销"}}, district)
    assert withdrawn["withdrawPenalty"]["errors"] == []
    shown = await _colour(api, uscc, district)
    assert shown["colour"] == "YELLOW" and shown["colourHistory"][0]["cause"] == "penalty.withdrawn"

    # A revocation makes it BLACK, and the evidence names the license.
    await ok(api, LICENSE, license(uscc, licenseNumber="JY-9"), city.tokens["district_health"])
    revoking = penalty(uscc, documentNumber="罚-4", categories=["LICENSE_REVOCATION"], fineAmount=None,
                       revokedLicenseNumber="JY-9")  # fmt: skip
    await ok(api, PENALTY, revoking, district)
    shown = await _colour(api, uscc, district)
    assert shown["colour"] == "BLACK"
    rules = {r["rule"]: r for r in shown["riskColour"]["reasons"]}
    assert set(rules) == {"LICENSE_REVOKED", "PENALTIES_RED"}
    assert rules["LICENSE_REVOKED"]["evidence"][0]["reference"] == "JY-9"

    # Complaints: four unresolved ones in the window make another entity RED.
    other = await fresh(api, city, "MA0CLR02")
    for n in range(4):
        data = {"uscc": other, "reference": f"SX-{n}", "receivedOn": (today() - timedelta(days=n)).isoformat(),
                "category": "FOOD_SAFETY"}  # fmt: skip
        await ok(api, COMPLAINT, data, district)
    shown = await _colour(api, other, district)
    assert shown["colour"] == "RED" and shown["colourHistory"][0]["cause"] == "complaint.created"
    resolved = {"uscc": other, "reference": "SX-0", "receivedOn": today().isoformat(), "category": "FOOD_SAFETY",
                "resolved": True, "resolvedOn": today().isoformat()}  # fmt: skip
    for reference in ("SX-0", "SX-1"):
        await ok(api, COMPLAINT, {**resolved, "reference": reference}, district)
    assert (await _colour(api, other, district))["colour"] == "YELLOW", "2 of 4 resolved: 50 %"

    found = (await api.data(BY_COLOUR, {"c": "BLACK"}, city.tokens["maintainer"]))["entities"]
    assert uscc in {edge["node"]["uscc"] for edge in found["edges"]}
    assert all(edge["node"]["colour"] == "BLACK" for edge in found["edges"])
    yellow = (await api.data(BY_COLOUR, {"c": "YELLOW"}, city.tokens["district"]))["entities"]
    assert other in {edge["node"]["uscc"] for edge in yellow["edges"]}


async def test_a_past_day_is_explained_and_a_future_one_refused(api: Api, city: DemoCity) -> None:
    uscc, district = await fresh(api, city, "MA0CLR03"), city.tokens["district"]
    decided = today() - timedelta(days=5)
    await ok(api, PENALTY, penalty(uscc, documentNumber="罚-过去", decisionDate=decided.isoformat()), district)
    before = await _colour(api, uscc, district, (decided - timedelta(days=1)).isoformat())
    assert before["riskColour"] == {"colour": "GREEN", "asOf": (decided - timedelta(days=1)).isoformat(), "reasons": []}
    on = await _colour(api, uscc, district, decided.isoformat())
    assert on["riskColour"]["colour"] == "YELLOW"

    tomorrow = (today() + timedelta(days=1)).isoformat()
    refused = await api.gql(COLOUR, {"u": uscc, "d": tomorrow}, district)
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "DATE_IN_FUTURE" and "不能晚于今天" in error["message"]


async def test_maintainers_keep_the_rules_parameters(api: Api, city: DemoCity, db: Database) -> None:
    maintainer, district = city.tokens["maintainer"], city.tokens["district"]
    defaults = (await api.data(PARAMETERS, token=district))["ruleParameters"]
    assert defaults == {"windowDays": 730, "yellowPenalties": 1, "redPenalties": 3, "complaintCount": 4,
                        "redResolutionRate": "50", "yellowResolutionRate": "80"}  # fmt: skip
    events = await audit_count(db)
    bad = [
        ({**defaults, "yellowPenalties": 3, "redPenalties": 2}, {("redPenalties", "CONTRADICTORY_THRESHOLDS")}),
        ({**defaults, "redResolutionRate": "85"}, {("redResolutionRate", "CONTRADICTORY_THRESHOLDS")}),
        ({**defaults, "windowDays": 0}, {("windowDays", "OUT_OF_RANGE")}),
        ({**defaults, "yellowResolutionRate": "100.5"}, {("yellowResolutionRate", "OUT_OF_RANGE")}),
    ]
    for values, expected in bad:
        errors = (await api.data(SET_PARAMETERS, {"i": values}, maintainer))["setRuleParameters"]["errors"]
        assert {(e["field"], e["code"]) for e in errors} == expected, values
        assert all(e["message"] for e in errors)
    denied = await api.gql(SET_PARAMETERS, {"i": {**defaults, "redPenalties": 2}}, district)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        await audit_count(db) == events and (await api.data(PARAMETERS, token=district))["ruleParameters"] == defaults
    )

    # Two penalties are YELLOW under the defaults; from the next evaluation, RED.
    uscc = await fresh(api, city, "MA0CLR04")
    for number in ("罚-甲", "罚-乙"):
        await ok(api, PENALTY, penalty(uscc, documentNumber=number), district)
    assert (await _colour(api, uscc, district))["colour"] == "YELLOW"
    done = (await api.data(SET_PARAMETERS, {"i": {**defaults, "redPenalties": 2}}, maintainer))["setRuleParameters"]
    assert done == {"parameters": {"redPenalties": 2, "yellowResolutionRate": "80"}, "errors": []}
    event = await last_audit(db, "risk.parameters_set")
    assert (event.before or {})["red_penalties"] == 3 and (event.after or {})["red_penalties"] == 2
    shown = await _colour(api, uscc, district)
    assert shown["riskColour"]["colour"] == shown["colour"] == "RED", "stored colours are re-rated at once"
    assert shown["colourHistory"][0]["cause"] == "risk.parameters_set"
    event = await last_audit(db, "risk.recomputed")
    assert event.after is not None and event.after["changed"] >= 1


async def test_listing_and_removal_re_rate_the_entity(api: Api, city: DemoCity) -> None:
    uscc, district = await fresh(api, city, "MA0CLR05"), city.tokens["district"]
    listed = await api.data(LIST, {"i": listing(uscc)}, district)
    assert listed["listEntity"]["errors"] == []
    shown = await _colour(api, uscc, district)
    assert shown["colour"] == "RED" and shown["colourHistory"][0]["cause"] == "listing.listed"
    removal = {"uscc": uscc, "kind": "ABNORMAL_OPERATION", "removedOn": today().isoformat(), "reason": "CURED"}
    assert (await api.data(DELIST, {"i": removal}, district))["delistEntity"]["errors"] == []
    shown = await _colour(api, uscc, district)
    assert shown["colour"] == "GREEN" and shown["colourHistory"][0]["cause"] == "listing.removed"
    serious = listing(uscc, kind="SERIOUS_DISHONEST", reason="SERIOUS_VIOLATION", documentNumber="大市监严〔2026〕1 号")
    assert (await api.data(LIST, {"i": serious}, district))["listEntity"]["errors"] == []
    assert (await _colour(api, uscc, district))["colour"] == "BLACK"


async def test_a_revoked_registration_is_black_in_the_reply_and_after(api: Api, city: DemoCity) -> None:
    document = """
    mutation($input: RegisterEntityInput!) { registerEntity(input: $input) { entity { colour } errors { code } } }
    """
    code = new_code(body="MA0CLR06")
    revoked = await api.data(document, {"input": registration(uscc=code, status="REVOKED")}, city.tokens["district"])
    assert revoked["registerEntity"] == {"entity": {"colour": "BLACK"}, "errors": []}
    shown = await _colour(api, code, city.tokens["district"])
    assert [r["rule"] for r in shown["riskColour"]["reasons"]] == ["REGISTRATION_REVOKED"]
    assert shown["colourHistory"][0]["cause"] == "entity.registered"
    active = await api.data(document, {"input": registration(uscc=code, status="ACTIVE")}, city.tokens["district"])
    assert active["registerEntity"]["entity"] == {"colour": "GREEN"}
