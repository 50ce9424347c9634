"""统计分析 over GraphQL: the counts of a hand-built district (tests/support/statistics.py), each
record placed by its own date with both edges of the period included, fines as exact yuan with the
withdrawn penalty apart, a district department seeing only its own district, and bad input refused
with stable codes before anything is counted."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import MarketEntity
from models.enums import EntityStatus, PenaltyCategory
from services.analysis import cache
from services.platform import clock
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support import statistics as scenario

QUERY = """
query($p: PeriodInput!, $r: String) {
  statistics(period: $p, region: $r) {
    from to regionCode
    entitiesByRegion { key label count } entitiesByIndustry { key label count } entitiesByType { key count }
    entitiesByStatus { key count } entitiesByColour { key label count } registrationsByMonth { key label count }
    licensesByDepartment { key count } licensesByCategory { key count }
    penaltiesByDepartment { key label count amount } penaltiesByCategory { key label count amount }
    withdrawnPenaltiesByDepartment { key count amount }
    complaintsByDepartment { key count } complaintsByCategory { key label count }
    noticesByDepartment { key count } noticesByStatus { key count }
    inspectionsByDepartment { key count } inspectionsByStatus { key count }
    resultsByDepartment { key count } resultsByCategory { key label count }
  }
}
"""
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


async def _statistics(api: Api, token: str, period: dict[str, str], region: str | None) -> dict[str, Any]:
    data = await api.data(QUERY, {"p": period, "r": region}, token)
    result: dict[str, Any] = data["statistics"]
    return result


async def test_the_counts_of_a_known_district_over_a_year(api: Api, city: DemoCity, db: Database) -> None:
    await scenario.build(db)
    stats = await _statistics(api, city.tokens["maintainer"], YEAR, scenario.REGION)
    counts = scenario.counts
    assert (stats["from"], stats["to"], stats["regionCode"]) == ("2025-01-01", "2025-12-31", scenario.REGION)
    # Entities as they stand now, whatever the period.
    assert stats["entitiesByRegion"] == [{"key": scenario.REGION, "label": scenario.REGION_NAME, "count": 4}]
    assert counts(stats["entitiesByIndustry"]) == {"C": 1, "F": 2, "H": 1}
    assert {i["key"]: i["label"] for i in stats["entitiesByIndustry"]}["H"] == "住宿和餐饮业"
    assert counts(stats["entitiesByType"]) == {"COMPANY": 3, "SOLE_TRADER": 1}
    assert counts(stats["entitiesByStatus"]) == {"ACTIVE": 3, "DEREGISTERED": 1}
    assert counts(stats["entitiesByColour"]) == {"GREEN": 2, "YELLOW": 1, "RED": 1}
    assert stats["entitiesByColour"][0] == {"key": "GREEN", "label": "绿色", "count": 2}
    # Established on the first and the last day of 2025; not the day before nor the day after.
    months = stats["registrationsByMonth"]
    assert [m["key"] for m in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert counts(months) == {"2025-01": 1, "2025-12": 1} and months[0]["label"] == "2025年1月"
    assert counts(stats["licensesByDepartment"]) == {"SCJG-210200": 1, "WJ-210200": 1}
    assert counts(stats["licensesByCategory"]) == {"ORDINARY": 1, "VERIFICATION": 1}
    # Fines to the fen; the withdrawn penalty is counted apart, and not in the effective total.
    assert stats["penaltiesByDepartment"] == [
        {"key": "SCJG-210200", "label": "大连市市场监督管理局", "count": 2, "amount": "3000.75"}
    ]
    assert stats["withdrawnPenaltiesByDepartment"] == [{"key": "SCJG-210200", "count": 1, "amount": "300.00"}]
    # By 处罚类别, every category in the law's order: a penalty counts with its fine under each of its
    # categories; the withdrawn one (罚款, 暂扣许可证件) is in neither count nor fines, as per department.
    by_kind = stats["penaltiesByCategory"]
    assert [c["key"] for c in by_kind] == [k.value for k in PenaltyCategory]
    assert {c["key"]: (c["count"], c["amount"]) for c in by_kind if c["count"]} == {
        "WARNING": (1, "1000.50"),
        "FINE": (2, "3000.75"),
        "CONFISCATION_OF_ILLEGAL_GAINS": (1, "2000.25"),
    }
    assert by_kind[2] == {"key": "FINE", "label": "罚款", "count": 2, "amount": "3000.75"}
    assert by_kind[5] == {"key": "LICENSE_SUSPENSION", "label": "暂扣许可证件", "count": 0, "amount": "0.00"}
    assert counts(stats["complaintsByDepartment"]) == {"SCJG-210200": 2}
    assert counts(stats["complaintsByCategory"]) == {"FOOD_SAFETY": 1, "PRICE": 1}
    # Pushed at 00:30 on New Year's Day and 23:30 on New Year's Eve, Beijing time: the first is 2025's.
    assert counts(stats["noticesByDepartment"]) == {"SCJG-210200": 2}
    assert counts(stats["noticesByStatus"]) == {"PUSHED": 1, "CLAIMED": 1}
    assert counts(stats["inspectionsByDepartment"]) == {"SCJG-210200": 2}
    assert counts(stats["inspectionsByStatus"]) == {"RECORDED": 1, "ASSIGNED": 1}
    assert counts(stats["resultsByDepartment"]) == {"SCJG-210200": 1}
    assert {(c["key"], c["label"], c["count"]) for c in stats["resultsByCategory"]} == {
        ("TJ-OK", "未发现问题（测试）", 1),
        ("TJ-FIX", "责令整改（测试）", 1),
    }
    # One day less at each end leaves out what happened on the edge days.
    narrower = await _statistics(api, city.tokens["maintainer"], {"from": "2025-01-02", "to": "2025-12-30"}, "210299")
    assert counts(narrower["registrationsByMonth"]) == {}
    assert narrower["penaltiesByDepartment"][0]["amount"] == "2000.25"
    assert {c["key"]: (c["count"], c["amount"]) for c in narrower["penaltiesByCategory"] if c["count"]} == {
        "FINE": (1, "2000.25"),
        "CONFISCATION_OF_ILLEGAL_GAINS": (1, "2000.25"),
    }
    assert narrower["withdrawnPenaltiesByDepartment"] == [] and counts(narrower["complaintsByCategory"]) == {}
    assert counts(narrower["noticesByStatus"]) == {} and counts(narrower["licensesByCategory"]) == {}


async def test_a_district_department_counts_only_its_district(api: Api, city: DemoCity, db: Database) -> None:
    await scenario.build(db)
    token = city.tokens["district"]  # 中山区市场监督管理局
    other = await _statistics(api, token, YEAR, scenario.REGION)
    assert other["entitiesByRegion"] == [] and counts_total(other["entitiesByStatus"]) == 0
    assert other["penaltiesByDepartment"] == [] and other["complaintsByDepartment"] == []
    assert counts_total(other["penaltiesByCategory"]) == 0
    own = await _statistics(api, token, YEAR, None)
    assert [c["key"] for c in own["entitiesByRegion"]] == ["210202"]
    city_wide = await _statistics(api, city.tokens["maintainer"], YEAR, "210200")  # the city's code: every district
    assert city_wide["regionCode"] is None
    assert {"210202", "210203", scenario.REGION} <= {c["key"] for c in city_wide["entitiesByRegion"]}
    zhongshan = {c["key"]: c["count"] for c in city_wide["entitiesByRegion"]}["210202"]
    assert counts_total(own["entitiesByStatus"]) == zhongshan


def counts_total(items: list[dict[str, Any]]) -> int:
    return sum(item["count"] for item in items)


@pytest.mark.parametrize(
    ("period", "region", "code", "field"),
    [
        ({"from": "2025-12-31", "to": "2025-01-01"}, None, "INVALID_RANGE", "to"),
        ({"from": "2020-01-01", "to": "2025-12-31"}, None, "PERIOD_TOO_LONG", "to"),
        (YEAR, "219999", "UNKNOWN_REGION", "region"),
        (YEAR, "中山区", "INVALID_REGION_CODE", "region"),
    ],
)
async def test_bad_input_is_refused_with_its_code(
    api: Api, city: DemoCity, period: dict[str, str], region: str | None, code: str, field: str
) -> None:
    body = await api.gql(QUERY, {"p": period, "r": region}, city.tokens["district"])
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": code, "field": field}
    assert body["errors"][0]["message"]


async def test_anonymous_callers_get_no_statistics(api: Api, city: DemoCity) -> None:
    body = await api.gql(QUERY, {"p": YEAR, "r": None})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_answer_is_kept_a_few_minutes_and_never_shown_to_another_jurisdiction(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await scenario.build(db)
    now = [1000.0]
    monkeypatch.setattr(clock, "seconds", lambda: now[0])
    first = await _statistics(api, city.tokens["maintainer"], YEAR, scenario.REGION)
    assert counts_total(first["entitiesByStatus"]) == 4
    # The district desk asks the same question right after: its own rows, not the maintainer's kept answer.
    other = await _statistics(api, city.tokens["district"], YEAR, scenario.REGION)
    assert other["entitiesByRegion"] == [] and other["penaltiesByDepartment"] == []
    await _deregister_the_district(db)
    kept = await _statistics(api, city.tokens["maintainer"], YEAR, scenario.REGION)
    assert kept == first  # a reload within the few minutes costs nothing
    now[0] += cache.TTL_SECONDS + 1
    fresh = await _statistics(api, city.tokens["maintainer"], YEAR, scenario.REGION)
    assert scenario.counts(fresh["entitiesByStatus"]) == {"DEREGISTERED": 4}


async def _deregister_the_district(db: Database) -> None:
    async def change(session: AsyncSession) -> None:
        region = col(MarketEntity.region_code) == scenario.REGION
        await session.execute(sa.update(MarketEntity).where(region).values(status=EntityStatus.DEREGISTERED))

    _, problems = await run_change(db, Principal.system(), change)
    assert problems == []


async def test_one_request_asks_for_the_statistics_three_times_at_most(api: Api, city: DemoCity) -> None:
    one = 'statistics(period: {from: "2025-01-01", to: "2025-12-31"}) { entitiesByRegion { key count } }'
    allowed = await api.data("{ " + " ".join(f"s{n}: {one}" for n in range(3)) + " }", {}, city.tokens["maintainer"])
    assert set(allowed) == {"s0", "s1", "s2"}
    body = await api.gql("{ " + " ".join(f"s{n}: {one}" for n in range(4)) + " }", {}, city.tokens["maintainer"])
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
