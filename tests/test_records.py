"""双归集: licenses, penalties and complaints recorded one at a time, by their source department."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.platform.clock import today
from services.platform.db import Database
from services.records.records import LOW_FINE_YUAN
from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.audit import audit_count, last_audit
from tests.support.entities import new_code
from tests.support.records import COMPLAINT, LICENSE, PENALTY, WITHDRAW, license, penalty

ON_ENTITY = """
query($u: String!) {
  entity(uscc: $u) {
    licenses { totalCount edges { node { documentNumber status sourceDepartment { code } } } }
    penalties(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { documentNumber } } }
    complaints { totalCount edges { node { reference } } }
  }
}
"""
PUBLICITY = """
query($u: String!) { publicity(uscc: $u) { name licenses { documentNumber } penalties { documentNumber } } }
"""


async def test_a_license_is_recorded_once_and_a_correction_is_audited(api: Api, city: DemoCity, db: Database) -> None:
    uscc, token = city.zhongshan_without_records[0], city.tokens["city_health"]
    first = await ok(api, LICENSE, license(uscc), token)
    assert first["outcome"] == "CREATED"
    stored = first["license"]
    assert (stored["status"], stored["longTerm"], stored["sourceDepartment"]) == (
        "EFFECTIVE",
        True,
        {"code": "WJ-210200"},
    )
    assert stored["authorityName"] == "大连市卫生健康委员会" and stored["partyName"]

    events = await audit_count(db)
    again = await ok(api, LICENSE, license(uscc), token)
    assert again["outcome"] == "UNCHANGED" and await audit_count(db) == events

    corrected = await ok(api, LICENSE, license(uscc, content="住宿场所卫生许可"), token)
    assert (corrected["outcome"], corrected["license"]["content"]) == ("UPDATED", "住宿场所卫生许可")
    event = await last_audit(db, "license.updated")
    assert event.before is not None and event.after is not None
    assert (event.before["content"], event.after["content"]) == ("住宿、美容美发场所卫生许可", "住宿场所卫生许可")
    assert event.department_code == "WJ-210200"

    shown = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["district"]))["entity"]
    assert shown["licenses"]["totalCount"] == 1
    assert shown["licenses"]["edges"][0]["node"]["sourceDepartment"] == {"code": "WJ-210200"}


async def test_bad_records_are_refused_with_their_field_and_nothing_is_stored(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc, token = city.zhongshan_without_records[0], city.tokens["city_health"]
    events = await audit_count(db)
    cases: list[tuple[str, dict[str, Any], set[tuple[str, str]]]] = [
        (LICENSE, license(new_code(body="MA0UNK01")), {("uscc", "UNKNOWN_ENTITY")}),
        (LICENSE, license("91210200ABC"), {("uscc", "INVALID_USCC")}),
        (LICENSE, license(uscc, validFrom="2026-05-01", validTo="2026-04-30"), {("validTo", "INVALID_RANGE")}),
        (LICENSE, license(uscc, decisionDate=(today() + timedelta(days=1)).isoformat()),
         {("decisionDate", "DATE_IN_FUTURE")}),
        (LICENSE, license(uscc, documentNumber=" "), {("documentNumber", "REQUIRED")}),
        (PENALTY, penalty(uscc, fineAmount="-1"), {("fineAmount", "INVALID_AMOUNT")}),
        (PENALTY, penalty(uscc, categories=[]), {("categories", "REQUIRED")}),
        (PENALTY, penalty(uscc, categories=["LICENSE_REVOCATION"], fineAmount=None),
         {("revokedLicenseNumber", "REQUIRED")}),
        (PENALTY, penalty(uscc, publicUntil="2020-01-01"), {("publicUntil", "INVALID_RANGE")}),
    ]  # fmt: skip
    for document, data, expected in cases:
        payload = next(iter((await api.data(document, {"i": data}, token)).values()))
        assert {(e["field"], e["code"]) for e in payload["errors"]} == expected, data
        assert all(e["message"] for e in payload["errors"])
    unknown_category = await api.gql(PENALTY, {"i": penalty(uscc, categories=["BEHEADING"])}, token)
    assert unknown_category["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await audit_count(db) == events
    shown = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["maintainer"]))["entity"]
    assert shown["licenses"]["totalCount"] == shown["penalties"]["totalCount"] == 0


async def test_a_revocation_revokes_the_named_license_and_withdrawing_it_restores_it(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan_without_records[1]
    number = "JY22102020012345"
    await ok(api, LICENSE, license(uscc, licenseNumber=number), city.tokens["district_health"])
    revoking = penalty(uscc, categories=["LICENSE_REVOCATION"], fineAmount=None, revokedLicenseNumber=number)
    done = await ok(api, PENALTY, revoking, city.tokens["district"])
    assert done["revokedLicense"]["licenseNumber"] == number
    assert done["revokedLicense"]["status"] == "REVOKED"
    assert "大市监罚〔2026〕88 号" in done["revokedLicense"]["statusReason"]
    event = await last_audit(db, "license.revoked")
    assert event.department_code == "SCJG-210202"

    other = await api.data(WITHDRAW, {"i": {"documentNumber": "大市监罚〔2026〕88 号", "reason": "复议撤销"}},
                           city.tokens["other_district"])  # fmt: skip
    assert [e["code"] for e in other["withdrawPenalty"]["errors"]] == ["PENALTY_NOT_FOUND"]
    withdrawn = await api.data(
        WITHDRAW,
        {"i": {"documentNumber": "大市监罚〔2026〕88 号", "reason": "行政复议决定撤销"}},
        city.tokens["district"],
    )
    assert withdrawn["withdrawPenalty"]["penalty"] == {"status": "WITHDRAWN", "statusReason": "行政复议决定撤销"}
    shown = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["district"]))["entity"]
    assert shown["licenses"]["edges"][0]["node"]["status"] == "EFFECTIVE"
    again = await api.data(WITHDRAW, {"i": {"documentNumber": "大市监罚〔2026〕88 号", "reason": "再次"}},
                           city.tokens["district"])  # fmt: skip
    assert [e["code"] for e in again["withdrawPenalty"]["errors"]] == ["ALREADY_WITHDRAWN"]
    corrected = await api.data(PENALTY, {"i": penalty(uscc, content="更正")}, city.tokens["district"])
    assert [e["code"] for e in corrected["recordPenalty"]["errors"]] == ["RECORD_CLOSED"]


LICENSES_OF = """
query($u: String!) { entity(uscc: $u) { licenses { edges { node { licenseNumber status statusReason } } } } }
"""


async def test_a_revocation_follows_the_records_whatever_order_they_arrive_in(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc, district, health = city.zhongshan_without_records[5], city.tokens["district"], city.tokens["district_health"]
    first, second, other = "JY-1", "JY-2", "JY-3"

    async def standing() -> dict[str, tuple[str, str | None]]:
        edges = (await api.data(LICENSES_OF, {"u": uscc}, district))["entity"]["licenses"]["edges"]
        return {e["node"]["licenseNumber"]: (e["node"]["status"], e["node"]["statusReason"]) for e in edges}

    def revoking(number: str, document: str, **overrides: Any) -> dict[str, Any]:
        return penalty(uscc, documentNumber=document, categories=["LICENSE_REVOCATION"], fineAmount=None,
                       revokedLicenseNumber=number, **overrides)  # fmt: skip

    # The penalty arrives before the license it revokes: the license is revoked on arrival.
    early = await ok(api, PENALTY, revoking(first, "罚-早"), district)
    assert early["revokedLicense"] is None
    arrived = await ok(api, LICENSE, license(uscc, licenseNumber=first), health)
    assert arrived["license"]["status"] == "REVOKED"
    assert (await last_audit(db, "license.revoked")).department_code == "WJ-210202"
    # A second license bearing the same number (another department's) is revoked with it.
    await ok(api, LICENSE, license(uscc, documentNumber="大市监许〔2026〕7 号", licenseNumber=first), district)
    assert await standing() == {first: ("REVOKED", "被行政处罚决定“罚-早”吊销")}

    # Two penalties revoke it; withdrawing one leaves it revoked by the other.
    later = await ok(api, PENALTY, revoking(first, "罚-晚", decisionDate=(today() - timedelta(days=5)).isoformat()),
                      district)  # fmt: skip
    assert later["revokedLicense"] is None, "already revoked: nothing changes"
    withdrawn = await api.data(WITHDRAW, {"i": {"documentNumber": "罚-早", "reason": "复议撤销"}}, district)
    assert withdrawn["withdrawPenalty"]["errors"] == []
    assert await standing() == {first: ("REVOKED", "被行政处罚决定“罚-晚”吊销")}

    # Corrected so that it no longer revokes: the licenses stand again, audited with the cause.
    events = await audit_count(db)
    await ok(api, PENALTY, penalty(uscc, documentNumber="罚-晚", categories=["WARNING"], fineAmount=None), district)
    assert await standing() == {first: ("EFFECTIVE", None)}
    restored = await last_audit(db, "license.restored")
    assert restored.after == {"status": "EFFECTIVE", "cause": "处罚决定“罚-晚”已更正"}
    assert await audit_count(db) == events + 3, "the correction and each license's restoration"

    # Corrected to name another license: that one is revoked, and the first is not.
    await ok(api, LICENSE, license(uscc, documentNumber="大卫公许字〔2026〕第 0013 号", licenseNumber=second), health)
    moved = await ok(api, PENALTY, revoking(second, "罚-晚"), district)
    assert moved["revokedLicense"]["licenseNumber"] == second
    assert (await standing())[second][0] == "REVOKED"
    renamed = await ok(api, PENALTY, revoking(other, "罚-晚"), district)
    assert renamed["revokedLicense"] is None
    assert {number: status for number, (status, _) in (await standing()).items()} == {
        first: "EFFECTIVE",
        second: "EFFECTIVE",
    }

    # A license corrected to the number a standing penalty names is revoked; corrected away, it stands.
    renumbered = license(uscc, documentNumber="大卫公许字〔2026〕第 0013 号", licenseNumber=other)
    assert (await ok(api, LICENSE, renumbered, health))["license"]["status"] == "REVOKED"
    back = license(uscc, documentNumber="大卫公许字〔2026〕第 0013 号", licenseNumber=second)
    assert (await ok(api, LICENSE, back, health))["license"]["status"] == "EFFECTIVE"


async def test_publicity_periods_follow_the_penalty_and_the_public_sees_only_what_is_in_them(
    api: Api, city: DemoCity
) -> None:
    uscc, token = city.zhongshan_without_records[2], city.tokens["district"]
    decided = today() - timedelta(days=10)
    light = await ok(api, PENALTY, penalty(uscc, documentNumber="轻-1", categories=["WARNING"], fineAmount=None), token)
    assert date.fromisoformat(light["penalty"]["publicUntil"]) == _months_after(decided, 3)
    low_fine = penalty(uscc, documentNumber="轻-2", categories=["FINE"], fineAmount=str(LOW_FINE_YUAN))
    assert date.fromisoformat((await ok(api, PENALTY, low_fine, token))["penalty"]["publicUntil"]) == _months_after(
        decided, 3
    )
    heavy = await ok(api, PENALTY, penalty(uscc, documentNumber="重-1", fineAmount=str(LOW_FINE_YUAN + 1)), token)
    assert date.fromisoformat(heavy["penalty"]["publicUntil"]) == _months_after(decided, 36)
    given = await ok(api, PENALTY, penalty(uscc, documentNumber="定-1", publicUntil="2030-06-30"), token)
    assert given["penalty"]["publicUntil"] == "2030-06-30"
    # Decided four months ago, a warning's three months are over: no longer public.
    old = today() - timedelta(days=125)
    expired = penalty(
        uscc, documentNumber="旧-1", categories=["WARNING"], fineAmount=None, decisionDate=old.isoformat()
    )
    await ok(api, PENALTY, expired, token)
    await ok(api, PENALTY, penalty(uscc, documentNumber="撤-1"), token)
    await api.data(WITHDRAW, {"i": {"documentNumber": "撤-1", "reason": "撤销"}}, token)
    await ok(api, LICENSE, license(uscc), city.tokens["district_health"])

    public = (await api.data(PUBLICITY, {"u": uscc}))["publicity"]
    assert sorted(p["documentNumber"] for p in public["penalties"]) == ["定-1", "轻-1", "轻-2", "重-1"]
    assert [item["documentNumber"] for item in public["licenses"]] == ["大卫公许字〔2026〕第 0012 号"]
    paged = (await api.data(ON_ENTITY, {"u": uscc}, token))["entity"]["penalties"]
    assert paged["totalCount"] == 6 and paged["pageInfo"]["hasNextPage"] is True


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    while True:
        try:
            return date(year, month, day.day)
        except ValueError:
            day = day - timedelta(days=1)


async def test_complaints_are_idempotent_per_reference_and_checked(api: Api, city: DemoCity, db: Database) -> None:
    uscc, token = city.zhongshan_without_records[3], city.tokens["district"]
    received = (today() - timedelta(days=20)).isoformat()
    data = {"uscc": uscc, "reference": "12345-20261101-0042", "receivedOn": received, "category": "FOOD_SAFETY"}
    assert (await ok(api, COMPLAINT, data, token))["outcome"] == "CREATED"
    assert (await ok(api, COMPLAINT, data, token))["outcome"] == "UNCHANGED"
    missing = await api.data(COMPLAINT, {"i": {**data, "resolved": True}}, token)
    assert {(e["field"], e["code"]) for e in missing["recordComplaint"]["errors"]} == {("resolvedOn", "REQUIRED")}
    early = {**data, "resolved": True, "resolvedOn": (today() - timedelta(days=21)).isoformat()}
    early_errors = (await api.data(COMPLAINT, {"i": early}, token))["recordComplaint"]["errors"]
    assert {(e["field"], e["code"]) for e in early_errors} == {("resolvedOn", "INVALID_RANGE")}
    resolved = {**data, "resolved": True, "resolvedOn": (today() - timedelta(days=2)).isoformat()}
    done = await ok(api, COMPLAINT, resolved, token)
    assert (done["outcome"], done["complaint"]["resolved"]) == ("UPDATED", True)
    shown = (await api.data(ON_ENTITY, {"u": uscc}, token))["entity"]["complaints"]
    assert shown["totalCount"] == 1


async def test_records_belong_to_their_source_department(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[4]
    other = await api.gql(LICENSE, {"i": license(uscc, departmentCode="WJ-210202")}, city.tokens["district"])
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unnamed = (await api.data(LICENSE, {"i": license(uscc)}, city.tokens["maintainer"]))["recordLicense"]
    assert [(e["field"], e["code"]) for e in unnamed["errors"]] == [("departmentCode", "DEPARTMENT_REQUIRED")]
    on_behalf = await ok(api, LICENSE, license(uscc, departmentCode="WJ-210202"), city.tokens["maintainer"])
    assert on_behalf["license"]["sourceDepartment"] == {"code": "WJ-210202"}
    # The same document number from another department is that department's own record.
    theirs = await ok(api, LICENSE, license(uscc), city.tokens["city_health"])
    assert theirs["outcome"] == "CREATED"
    # A district department cannot record for an entity outside its district.
    outside = (await api.data(LICENSE, {"i": license(city.xigang[0])}, city.tokens["district_health"]))["recordLicense"]
    assert [e["code"] for e in outside["errors"]] == ["UNKNOWN_ENTITY"]


async def test_a_long_document_number_is_stored_and_audited_whole(api: Api, city: DemoCity, db: Database) -> None:
    number = "大连市市场监督管理局行政处罚决定书" + "〔2026〕第" + "1" * 90 + "号"
    assert 100 < len(number) <= 128
    uscc = city.zhongshan_without_records[0]
    done = await ok(api, PENALTY, penalty(uscc, documentNumber=number), city.tokens["district"])
    assert done["penalty"]["documentNumber"] == number
    assert (await last_audit(db, "penalty.created")).object_id == number


REPAIR = """
mutation($i: RepairPenaltyInput!) { repairPenalty(input: $i) { penalty { status statusReason } errors { code } } }
"""


async def test_a_repaired_penalty_leaves_the_public_view_but_stays_on_record(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc, token = city.zhongshan_without_records[1], city.tokens["district"]
    await ok(api, PENALTY, penalty(uscc, documentNumber="修-1"), token)
    assert [p["documentNumber"] for p in (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["penalties"]] == ["修-1"]
    repair = {"documentNumber": "修-1", "reason": "已完成信用修复（整改到位并公开承诺）"}
    done = (await api.data(REPAIR, {"i": repair}, token))["repairPenalty"]
    assert done["penalty"] == {"status": "REPAIRED", "statusReason": repair["reason"]}
    assert (await last_audit(db, "penalty.repaired")).object_id == "修-1"
    assert (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["penalties"] == []
    kept = (await api.data(ON_ENTITY, {"u": uscc}, token))["entity"]["penalties"]
    assert kept["totalCount"] == 1
    again = (await api.data(REPAIR, {"i": repair}, token))["repairPenalty"]
    assert [e["code"] for e in again["errors"]] == ["ALREADY_REPAIRED"]
    corrected = await api.data(PENALTY, {"i": penalty(uscc, documentNumber="修-1", content="更正")}, token)
    assert [e["code"] for e in corrected["recordPenalty"]["errors"]] == ["RECORD_CLOSED"]
    # Withdrawn decisions cannot be repaired.
    await ok(api, PENALTY, penalty(uscc, documentNumber="修-2"), token)
    await api.data(WITHDRAW, {"i": {"documentNumber": "修-2", "reason": "撤销"}}, token)
    closed = (await api.data(REPAIR, {"i": {"documentNumber": "修-2", "reason": "修复"}}, token))["repairPenalty"]
    assert [e["code"] for e in closed["errors"]] == ["RECORD_CLOSED"]


async def test_review_edges_closed_records_reach_and_nul(api: Api, city: DemoCity) -> None:
    uscc, token = city.zhongshan_without_records[2], city.tokens["district"]
    # The same record sent again after its withdrawal (a periodic full export) is unchanged, not refused.
    await ok(api, PENALTY, penalty(uscc, documentNumber="闭-1"), token)
    await api.data(WITHDRAW, {"i": {"documentNumber": "闭-1", "reason": "撤销"}}, token)
    assert (await ok(api, PENALTY, penalty(uscc, documentNumber="闭-1"), token))["outcome"] == "UNCHANGED"
    # A maintainer acting for a district department reaches no further than that department.
    outside = license(city.xigang[0], departmentCode="SCJG-210202")
    refused = (await api.data(LICENSE, {"i": outside}, city.tokens["maintainer"]))["recordLicense"]
    assert [e["code"] for e in refused["errors"]] == ["UNKNOWN_ENTITY"]
    # A NUL character is refused by the mutation as by the batch import.
    damaged = (await api.data(LICENSE, {"i": license(uscc, content="住宿\x00服务")}, token))["recordLicense"]
    assert [(e["field"], e["code"]) for e in damaged["errors"]] == [("content", "INVALID_TEXT")]
