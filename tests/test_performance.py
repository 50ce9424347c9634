"""绩效考核: every measure against values counted by hand on a scenario across National Day 2026
(tests/support/performance.py), the period's checks with a maintainer's own maximum, and who may read
which department."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import AuditEvent, Department, MarketEntity, Notice, Penalty, Referral, SupervisionMatter
from models.enums import NoticeStatus, PenaltyCategory, RecordStatus, ReferralReason, ReferralStatus, Role
from services.analysis import cache
from services.analysis.parameters import set_max_period_days
from services.analysis.performance import ranking
from services.analysis.performance_records import MEASURES as LINKED
from services.analysis.performance_records import records_behind
from services.platform import calendar, clock
from services.platform.db import Database
from services.platform.errors import DomainError, Forbidden
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.entities import new_code, registration
from tests.support.performance import (
    AS_OF,
    EXPECTED,
    EXPECTED_AS_OF,
    FROM,
    PERF_CODE,
    PERF_NAME,
    TO,
    bj,
    build_scenario,
    perf_department_id,
)

MEASURES = """
query($code: String!, $from: Date!, $to: Date!) {
  departmentPerformance(departmentCode: $code, from: $from, to: $to) {
    department { code }
    period { from to days }
    notices { received claimed claimedRate claimedInTime claimedInTimeRate medianClaimDays forwarded returned
              overdue claimedFromPool feedbackGiven feedbackRate toClaim feedbackDue }
    spotChecks { plansRun tasksDue tasksDoneByDue tasksDoneRate resultsRecorded resultsPublishedInTime
                 resultsPublishedRate resultsToPublish }
    licenses { aggregated withinDeadline withinDeadlineRate medianLagDays }
    penalties { aggregated withinDeadline withinDeadlineRate medianLagDays }
    referrals { received acknowledged acknowledgedRate handled handledRate medianAcknowledgeDays
                medianHandleDays }
  }
}"""


def _vars(code: str = PERF_CODE, start: str = FROM.isoformat(), end: str = TO.isoformat()) -> dict[str, Any]:
    return {"code": code, "from": start, "to": end}


async def test_every_measure_matches_the_hand_count(api: Api, city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    data = await api.data(MEASURES, _vars(), token=city.tokens["maintainer"])
    found = data["departmentPerformance"]
    assert found["department"]["code"] == PERF_CODE
    assert found["period"] == {"from": "2026-09-21", "to": "2026-10-31", "days": 41}
    for group, measures in EXPECTED.items():
        assert found[group] == measures, group


POOL_CLAIM = """
mutation($u: String!) { claimFromPool(uscc: $u, matterCode: "WS-CY") { notice { id reason } errors { code } } }"""
REGISTER = "mutation($input: RegisterEntityInput!) { registerEntity(input: $input) { notices { id } errors { code } } }"
FEEDBACK = """
mutation($id: ID!) { giveNoticeFeedback(id: $id, input: {kind: NO_LICENSE_NEEDED}) { errors { code } } }"""


async def test_a_claim_from_the_open_pool_is_counted_apart_from_the_notices_pushed(
    api: Api, city: DemoCity, db: Database
) -> None:
    """claimFromPool makes a notice already claimed, on the day: the health office's measures of the day
    count it as claimed from the pool and, once fed back, in the feedback; received, claimed, claimed in
    time and the claim time stay as they were."""
    health = city.tokens["district_health"]
    day = _vars(code="WJ-210202", start=clock.today().isoformat(), end=clock.today().isoformat())
    before = (await api.data(MEASURES, day, token=health))["departmentPerformance"]["notices"]
    uscc = new_code(body="MA0QW3P1")
    registered = await api.data(REGISTER, {"input": registration(persons=[], uscc=uscc, businessScope="软件开发")},
                                token=city.tokens["district"])  # fmt: skip
    assert registered["registerEntity"] == {"notices": [], "errors": []}  # matches nothing: it stands in the pool
    claimed = (await api.data(POOL_CLAIM, {"u": uscc}, token=health))["claimFromPool"]
    assert claimed["errors"] == [] and claimed["notice"]["reason"] == "POOL"
    after = (await api.data(MEASURES, day, token=health))["departmentPerformance"]["notices"]
    assert after == {
        **before,
        "claimedFromPool": before["claimedFromPool"] + 1,
        "feedbackDue": before["feedbackDue"] + 1,
        "feedbackRate": after["feedbackRate"],
    }
    assert (await api.data(FEEDBACK, {"id": claimed["notice"]["id"]}, token=health))["giveNoticeFeedback"] == {
        "errors": []
    }
    fed_back = (await api.data(MEASURES, day, token=health))["departmentPerformance"]["notices"]
    assert fed_back["feedbackGiven"] == before["feedbackGiven"] + 1
    assert {name: fed_back[name] for name in ("received", "claimed", "claimedInTime", "medianClaimDays")} == {
        name: before[name] for name in ("received", "claimed", "claimedInTime", "medianClaimDays")
    }
    async with db.session(Principal.system()) as session:
        pooled = await records_behind(session, "WJ-210202", clock.today(), clock.today(), "notices.claimed_from_pool")
    # Fed back, and no claim time: it was never pushed.
    assert [(row.uscc, row.status, row.working_days) for row in pooled.rows] == [
        (uscc, "已反馈（从待认领池认领）", None)
    ]


async def test_the_rates_count_only_what_was_due_by_the_day_they_are_read(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_scenario(db)
    monkeypatch.setattr("services.analysis.performance.today", lambda: AS_OF)
    data = await api.data(MEASURES, _vars(), token=city.tokens["maintainer"])
    found = data["departmentPerformance"]
    for group, measures in EXPECTED_AS_OF.items():
        assert {name: found[group][name] for name in measures} == measures, group
    async with db.session(Principal.system()) as session:
        due = await records_behind(session, PERF_CODE, FROM, TO, "spot_checks.tasks_due")
    assert len(due.rows) == 2  # the records page lists the tasks the rate counts


async def test_an_empty_period_counts_nothing_and_has_no_rates(api: Api, city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    data = await api.data(MEASURES, _vars(start="2026-12-01", end="2026-12-02"), token=city.tokens["maintainer"])
    found = data["departmentPerformance"]
    assert found["notices"]["received"] == 0
    assert found["notices"]["claimedRate"] is None and found["notices"]["medianClaimDays"] is None
    nothing = {"aggregated": 0, "withinDeadline": 0, "withinDeadlineRate": None, "medianLagDays": None}
    assert found["licenses"] == nothing


async def test_the_ranking_holds_the_same_numbers_for_every_department(city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    async with db.session(Principal.system()) as session:
        rows = await ranking(session, FROM, TO)
    by_code = {row.department.code: row for row in rows}
    assert len(by_code) > 10  # every department of the demo city, and ours
    ours = by_code[PERF_CODE]
    assert ours.notices.received == 8 and ours.notices.claimed_in_time == 3
    assert ours.licenses.within_deadline == 2 and ours.penalties.aggregated == 2
    # The other department's forwarded notice, its licence and the referral it received are its own.
    other = by_code["SCJG-210202"]
    assert other.licenses.aggregated >= 1 and other.referrals.received >= 1 and other.notices.forwarded >= 1


async def _errors(api: Api, token: str | None, **variables: str) -> list[str]:
    body = await api.gql(MEASURES, _vars(**variables), token=token)
    assert body.get("data") is None or body["data"]["departmentPerformance"] is None
    return [error["extensions"]["code"] for error in body["errors"]]


async def test_bad_periods_and_unknown_departments_are_refused(api: Api, city: DemoCity, db: Database) -> None:
    maintainer = city.tokens["maintainer"]
    assert await _errors(api, maintainer, start="2026-10-31", end="2026-10-01") == ["INVALID_RANGE"]
    assert await _errors(api, maintainer, code="NO-SUCH") == ["UNKNOWN_DEPARTMENT"]
    # Three years and a day by default: four years is too long.
    assert await _errors(api, maintainer, start="2022-01-01", end="2025-12-31") == ["PERIOD_TOO_LONG"]


async def test_a_maintainer_shortens_the_longest_period_and_it_is_audited(
    api: Api, city: DemoCity, db: Database
) -> None:
    await build_scenario(db)
    maintainer = city.tokens["maintainer"]
    await api.data(MEASURES, _vars(), token=maintainer)  # 41 days: allowed by default
    _, problems = await run_change(db, Principal.system("张维护"), lambda s: set_max_period_days(s, 31))
    assert problems == []
    assert await _errors(api, maintainer) == ["PERIOD_TOO_LONG"]
    await api.data(MEASURES, _vars(start="2026-10-01", end="2026-10-31"), token=maintainer)  # 31 days
    async with db.session(Principal.system()) as session:
        event = await session.scalar(select(AuditEvent).where(col(AuditEvent.action) == "analysis.parameters_set"))
    assert event is not None and event.actor == "张维护"
    assert event.before == {"maxPeriodDays": 1099} and event.after == {"maxPeriodDays": 31}


async def test_a_department_reads_its_own_only_and_the_public_nothing(api: Api, city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    assert await _errors(api, city.tokens["district"]) == ["FORBIDDEN"]  # 中山区市场监管局 asks for ours
    assert await _errors(api, None) == ["UNAUTHENTICATED"]
    own = await api.data(MEASURES, _vars(code="SCJG-210202"), token=city.tokens["district"])
    assert own["departmentPerformance"]["notices"]["forwarded"] == 1  # the notice it forwarded to ours


async def test_the_maintainers_page_sets_the_longest_period(api: Api, city: DemoCity, db: Database) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get("/admin/analysis-parameters/list")).text
    assert re.search(r'id="max-period-days">1099<', page) and "默认值" in page
    token = await csrf(client, "/admin/analysis-parameters/create")
    refused = await client.post("/admin/analysis-parameters/create", data={"max_period_days": "0", "csrftoken": token})
    assert "最长统计期间须为 1 至" in refused.text
    token = await csrf(client, "/admin/analysis-parameters/create")
    accepted = await client.post(
        "/admin/analysis-parameters/create", data={"max_period_days": "31", "csrftoken": token}
    )
    assert accepted.status_code in (302, 303)
    page = (await client.get("/admin/analysis-parameters/list")).text
    assert re.search(r'id="max-period-days">31<', page) and "已设置" in page and "演示维护人员" in page
    # The ranking page now refuses a longer period, in Chinese.
    ranked = await client.get("/admin/performance?from=2026-09-01&to=2026-10-31")
    assert ranked.status_code == 400 and "统计期间过长：最长 31 天" in ranked.text


async def test_the_records_behind_each_number_are_as_many_as_it_counts(city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    async with db.session(Principal.system()) as session:
        [ours] = [row for row in await ranking(session, FROM, TO) if row.department.code == PERF_CODE]
        for measure in LINKED:
            group, name = measure.split(".")
            behind = await records_behind(session, PERF_CODE, FROM, TO, measure)
            assert len(behind.rows) == getattr(getattr(ours, group), name), measure
        late = await records_behind(session, PERF_CODE, FROM, TO, "licenses.aggregated")
        assert sorted(row.working_days or 0 for row in late.rows) == [0, 7, 8]
        within = await records_behind(session, PERF_CODE, FROM, TO, "licenses.within_deadline")
        assert sorted(row.working_days or 0 for row in within.rows) == [0, 7]
        # 签收 counts to the acknowledgement: R1 acknowledged after 2 working days (handled after 4), R2 the same day.
        acknowledged = await records_behind(session, PERF_CODE, FROM, TO, "referrals.acknowledged")
        assert sorted(row.working_days or 0 for row in acknowledged.rows) == [0, 2]
        handled = await records_behind(session, PERF_CODE, FROM, TO, "referrals.handled")
        assert [row.working_days for row in handled.rows] == [4]


async def test_a_department_cannot_list_the_records_behind_anothers_numbers(city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    async with db.session(Principal.system()) as session:
        other = await session.scalar(select(Department).where(col(Department.code) == "SCJG-210202"))
    assert other is not None
    district = Principal.acting_for(Role.DEPARTMENT, "中山区市场监督管理局", other)
    async with db.session(district) as session:
        with pytest.raises(Forbidden):
            await records_behind(session, PERF_CODE, FROM, TO, "notices.received")
        with pytest.raises(DomainError) as unknown:
            await records_behind(session, "SCJG-210202", FROM, TO, "notices.nothing")
    assert unknown.value.problems[0].code == "UNKNOWN_MEASURE"


async def test_a_department_user_sees_its_own_row_only(api: Api, city: DemoCity, db: Database) -> None:
    await build_scenario(db)
    login = next(login for login in city.report.logins if login.department_code == "SCJG-210202")
    await sign_in(api.client, login.username, login.password)
    page = await api.client.get(f"/admin/performance?from={FROM}&to={TO}")
    assert page.status_code == 200
    assert re.findall(r'<tr data-department="([^"]+)"', page.text) == ["SCJG-210202"]
    refused = await api.client.get(
        f"/admin/performance/records?from={FROM}&to={TO}&department={PERF_CODE}&measure=notices.received"
    )
    assert refused.status_code == 403 and "只能查看本部门的绩效考核" in refused.text


async def test_the_ranking_is_kept_a_few_minutes_per_caller_and_period(
    city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_scenario(db)
    now = [1000.0]
    monkeypatch.setattr(clock, "seconds", lambda: now[0])
    async with db.session(Principal.system()) as session:
        first = await ranking(session, FROM, TO)
        other = await session.scalar(select(Department).where(col(Department.code) == "SCJG-210202"))
    assert other is not None and len(first) > 10
    # A department asking right after gets its own row, not the maintainers' kept answer.
    async with db.session(Principal.acting_for(Role.DEPARTMENT, "中山区市场监督管理局", other)) as session:
        assert [row.department.code for row in await ranking(session, FROM, TO)] == ["SCJG-210202"]

    async def claim_the_overdue_notice(session: AsyncSession) -> None:
        overdue = (col(Notice.department_id) == await perf_department_id(session)) & (
            col(Notice.status) == NoticeStatus.PUSHED
        )
        await session.execute(
            sa.update(Notice).where(overdue).values(status=NoticeStatus.CLAIMED, claimed_at=bj("2026-10-30"))
        )

    await run_change(db, Principal.system(), claim_the_overdue_notice)
    async with db.session(Principal.system()) as session:
        kept = {row.department.code: row for row in await ranking(session, FROM, TO)}
        assert kept[PERF_CODE].notices.claimed == 4  # a sort or an export within minutes: the same answer
        now[0] += cache.TTL_SECONDS + 1
        fresh = {row.department.code: row for row in await ranking(session, FROM, TO)}
    assert fresh[PERF_CODE].notices.claimed == 6  # N6 and N10 claimed since


async def test_working_days_far_outside_the_period_count_from_the_calendar_all_the_same(
    api: Api, city: DemoCity, db: Database
) -> None:
    """The database counts working days over the period and WINDOW_DAYS either side; a decision long before
    its storing, or a claim or a handling long after, counts by the same calendar."""
    june = {"code": PERF_CODE, "from": "2026-06-01", "to": "2026-06-30"}

    async def add(session: AsyncSession) -> None:
        own = await perf_department_id(session)
        # Entities the scenario's notices and records do not use (a notice is one per entity and matter).
        ids = await session.scalars(select(col(MarketEntity.id)).order_by(col(MarketEntity.id)).offset(12).limit(3))
        first, second, entity = (int(i or 0) for i in ids.all())
        matter = await session.scalar(select(col(SupervisionMatter.id)).limit(1))
        other = await session.scalar(select(col(Department.id)).where(col(Department.code) == "SCJG-210202"))
        assert matter is not None and other is not None

        def notice(entity: int, pushed: str, claimed: str) -> Notice:
            return Notice(entity_id=entity, matter_id=matter, department_id=own, status=NoticeStatus.CLAIMED,
                          pushed_at=bj(pushed), deadline=date(2026, 6, 30), claimed_at=bj(claimed),
                          reason="REGISTRATION")  # fmt: skip

        def penalty(n: int, decided: date, stored: str) -> Penalty:
            return Penalty(entity_id=entity, source_department_id=own, party_name="测试主体",
                           document_number=f"JX罚〔2026〕6{n}号", violation_type="测试", facts="事实", basis="依据",
                           categories=[PenaltyCategory.WARNING], content="警告", decision_date=decided,
                           authority_name=PERF_NAME, public_until=date(2029, 12, 31),
                           status=RecordStatus.EFFECTIVE, created_at=bj(stored))  # fmt: skip

        session.add_all([
            notice(first, "2026-06-15", "2026-06-16"),  # Mon to Tue: 1
            notice(second, "2026-06-16", "2026-11-20"),  # claimed five months on, past the window
            penalty(1, date(2026, 6, 12), "2026-06-15"),  # Fri to Mon: 1
            penalty(2, date(2025, 12, 1), "2026-06-15"),  # decided half a year before, before the window
            Referral(entity_id=entity, from_department_id=other, to_department_id=own,
                     reason=ReferralReason.MANUAL, message="请核查", status=ReferralStatus.HANDLED,
                     sent_at=bj("2026-06-15"), acknowledged_at=bj("2026-06-17"), handled_at=bj("2026-11-02"),
                     outcome="已处理"),  # acknowledged in 2, handled past the window
        ])  # fmt: skip

    await build_scenario(db)
    _, problems = await run_change(db, Principal.system(), add)
    assert problems == []
    async with db.session(Principal.system()) as session:
        work = await calendar.load(session, date(2025, 12, 1), date(2026, 11, 30))
    claim = work.working_days_between(date(2026, 6, 16), date(2026, 11, 20))
    lag = work.working_days_between(date(2025, 12, 1), date(2026, 6, 15))
    handle = work.working_days_between(date(2026, 6, 15), date(2026, 11, 2))
    assert claim > 100 and lag > 100 and handle > 90  # far apart: each date outside the window
    data = await api.data(MEASURES, june, token=city.tokens["maintainer"])
    found = data["departmentPerformance"]
    assert found["notices"]["medianClaimDays"] == f"{Decimal(1 + claim) / 2:.1f}"
    assert found["penalties"] == {"aggregated": 2, "withinDeadline": 1, "withinDeadlineRate": "50.0",
                                  "medianLagDays": f"{Decimal(1 + lag) / 2:.1f}"}  # fmt: skip
    assert found["referrals"]["medianAcknowledgeDays"] == "2.0"
    assert found["referrals"]["medianHandleDays"] == f"{handle}.0"
    assert found["referrals"]["handled"] == 1


async def test_a_record_stored_on_a_holiday_after_its_7th_working_day_is_in_time_on_its_records_page_too(
    city: DemoCity, db: Database
) -> None:
    """Decided Tue 09-22, a penalty's 7th working day is 09-30 and its 8th 10-08, National Day between. Stored on
    the holiday's last day, 10-07, it is 7 working days on and in time; stored on 10-08, 8 and late. The ranking
    and the records page behind its number say so alike."""

    async def add(session: AsyncSession) -> None:
        own = await perf_department_id(session)
        entity = await session.scalar(select(col(MarketEntity.id)).order_by(col(MarketEntity.id)).offset(12).limit(1))
        assert entity is not None
        session.add_all(
            Penalty(entity_id=entity, source_department_id=own, party_name="测试主体",
                    document_number=f"JX罚〔2026〕假{n}号", violation_type="测试", facts="事实", basis="依据",
                    categories=[PenaltyCategory.WARNING], content="警告", decision_date=date(2026, 9, 22),
                    authority_name=PERF_NAME, public_until=date(2029, 12, 31), status=RecordStatus.EFFECTIVE,
                    created_at=bj(stored))
            for n, stored in enumerate(("2026-10-07", "2026-10-08"))
        )  # fmt: skip

    await build_scenario(db)
    _, problems = await run_change(db, Principal.system(), add)
    assert problems == []
    async with db.session(Principal.system()) as session:
        [ours] = [row for row in await ranking(session, FROM, TO) if row.department.code == PERF_CODE]
        within = await records_behind(session, PERF_CODE, FROM, TO, "penalties.within_deadline")
    # The scenario's P1 (3 working days, in time) and P2 (37, late), and these two.
    assert (ours.penalties.aggregated, ours.penalties.within_deadline) == (4, 2)
    assert sorted(row.working_days or 0 for row in within.rows) == [3, 7]
    assert [row.done for row in within.rows if row.working_days == 7] == [date(2026, 10, 7)]
