"""The 3-year escalation reminder: a scheduled job that refers a standing ABNORMAL_OPERATION
listing to the entity's registration authority 60 days before it has stood 3 years, once,
however often and on however many machines it runs."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from models import Department, Listing, MarketEntity, Referral
from models.enums import ListingKind, ListingReason, ReferralReason, ReferralStatus, RiskColour
from services import jobs
from services.credit import listings
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.cli import manage
from tests.support.departments import CITY, DISTRICT
from tests.support.listings import LIST, listing, unlisted

DUE = """
query($u: String!) {
  listings(filter: {uscc: $u, dueForEscalation: true}) {
    edges { node { reason listedOn escalationDueOn dueForEscalation escalationRemindedAt } }
  }
}
"""


async def _referrals(db: Database, uscc: str) -> list[tuple[Referral, str]]:
    async with db.session(Principal.system()) as session:
        rows = await session.execute(
            select(Referral, Department.code)
            .join(MarketEntity, col(MarketEntity.id) == col(Referral.entity_id))
            .join(Department, col(Department.id) == col(Referral.to_department_id))
            .where(col(MarketEntity.uscc) == uscc, col(Referral.reason) == ReferralReason.ESCALATION_DUE)
            .order_by(col(Referral.id))
        )
        return [(referral, code) for referral, code in rows.all()]


async def _remind(db: Database, on: date) -> list[jobs.Reminder]:
    reminders, problems = await run_change(db, Principal.system("test"), lambda s: jobs.remind_escalations(s, on))
    assert not problems and reminders is not None
    return reminders


async def _listed(api: Api, token: str, uscc: str, reason: str, listed_on: date) -> None:
    await ok(api, LIST, listing(uscc, reason=reason, listedOn=listed_on.isoformat()), token)


async def test_the_reminder_goes_out_on_its_day_not_the_day_before_and_only_once(
    api: Api, city: DemoCity, db: Database
) -> None:
    due_today, due_tomorrow = await unlisted(db, DISTRICT, count=2)
    token = city.tokens["district"]
    day = today()
    cutoff = listings.reminder_cutoff(day)  # the last listing date whose reminder day is today or earlier
    assert listings.escalation_reminder_on(cutoff) == day
    await _listed(api, token, due_today, "UNREACHABLE", cutoff)
    await _listed(api, token, due_tomorrow, "UNREACHABLE", cutoff + timedelta(days=1))
    mine = {due_today, due_tomorrow}

    shown = (await api.data(DUE, {"u": due_today}, token))["listings"]["edges"]
    assert [(e["node"]["dueForEscalation"], e["node"]["escalationRemindedAt"]) for e in shown] == [(True, None)]
    assert shown[0]["node"]["escalationDueOn"] == listings.escalation_due_on(cutoff).isoformat()
    assert (await api.data(DUE, {"u": due_tomorrow}, token))["listings"]["edges"] == []

    first = [r for r in await _remind(db, day) if r.uscc in mine]
    assert [(r.uscc, r.department_code, r.due_on) for r in first] == [
        (due_today, DISTRICT, listings.escalation_due_on(cutoff))
    ]
    [(referral, to)] = await _referrals(db, due_today)
    assert (to, referral.status, referral.from_department_id) == (DISTRICT, ReferralStatus.SENT, None)
    assert referral.source_key == f"escalation:{referral.listing_id}" and referral.id == first[0].referral_id
    assert "满三年" in referral.message and "严重违法失信名单" in referral.message
    assert await _referrals(db, due_tomorrow) == []
    reminded = (await api.data(DUE, {"u": due_today}, token))["listings"]["edges"][0]["node"]
    assert reminded["escalationRemindedAt"] is not None

    assert [r for r in await _remind(db, day) if r.uscc in mine] == []  # run again: nothing more
    assert len(await _referrals(db, due_today)) == 1

    # The next day the other one's day has come.
    later = [r.uscc for r in await _remind(db, day + timedelta(days=1)) if r.uscc in mine]
    assert later == [due_tomorrow]
    assert len(await _referrals(db, due_today)) == len(await _referrals(db, due_tomorrow)) == 1


async def test_the_reminder_goes_to_the_registration_authority_and_skips_what_is_not_due(
    api: Api, city: DemoCity, db: Database
) -> None:
    city_registered, removed, serious = await unlisted(db, CITY, region=None, count=3)
    [district_registered] = await unlisted(db, DISTRICT)
    long_ago = listings.reminder_cutoff(today()) - timedelta(days=30)
    await _listed(api, city.tokens["city"], city_registered, "ANNUAL_REPORT", long_ago)
    # Listed by the city authority, reminded to the district authority that registered it.
    await _listed(api, city.tokens["city"], district_registered, "UNREACHABLE", long_ago)
    await _listed(api, city.tokens["city"], removed, "ANNUAL_REPORT", long_ago)
    gone = {"uscc": removed, "kind": "ABNORMAL_OPERATION", "removedOn": today().isoformat(), "reason": "CURED"}
    assert (await api.data("mutation($i: DelistEntityInput!) { delistEntity(input: $i) { errors { code } } }",
                           {"i": gone}, city.tokens["city"]))["delistEntity"]["errors"] == []  # fmt: skip
    data = listing(serious, kind="SERIOUS_DISHONEST", reason="SERIOUS_VIOLATION", listedOn=long_ago.isoformat())
    await ok(api, LIST, data, city.tokens["city"])

    reminders = {r.uscc: r for r in await _remind(db, today())}
    assert reminders[city_registered].department_code == CITY
    assert reminders[district_registered].department_code == DISTRICT
    assert removed not in reminders and serious not in reminders
    assert [code for _, code in await _referrals(db, city_registered)] == [CITY]
    assert [code for _, code in await _referrals(db, district_registered)] == [DISTRICT]


async def test_two_runners_at_once_send_each_reminder_once(api: Api, city: DemoCity, db: Database) -> None:
    entities = await unlisted(db, DISTRICT, count=3)
    for uscc in entities:
        await _listed(api, city.tokens["district"], uscc, "UNREACHABLE", listings.reminder_cutoff(today()))
    runs = await asyncio.gather(*(jobs.run_jobs(db) for _ in range(3)))
    sent = [r.uscc for run in runs for r in run.reminders if r.uscc in entities]
    assert sorted(sent) == sorted(entities)
    for uscc in entities:
        assert len(await _referrals(db, uscc)) == 1
    async with db.session(Principal.system()) as session:
        due = select(Listing).where(listings.due_for_escalation(today()))
        assert all(row.escalation_reminded_at is not None for row in (await session.scalars(due)).all())


async def test_run_jobs_on_the_command_line_says_what_it_did(city: DemoCity, db: Database, database_url: str) -> None:
    async with db.session(Principal.system()) as session:
        due = (
            await session.execute(
                select(MarketEntity.uscc, MarketEntity.name)
                .join(Listing, col(Listing.entity_id) == col(MarketEntity.id))
                .where(listings.due_for_escalation(today()), col(Listing.kind) == ListingKind.ABNORMAL_OPERATION)
            )
        ).all()
    assert due, "the demo city has listings due for the reminder"
    total = await _stale_colours(db, 2)
    first = manage(database_url, "run-jobs")
    assert first.returncode == 0, first.stderr
    assert f"经营异常名录满三年提醒：向登记机关发出 {len(due)} 条" in first.stdout
    for uscc, name in due:
        assert uscc in first.stdout and name in first.stdout
    assert f"四色警示重新评定：{total} 个市场主体，2 个颜色变化" in first.stdout, "the nightly re-rating"
    again = manage(database_url, "run-jobs")
    assert again.returncode == 0 and "向登记机关发出 0 条" in again.stdout and "0 个颜色变化" in again.stdout
    await _stale_colours(db, 1)
    recomputed = manage(database_url, "recompute-colours")
    assert recomputed.returncode == 0 and f"{total} 个市场主体，1 个颜色变化" in recomputed.stdout, recomputed.stdout
    verified = manage(database_url, "verify-audit")
    assert verified.returncode == 0, verified.stdout


async def _stale_colours(db: Database, count: int) -> int:
    """Make `count` stored colours wrong (as records ageing out of the window would); the city's size."""
    async with db.session(Principal.system()) as session:
        ids = (await session.scalars(select(MarketEntity.id).where(
            col(MarketEntity.risk_colour) == RiskColour.GREEN).limit(count))).all()  # fmt: skip
        await session.execute(
            sa_update(MarketEntity).where(col(MarketEntity.id).in_(ids)).values(risk_colour=RiskColour.YELLOW)
        )
        await session.commit()
        return int(await session.scalar(select(func.count()).select_from(MarketEntity)) or 0)


def test_the_reminder_day_of_a_listing_made_on_29_february() -> None:
    listed = date(2024, 2, 29)
    assert listings.escalation_due_on(listed) == date(2027, 2, 28)
    assert listings.reminder_cutoff(date(2026, 12, 30)) == listed
    assert ListingReason.UNREACHABLE in listings.ABNORMAL_REASONS
