"""Scheduled jobs (`python manage.py run-jobs`): idempotent, so running them twice, or on two
machines at once, does no harm.

The nightly re-rating: every entity's 四色警示 colour, as records age out of the window.

The escalation reminder: an ABNORMAL_OPERATION listing about to stand for 3 years is referred
to the entity's registration authority 60 days ahead, once. The listing is claimed with a
conditional UPDATE (of two runners at once, one claims it) and the referral carries a source
key (a second insert yields), so a reminder goes out exactly once.

The follow-ups: a rectification order whose deadline has passed gets its follow-up task, once
(services.spotchecks.follow_ups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, Listing, MarketEntity
from models.enums import ReferralReason
from models.types import utcnow
from services.credit.listings import due_for_escalation, escalation_due_on
from services.credit.referrals import refer_once
from services.credit.risk import Recomputed, recompute_all
from services.platform import audit
from services.platform.access import principal_of, require_maintainer
from services.platform.clock import today
from services.platform.db import Database
from services.platform.labels import label
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.platform.transitions import conditional_update
from services.spotchecks.follow_ups import FollowUp, open_due_follow_ups


@dataclass(frozen=True)
class Reminder:
    listing_id: int
    uscc: str
    entity_name: str
    listed_on: date
    due_on: date
    department_code: str
    department_name: str
    referral_id: int | None  # None when the department already had this reminder


def escalation_key(listing_id: int) -> str:
    return f"escalation:{listing_id}"


def escalation_message(name: str, code: str, listing: Listing) -> str:
    due = escalation_due_on(listing.listed_on)
    return (
        f"“{name}”（{code}）于 {listing.listed_on.isoformat()} 因“{label(listing.reason)}”列入经营异常名录"
        f"（{listing.document_number}），至 {due.isoformat()} 满三年仍未移出的，应依法列入严重违法失信名单；"
        "请在此之前核实并作出决定。"
    )


async def remind_escalations(session: AsyncSession, on: date | None = None) -> list[Reminder]:
    """Every standing ABNORMAL_OPERATION listing whose reminder day has come and that has not
    been reminded: referred to the entity's registration authority, and marked reminded."""
    require_maintainer(principal_of(session))
    on = on or today()
    rows = await session.execute(
        select(Listing, MarketEntity, Department)
        .join(MarketEntity, col(MarketEntity.id) == col(Listing.entity_id))
        .join(Department, col(Department.id) == col(MarketEntity.registration_authority_id))
        .where(due_for_escalation(on), col(Listing.escalation_reminded_at).is_(None))
        .order_by(col(Listing.id))
    )
    reminders = []
    for listing, entity, authority in rows.all():
        assert listing.id is not None and entity.id is not None and authority.id is not None
        unclaimed = [col(Listing.escalation_reminded_at).is_(None)]
        claimed = await conditional_update(
            session, Listing, listing.id, unclaimed, {"escalation_reminded_at": utcnow()}
        )
        if claimed is None:
            continue  # another runner took it
        referral = await refer_once(
            session,
            entity_id=entity.id,
            to_department_id=authority.id,
            reason=ReferralReason.ESCALATION_DUE,
            message=escalation_message(entity.name, entity.uscc, listing),
            source_key=escalation_key(listing.id),
            listing_id=listing.id,
        )
        due = escalation_due_on(listing.listed_on)
        reminder = Reminder(listing.id, entity.uscc, entity.name, listing.listed_on, due, authority.code,
                            authority.name, referral.id if referral is not None else None)  # fmt: skip
        await audit.record(session, "listing.escalation_reminded", "Listing", str(listing.id), None,
                           {"uscc": entity.uscc, "due_on": due, "referred_to": authority.code,
                            "referral_id": reminder.referral_id})  # fmt: skip
        reminders.append(reminder)
    return reminders


@dataclass(frozen=True)
class JobsReport:
    reminders: list[Reminder]
    follow_ups: list[FollowUp]
    colours: Recomputed | None  # None when run for a past day: stored colours are today's


async def run_jobs(db: Database, on: date | None = None) -> JobsReport:
    """Each job in its own transaction, as the platform. Colours are re-rated nightly because
    records age out of the window with no record arriving to re-rate them."""
    platform = Principal.system("run-jobs")
    reminders, problems = await run_change(db, platform, lambda s: remind_escalations(s, on))
    assert not problems, problems
    follow_ups, problems = await run_change(db, platform, lambda s: open_due_follow_ups(s, on))
    assert not problems, problems
    colours = None
    if on is None or on == today():
        colours, problems = await run_change(db, platform, lambda s: recompute_all(s))
        assert not problems, problems
    return JobsReport(reminders or [], follow_ups or [], colours)
