"""联动告知: a department alerts another about an entity; the recipient acknowledges and handles it.
A revoked license refers itself, once per revocation, to the entity's registration authority and to
every department that claimed a notice of the entity.

Departments of the demo city: SCJG-210202 (中山区市场监督管理局, the 中山区 registration authority,
token `district`), WJ-210202 (中山区卫生健康局, `district_health`), WJ-210200 (大连市卫生健康委员会,
`city_health`), SCJG-210203 (西岗区市场监督管理局, `other_district`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from demo.seed import seed_demo
from models import Department, License, MarketEntity, Notice, Penalty, Referral
from models.enums import DepartmentLevel, ReferralReason, ReferralStatus
from models.types import utcnow
from services.credit.referrals import MANUAL_REASONS, refer_revocation, revocation_key
from services.platform.db import Database
from services.platform.principal import Principal
from services.records.record_columns import RecordKind
from services.records.record_import import import_file
from services.records.revocation import Revocation
from tests.conftest import Api, DemoCity
from tests.support.api import counted, ok
from tests.support.audit import audit_count, last_audit
from tests.support.entities import REGISTER_FOR_ROUTING, new_code, registration
from tests.support.record_files import LICENSE_HEADER, PENALTY_HEADER, license_row, penalty_row, write_csv
from tests.support.records import LICENSE, PENALTY, WITHDRAW, license, penalty
from tests.support.referrals import FIELDS, REFERRALS, SEND

ACKNOWLEDGE = f"""
mutation($id: ID!) {{ acknowledgeReferral(id: $id) {{ referral {{ {FIELDS} }} errors {{ field code message }} }} }}
"""
HANDLE = f"""
mutation($id: ID!, $o: String!) {{
  handleReferral(id: $id, outcome: $o) {{ referral {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
ON_ENTITY = "query($u: String!) { entity(uscc: $u) { referrals { id reason status toDepartment { code } } } }"
CLAIM = "mutation($id: ID!) { claimNotice(id: $id) { errors { code } } }"
INSPECTION = "检查发现该主体的餐饮场所未取得公共场所卫生许可，属贵局职责，请依法处理。"


def _referral(uscc: str, to: str = "WJ-210202", **overrides: Any) -> dict[str, Any]:
    return {"uscc": uscc, "toDepartmentCode": to, "reason": "INSPECTION_FINDING", "message": INSPECTION, **overrides}


async def _send(api: Api, token: str, data: dict[str, Any]) -> dict[str, Any]:
    payload = (await api.data(SEND, {"i": data}, token))["sendReferral"]
    assert payload["errors"] == [], payload["errors"]
    referral: dict[str, Any] = payload["referral"]
    return referral


async def _act(api: Api, token: str, referral_id: str, outcome: str | None = None) -> dict[str, Any]:
    """Acknowledge the referral, or handle it with `outcome`: the payload."""
    if outcome is None:
        data = await api.data(ACKNOWLEDGE, {"id": referral_id}, token)
    else:
        data = await api.data(HANDLE, {"id": referral_id, "o": outcome}, token)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


def _codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


async def _listed(api: Api, token: str, **flt: Any) -> list[dict[str, Any]]:
    data = await api.data(REFERRALS, {"f": flt, "first": 100}, token)
    return [edge["node"] for edge in data["referrals"]["edges"]]


async def test_a_referral_goes_sent_acknowledged_handled_by_its_recipient(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan_without_records[0]
    sent = await _send(api, city.tokens["district"], _referral(uscc))
    assert (sent["status"], sent["reason"], sent["message"], sent["outcome"]) == (
        "SENT", "INSPECTION_FINDING", INSPECTION, None
    )  # fmt: skip
    assert (sent["entity"], sent["fromDepartment"], sent["toDepartment"]) == (
        {"uscc": uscc}, {"code": "SCJG-210202"}, {"code": "WJ-210202"}
    )  # fmt: skip
    assert sent["acknowledgedAt"] is None and sent["license"] is None
    event = await last_audit(db, "referral.sent")
    assert (event.object_id, event.actor, event.department_code) == (sent["id"], "中山区市场监督管理局", "SCJG-210202")
    assert event.after == {"uscc": uscc, "to": "WJ-210202", "reason": "INSPECTION_FINDING", "message": INSPECTION}

    # Sender and recipient each find it on their side; a third department does not see it.
    health, district = city.tokens["district_health"], city.tokens["district"]
    assert [r["id"] for r in await _listed(api, health, direction="RECEIVED", uscc=uscc)] == [sent["id"]]
    assert await _listed(api, health, direction="SENT", uscc=uscc) == []
    assert [r["id"] for r in await _listed(api, district, direction="SENT", uscc=uscc)] == [sent["id"]]
    assert await _listed(api, city.tokens["city_health"], uscc=uscc) == []

    acknowledged = await _act(api, health, sent["id"])
    assert acknowledged["errors"] == [] and acknowledged["referral"]["status"] == "ACKNOWLEDGED"
    assert acknowledged["referral"]["acknowledgedAt"] and acknowledged["referral"]["handledAt"] is None
    audited = await last_audit(db, "referral.acknowledged")
    assert (audited.department_code, audited.before, audited.after) == (
        "WJ-210202", {"status": "SENT"}, {"status": "ACKNOWLEDGED"}
    )  # fmt: skip
    again = await _act(api, health, sent["id"])
    assert _codes(again) == [("id", "ALREADY_ACKNOWLEDGED")]
    assert again["errors"][0]["message"] == "该联动告知已签收，不能再签收"

    blank = await _act(api, health, sent["id"], "   ")
    assert _codes(blank) == [("outcome", "REQUIRED")]
    handled = await _act(api, health, sent["id"], "已立案调查，责令其限期取得许可")
    assert handled["errors"] == []
    done = handled["referral"]
    assert (done["status"], done["outcome"]) == ("HANDLED", "已立案调查，责令其限期取得许可")
    assert done["acknowledgedAt"] == acknowledged["referral"]["acknowledgedAt"] and done["handledAt"]
    audited = await last_audit(db, "referral.handled")
    assert (audited.before, audited.after) == (
        {"status": "ACKNOWLEDGED"}, {"status": "HANDLED", "outcome": "已立案调查，责令其限期取得许可"}
    )  # fmt: skip
    assert _codes(await _act(api, health, sent["id"], "再次办结")) == [("id", "ALREADY_HANDLED")]
    assert _codes(await _act(api, health, sent["id"])) == [("id", "ALREADY_HANDLED")]
    # The sender reads the outcome.
    [seen] = await _listed(api, district, direction="SENT", uscc=uscc)
    assert (seen["status"], seen["outcome"]) == ("HANDLED", "已立案调查，责令其限期取得许可")


async def test_a_referral_handled_without_acknowledging_first_counts_as_acknowledged_then(
    api: Api, city: DemoCity, db: Database
) -> None:
    sent = await _send(api, city.tokens["district"], _referral(city.zhongshan_without_records[1], reason="MANUAL"))
    handled = await _act(api, city.tokens["district_health"], sent["id"], "已转本局卫生监督所处理")
    assert handled["errors"] == []
    done = handled["referral"]
    assert done["status"] == "HANDLED" and done["acknowledgedAt"] == done["handledAt"]
    assert (await last_audit(db, "referral.handled")).before == {"status": "SENT"}


async def test_bad_referrals_are_refused_and_nothing_is_stored(api: Api, city: DemoCity, db: Database) -> None:
    uscc, token = city.zhongshan_without_records[2], city.tokens["district"]
    events = await audit_count(db)
    cases: list[tuple[dict[str, Any], list[tuple[str | None, str]]]] = [
        (_referral(uscc, to="NOPE-1"), [("toDepartmentCode", "UNKNOWN_DEPARTMENT")]),
        (_referral(uscc, to=" "), [("toDepartmentCode", "REQUIRED")]),
        (_referral(uscc, to="SCJG-210202"), [("toDepartmentCode", "SAME_DEPARTMENT")]),
        (_referral(uscc, message="  "), [("message", "REQUIRED")]),
        (_referral(uscc, message="查" * 2001), [("message", "TOO_LONG")]),
        (_referral(uscc, reason="LICENSE_REVOKED"), [("reason", "AUTOMATIC_REASON")]),
        (_referral(uscc, reason="ESCALATION_DUE"), [("reason", "AUTOMATIC_REASON")]),
        (_referral("91210200ABC"), [("uscc", "INVALID_USCC")]),
        (_referral(new_code(body="MA0RFX01")), [("uscc", "UNKNOWN_ENTITY")]),
        # The 西岗区 health bureau could not read what it is told about a 中山区 entity.
        (_referral(uscc, to="WJ-210203"), [("toDepartmentCode", "OUTSIDE_RECIPIENT_JURISDICTION")]),
        # Every problem at once.
        (_referral(uscc, to="NOPE-1", message="", reason="LICENSE_REVOKED"),
         [("reason", "AUTOMATIC_REASON"), ("message", "REQUIRED"), ("toDepartmentCode", "UNKNOWN_DEPARTMENT")]),
    ]  # fmt: skip
    for data, expected in cases:
        payload = (await api.data(SEND, {"i": data}, token))["sendReferral"]
        assert (payload["referral"], _codes(payload)) == (None, expected), data
        assert all(error["message"] for error in payload["errors"])
    # A 西岗区 department cannot see a 中山区 entity, so it cannot refer it either.
    hidden = await api.data(SEND, {"i": _referral(uscc, to="WJ-210203")}, city.tokens["other_district"])
    assert _codes(hidden["sendReferral"]) == [("uscc", "UNKNOWN_ENTITY")]
    # A city department reaches every district, and so does the city health commission it refers to.
    assert (await _send(api, city.tokens["city_health"], _referral(uscc, to="SCJG-210202")))["status"] == "SENT"
    assert await audit_count(db) == events + 1
    assert await _listed(api, city.tokens["maintainer"], uscc=uscc, departmentCode="WJ-210203") == []


async def test_only_the_recipient_acts_and_others_learn_nothing(api: Api, city: DemoCity) -> None:
    sent = await _send(api, city.tokens["district"], _referral(city.zhongshan_without_records[3]))
    own = await _act(api, city.tokens["district"], sent["id"])
    assert _codes(own) == [("id", "NOT_RECIPIENT")]
    # Another department is told exactly what it is told about a referral that does not exist.
    stranger = await _act(api, city.tokens["city_health"], sent["id"], "越权办结")
    missing = await _act(api, city.tokens["city_health"], "999999", "越权办结")
    assert _codes(stranger) == _codes(missing) == [("id", "REFERRAL_NOT_FOUND")]
    assert stranger["errors"][0]["message"].replace(sent["id"], "N") == missing["errors"][0]["message"].replace(
        "999999", "N"
    )
    assert _codes(await _act(api, city.tokens["district_health"], "abc")) == [("id", "REFERRAL_NOT_FOUND")]
    # Maintainers read every referral and act on none.
    for document, variables in ((ACKNOWLEDGE, {"id": sent["id"]}), (HANDLE, {"id": sent["id"], "o": "代为办结"}),
                                (SEND, {"i": _referral(city.zhongshan_without_records[3])})):  # fmt: skip
        body = await api.gql(document, variables, city.tokens["maintainer"])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    seen = await _listed(api, city.tokens["maintainer"], uscc=city.zhongshan_without_records[3])
    assert [(r["id"], r["status"]) for r in seen] == [(sent["id"], "SENT")]
    anonymous = await api.gql(REFERRALS, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_two_acknowledgements_at_once_exactly_one_wins(api: Api, city: DemoCity, db: Database) -> None:
    sent = await _send(api, city.tokens["district"], _referral(city.zhongshan_without_records[4]))
    token = city.tokens["district_health"]
    events = await audit_count(db)
    outcomes = await asyncio.gather(_act(api, token, sent["id"]), _act(api, token, sent["id"]))
    assert sum(1 for o in outcomes if o["errors"] == []) == 1
    assert sorted(e["code"] for o in outcomes for e in o["errors"]) == ["ALREADY_ACKNOWLEDGED"]
    assert await audit_count(db) == events + 1
    handles = await asyncio.gather(_act(api, token, sent["id"], "甲的结果"), _act(api, token, sent["id"], "乙的结果"))
    [winner] = [o for o in handles if o["errors"] == []]
    assert sorted(e["code"] for o in handles for e in o["errors"]) == ["ALREADY_HANDLED"]
    [stored] = await _listed(api, token, uscc=city.zhongshan_without_records[4])
    assert stored["outcome"] == winner["referral"]["outcome"]


async def test_filters_pages_and_the_entity_field_show_each_caller_its_own(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[5]
    district, health, city_health = city.tokens["district"], city.tokens["district_health"], city.tokens["city_health"]
    first = await _send(api, district, _referral(uscc))
    second = await _send(api, district, _referral(uscc, reason="MANUAL", message="该主体已迁址，请更新监管档案"))
    third = await _send(api, health, _referral(uscc, to="SCJG-210202", message="已办结贵局转来的问题，附情况说明"))
    elsewhere = await _send(api, city_health, _referral(uscc, to="SCJG-210202", message="市级抽检发现问题"))
    await _act(api, health, first["id"])

    def ids(found: list[dict[str, Any]]) -> list[str]:
        return [r["id"] for r in found]

    assert ids(await _listed(api, health, uscc=uscc)) == [first["id"], second["id"], third["id"]]
    assert ids(await _listed(api, health, uscc=uscc, status="SENT", direction="RECEIVED")) == [second["id"]]
    assert ids(await _listed(api, health, uscc=uscc, reason="MANUAL")) == [second["id"]]
    assert ids(await _listed(api, district, uscc=uscc, direction="RECEIVED")) == [third["id"], elsewhere["id"]]
    # A department names no other department's referrals; a maintainer names whose it reads.
    assert await _listed(api, health, uscc=uscc, departmentCode="SCJG-210202") == []
    maintainer = city.tokens["maintainer"]
    assert len(await _listed(api, maintainer, uscc=uscc)) == 4
    assert ids(await _listed(api, maintainer, uscc=uscc, departmentCode="WJ-210200")) == [elsewhere["id"]]
    assert ids(await _listed(api, maintainer, uscc=uscc, departmentCode="WJ-210202", direction="SENT")) == [third["id"]]
    vague = await api.gql(REFERRALS, {"f": {"direction": "SENT"}}, maintainer)
    assert vague["errors"][0]["extensions"] == {"code": "DEPARTMENT_REQUIRED", "field": "departmentCode"}

    # Pages follow the order of sending, so a system polling with `after` receives each new one once.
    page = (await api.data(REFERRALS, {"f": {"uscc": uscc}, "first": 2}, health))["referrals"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = await api.data(REFERRALS, {"f": {"uscc": uscc}, "first": 2, "after": page["pageInfo"]["endCursor"]}, health)
    assert ids([e["node"] for e in rest["referrals"]["edges"]]) == [third["id"]]
    bad = await api.gql(REFERRALS, {"after": "bm90LWEtY3Vyc29y"}, health)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"

    on_entity = (await api.data(ON_ENTITY, {"u": uscc}, health))["entity"]["referrals"]
    assert [(r["id"], r["status"]) for r in on_entity] == [
        (first["id"], "ACKNOWLEDGED"), (second["id"], "SENT"), (third["id"], "SENT")
    ]  # fmt: skip
    assert len((await api.data(ON_ENTITY, {"u": uscc}, maintainer))["entity"]["referrals"]) == 4
    assert (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["city"]))["entity"]["referrals"] == []


WITH_REFERRALS = """
query($first: Int) {
  entities(first: $first, filter: {regionCode: "210202"}) {
    edges { node { uscc referrals { id fromDepartment { code } toDepartment { code } license { licenseNumber } } } }
  }
}
"""


async def test_a_page_of_entities_with_their_referrals_costs_a_fixed_handful_of_statements(
    api: Api, city: DemoCity, db: Database
) -> None:
    for uscc in city.zhongshan[:3]:
        await _send(api, city.tokens["district"], _referral(uscc))
    counts = []
    for size in (10, 100):
        statements, data = await counted(api, db, city.tokens["maintainer"], WITH_REFERRALS, size)
        referred = {edge["node"]["uscc"] for edge in data["entities"]["edges"] if edge["node"]["referrals"]}
        assert referred >= set(city.zhongshan[:3])
        counts.append(statements)
    # page, referrals, departments, licenses: never a statement per entity.
    assert counts[0] == counts[1] and counts[1] <= 5


# -- automatic referrals: a revoked license ------------------------------------------------------------------


async def _entity_with_claims(api: Api, city: DemoCity, body: str) -> str:
    """A new 中山区 food business whose notices the district regulator (SP-XS, SP-CY) and the district
    health bureau (WS-CY) received; the health bureau claims its notice, the regulator does not."""
    data = registration(persons=[], uscc=new_code(body=body), businessScope="食品销售；餐饮服务")
    payload = (await api.data(REGISTER_FOR_ROUTING, {"input": data}, city.tokens["district"]))["registerEntity"]
    assert payload["errors"] == []
    [health] = [n["id"] for n in payload["notices"] if n["department"]["code"] == "WJ-210202"]
    claimed = await api.data(CLAIM, {"id": health}, city.tokens["district_health"])
    assert claimed["claimNotice"]["errors"] == []
    return str(payload["entity"]["uscc"])


def _revoking(uscc: str, number: str, document: str, **overrides: Any) -> dict[str, Any]:
    return penalty(uscc, documentNumber=document, categories=["LICENSE_REVOCATION"], fineAmount=None,
                   revokedLicenseNumber=number, content=f"吊销许可证（{number}）", **overrides)  # fmt: skip


async def _automatic(api: Api, city: DemoCity, uscc: str) -> list[tuple[str, str, str | None]]:
    """(from, to, license number) of the entity's automatic referrals, as a maintainer reads them."""
    found = await _listed(api, city.tokens["maintainer"], uscc=uscc, reason="LICENSE_REVOKED")
    return [(r["fromDepartment"]["code"], r["toDepartment"]["code"], r["license"]["licenseNumber"]) for r in found]


async def test_a_revoked_license_refers_once_to_the_registration_authority_and_the_claimers(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = await _entity_with_claims(api, city, "MA0RFA01")
    number = "卫公证字〔2026〕第 210202-0031 号"
    await ok(api, LICENSE, license(uscc, licenseNumber=number), city.tokens["district_health"])
    # The city health commission revokes it: the registration authority and the claiming bureau hear of it.
    decision = "大卫罚〔2026〕31 号"
    done = await ok(api, PENALTY, _revoking(uscc, number, decision), city.tokens["city_health"])
    assert done["revokedLicense"]["status"] == "REVOKED"
    assert sorted(await _automatic(api, city, uscc)) == [
        ("WJ-210200", "SCJG-210202", number),
        ("WJ-210200", "WJ-210202", number),
    ]
    [received] = await _listed(api, city.tokens["district"], uscc=uscc, direction="RECEIVED")
    assert received["status"] == "SENT" and received["license"] == {"licenseNumber": number, "status": "REVOKED"}
    assert decision in received["message"] and number in received["message"]
    assert "大连市卫生健康委员会" in received["message"] and "公共场所卫生许可证" in received["message"]
    audited = await last_audit(db, "referral.sent")
    assert audited.department_code == "WJ-210200" and audited.after is not None
    assert audited.after["reason"] == "LICENSE_REVOKED"

    # Sent again unchanged, or corrected while still revoking the license: no new revocation, no new referral.
    events = await audit_count(db)
    again = await ok(api, PENALTY, _revoking(uscc, number, decision), city.tokens["city_health"])
    assert again["outcome"] == "UNCHANGED" and await audit_count(db) == events
    await ok(api, PENALTY, _revoking(uscc, number, decision, facts="更正后的违法事实。"), city.tokens["city_health"])
    assert len(await _automatic(api, city, uscc)) == 2

    # Withdrawn, the license stands again and nobody is told twice; a new penalty revoking it is a new
    # revocation, and refers again (the earlier referrals stay as they were, acknowledged or not).
    await _act(api, city.tokens["district"], received["id"])
    withdrawn = await api.data(WITHDRAW, {"i": {"documentNumber": decision, "reason": "复议撤销"}},
                               city.tokens["city_health"])  # fmt: skip
    assert withdrawn["withdrawPenalty"]["errors"] == []
    assert len(await _automatic(api, city, uscc)) == 2
    await ok(api, PENALTY, _revoking(uscc, number, "大卫罚〔2026〕32 号"), city.tokens["city_health"])
    statuses = [r["status"] for r in await _listed(api, city.tokens["district"], uscc=uscc, direction="RECEIVED")]
    assert statuses == ["ACKNOWLEDGED", "SENT"]
    assert len(await _automatic(api, city, uscc)) == 4


async def test_the_penalising_department_does_not_refer_to_itself(api: Api, city: DemoCity) -> None:
    uscc = await _entity_with_claims(api, city, "MA0RFA02")
    number = "JY22102020099001"
    await ok(api, LICENSE, license(uscc, licenseNumber=number), city.tokens["district_health"])
    # The district regulator is the registration authority: only the health bureau, which claimed, is told.
    await ok(api, PENALTY, _revoking(uscc, number, "大中市监罚〔2026〕7 号"), city.tokens["district"])
    assert await _automatic(api, city, uscc) == [("SCJG-210202", "WJ-210202", number)]
    # The health bureau revoking a license: the registration authority only (the bureau is the sender).
    other = "卫公证字〔2026〕第 210202-0032 号"
    await ok(api, LICENSE, license(uscc, documentNumber="大卫公许字〔2026〕第 0032 号", licenseNumber=other),
              city.tokens["district_health"])  # fmt: skip
    await ok(api, PENALTY, _revoking(uscc, other, "大中卫罚〔2026〕3 号"), city.tokens["district_health"])
    assert sorted(await _automatic(api, city, uscc)) == [
        ("SCJG-210202", "WJ-210202", number),
        ("WJ-210202", "SCJG-210202", other),
    ]


async def test_a_second_revoking_penalty_refers_only_when_the_revocation_comes_to_rest_on_it(
    api: Api, city: DemoCity
) -> None:
    uscc = await _entity_with_claims(api, city, "MA0RFA03")
    number, commission = "卫公证字〔2026〕第 210202-0033 号", city.tokens["city_health"]
    await ok(api, LICENSE, license(uscc, licenseNumber=number), city.tokens["district_health"])
    await ok(api, PENALTY, _revoking(uscc, number, "大卫罚〔2026〕33 号"), commission)
    # A second decision revoking the same license changes nothing while the first stands: nobody is told.
    await ok(api, PENALTY, _revoking(uscc, number, "大卫罚〔2026〕34 号"), commission)
    assert len(await _automatic(api, city, uscc)) == 2
    # The first withdrawn, the license stays revoked by the second: a revocation on another decision, told again.
    withdrawn = await api.data(WITHDRAW, {"i": {"documentNumber": "大卫罚〔2026〕33 号", "reason": "复议撤销"}},
                               commission)  # fmt: skip
    assert withdrawn["withdrawPenalty"]["errors"] == []
    found = await _listed(api, city.tokens["maintainer"], uscc=uscc, reason="LICENSE_REVOKED")
    decisions = [
        next(d for d in ("“大卫罚〔2026〕33 号”", "“大卫罚〔2026〕34 号”") if d in r["message"]) for r in found
    ]
    assert decisions == ["“大卫罚〔2026〕33 号”"] * 2 + ["“大卫罚〔2026〕34 号”"] * 2


async def test_a_batch_of_revocations_refers_once_however_often_the_file_is_run(
    api: Api, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    uscc = await _entity_with_claims(api, city, "MA0RFB01")
    number = "JY22102020088001"
    revoking = [penalty_row(uscc, 文号="大卫罚〔2026〕40 号", 类别="吊销许可证件", 罚款="", 吊销=number, 来源="")]
    penalties = write_csv(tmp_path / "吊销.csv", PENALTY_HEADER, revoking)
    # The penalty arrives first: no license to revoke yet, nobody to tell.
    first = await import_file(db, RecordKind.PENALTY, penalties, "WJ-210200")
    assert (first.created, first.revoked_licenses) == (1, 0)
    assert await _automatic(api, city, uscc) == []
    # The district bureau's license file arrives: the license is revoked on arrival, and the referrals go out
    # from the penalty's department, not the importer's.
    licenses = [license_row(uscc, 编号=number, 来源="")]
    path = write_csv(tmp_path / "许可.csv", LICENSE_HEADER, licenses)
    dry = await import_file(db, RecordKind.LICENSE, path, "WJ-210202", dry_run=True)
    assert dry.created == 1 and await _automatic(api, city, uscc) == []
    await import_file(db, RecordKind.LICENSE, path, "WJ-210202")
    assert sorted(await _automatic(api, city, uscc)) == [("WJ-210200", "SCJG-210202", number),
                                                         ("WJ-210200", "WJ-210202", number)]  # fmt: skip
    events = await audit_count(db)
    for kind, file, department in ((RecordKind.LICENSE, path, "WJ-210202"),
                                   (RecordKind.PENALTY, penalties, "WJ-210200")):  # fmt: skip
        report = await import_file(db, kind, file, department)
        assert report.unchanged == 1
    assert await audit_count(db) == events and len(await _automatic(api, city, uscc)) == 2

    # A file whose penalty revokes a license already on record refers at once.
    other = "JY22102020088002"
    await ok(api, LICENSE, license(uscc, documentNumber="大卫公许字〔2026〕第 0088 号", licenseNumber=other),
              city.tokens["district_health"])  # fmt: skip
    second = [penalty_row(uscc, 文号="中市监罚〔2026〕41 号", 类别="吊销许可证件", 罚款="", 吊销=other, 来源="")]
    report = await import_file(db, RecordKind.PENALTY, write_csv(tmp_path / "吊销2.csv", PENALTY_HEADER, second),
                               "SCJG-210202")  # fmt: skip
    assert report.revoked_licenses == 1
    assert ("SCJG-210202", "WJ-210202", other) in await _automatic(api, city, uscc)
    assert len(await _automatic(api, city, uscc)) == 3


# -- the demo city ---------------------------------------------------------------------------------------------


async def test_seed_demo_refers_its_revocations_by_the_rule_and_sends_a_few_by_hand(db: Database) -> None:
    await seed_demo(db, seed=3, entities=1200)  # big enough for a few revocations
    async with db.session(Principal.system()) as session:
        referrals = list((await session.scalars(select(Referral).order_by(col(Referral.id)))).all())
        revoked = list((await session.scalars(select(License).where(col(License.revoked_by_id).is_not(None)))).all())
        expected = set()
        for license in revoked:
            assert license.id is not None and license.revoked_by_id is not None
            penalty = await session.get(Penalty, license.revoked_by_id)
            entity = await session.get(MarketEntity, license.entity_id)
            assert penalty is not None and entity is not None
            claimed = await session.scalars(
                select(Notice.department_id).where(
                    col(Notice.entity_id) == entity.id, col(Notice.claimed_at).is_not(None)
                )
            )
            for recipient in {entity.registration_authority_id, *claimed.all()} - {penalty.source_department_id}:
                expected.add(
                    (
                        penalty.source_department_id,
                        recipient,
                        license.id,
                        revocation_key(license.id, license.revoked_by_id),
                    )
                )
        automatic = {(r.from_department_id, r.to_department_id, r.license_id, r.source_key)
                     for r in referrals if r.reason is ReferralReason.LICENSE_REVOKED}  # fmt: skip
        assert automatic == expected

        # The demo's done spot-check plan proposes one listing (its 无法联系 result): a result's, not a hand's.
        proposals = [r for r in referrals if r.reason is ReferralReason.LISTING_PROPOSAL]
        assert len(proposals) == 1 and proposals[0].source_key and proposals[0].source_key.startswith("listing-")
        manual = [
            r for r in referrals if r.reason not in (ReferralReason.LICENSE_REVOKED, ReferralReason.LISTING_PROPOSAL)
        ]
        assert 1 <= len(manual) <= 4
        assert {r.status for r in manual} >= {ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED}
        now = utcnow()
        for referral in manual:
            # As send_referral would have let it through, and as acknowledging and handling leave it.
            assert referral.reason in MANUAL_REASONS and referral.message and referral.source_key is None
            assert referral.from_department_id is not None and referral.from_department_id != referral.to_department_id
            to = await session.get(Department, referral.to_department_id)
            entity = await session.get(MarketEntity, referral.entity_id)
            assert to is not None and entity is not None
            assert to.level is DepartmentLevel.CITY or to.region_code == entity.region_code
            assert referral.sent_at <= now
            acknowledged = referral.status is not ReferralStatus.SENT
            assert (referral.acknowledged_at is not None) == acknowledged
            assert (
                (referral.outcome is not None)
                == (referral.handled_at is not None)
                == (referral.status is ReferralStatus.HANDLED)
            )
            if referral.acknowledged_at is not None:
                assert referral.sent_at <= referral.acknowledged_at <= (referral.handled_at or now) <= now
        # Seen again, each revocation sends nothing new.
        for license in revoked:
            assert license.revoked_by_id is not None
            penalty = await session.get(Penalty, license.revoked_by_id)
            assert penalty is not None
            again = Revocation(penalty.id or 0, penalty.source_department_id, penalty.document_number, license)
            assert await refer_revocation(session, again) == []
