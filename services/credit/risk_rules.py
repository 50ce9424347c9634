"""四色警示: the colour table of domain.md, written once, as SQL.

For a day `as_of` and the thresholds in force, `facts` gathers what each entity's rules
look at (set-based: one row per entity from a handful of grouped subqueries), `RULES`
says which rule holds over those facts, and `colour` picks the most severe. The same
expressions rate one entity, a page of entities or a million: the per-record update,
`riskColour(asOf)` and the full recompute cannot disagree.

- The window is `(as_of − window_days, as_of]`, on a penalty's decision date and a
  complaint's date of receipt.
- A penalty counts only while it is effective (withdrawn, annulled or repaired ones count
  no longer).
- A complaint counts as resolved when it was resolved by `as_of`.
- A license counts as revoked from the decision date of the penalty that revoked it.
- "Stands on a list" is services.credit.listings' rule: listed on or before `as_of`, not removed by it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from models import Complaint, License, Listing, MarketEntity, Penalty
from models.enums import EntityStatus, ListingKind, RecordStatus, RiskColour
from services.credit.listing_rules import standing_on
from services.credit.risk_parameters import Parameters
from services.platform.db import IdFilter

_SEVERITY = (RiskColour.BLACK, RiskColour.RED, RiskColour.YELLOW)


@dataclass(frozen=True)
class Rule:
    code: str
    colour: RiskColour
    description: str  # Chinese, for people
    holds: Callable[[sa.Subquery, Parameters], ColumnElement[bool]]


def _rate_below(facts: sa.Subquery, percent: Decimal) -> ColumnElement[bool]:
    """resolved / complaints < percent %, in integers (two decimal places of percent)."""
    basis_points = int(percent * 100)
    return facts.c.resolved * 10000 < facts.c.complaints * basis_points


def _many_complaints(facts: sa.Subquery, p: Parameters) -> ColumnElement[bool]:
    return facts.c.complaints >= p.complaint_count


RULES: tuple[Rule, ...] = (
    Rule("REGISTRATION_REVOKED", RiskColour.BLACK, "营业执照被吊销", lambda f, p: f.c.registration_revoked == 1),
    Rule("LICENSE_REVOKED", RiskColour.BLACK, "有关证照被吊销", lambda f, p: f.c.revoked_licenses > 0),
    Rule("SERIOUS_DISHONEST_LISTED", RiskColour.BLACK, "列入严重违法失信名单", lambda f, p: f.c.serious_listings > 0),
    Rule("ABNORMAL_OPERATION_LISTED", RiskColour.RED, "列入经营异常名录", lambda f, p: f.c.abnormal_listings > 0),
    Rule("PENALTIES_RED", RiskColour.RED, "统计期内有效行政处罚达到红色次数",
         lambda f, p: f.c.penalties >= p.red_penalties),
    Rule("COMPLAINTS_RED", RiskColour.RED, "统计期内投诉达到件数且办结率低于红色界限",
         lambda f, p: sa.and_(_many_complaints(f, p), _rate_below(f, p.red_resolution_rate))),
    Rule("PENALTIES_YELLOW", RiskColour.YELLOW, "统计期内有效行政处罚达到黄色次数",
         lambda f, p: sa.and_(f.c.penalties >= p.yellow_penalties, f.c.penalties < p.red_penalties)),
    Rule("COMPLAINTS_YELLOW", RiskColour.YELLOW, "统计期内投诉达到件数且办结率低于黄色界限",
         lambda f, p: sa.and_(_many_complaints(f, p), sa.not_(_rate_below(f, p.red_resolution_rate)),
                              _rate_below(f, p.yellow_resolution_rate))),
)  # fmt: skip


def window_start(as_of: date, parameters: Parameters) -> date:
    """The day before the window: the window is (start, as_of]."""
    return as_of - timedelta(days=parameters.window_days)


def counting_penalty(as_of: date, parameters: Parameters) -> ColumnElement[bool]:
    p = Penalty.__table__.c  # type: ignore[attr-defined]
    start = window_start(as_of, parameters)
    return sa.and_(p.status == RecordStatus.EFFECTIVE, p.decision_date > start, p.decision_date <= as_of)


def counting_complaint(as_of: date, parameters: Parameters) -> ColumnElement[bool]:
    c = Complaint.__table__.c  # type: ignore[attr-defined]
    return sa.and_(c.received_on > window_start(as_of, parameters), c.received_on <= as_of)


def resolved_by(as_of: date) -> ColumnElement[bool]:
    c = Complaint.__table__.c  # type: ignore[attr-defined]
    return sa.and_(c.resolved.is_(True), sa.or_(c.resolved_on.is_(None), c.resolved_on <= as_of))


def revoked_license(as_of: date) -> tuple[sa.FromClause, ColumnElement[bool]]:
    """Licenses revoked by `as_of`: the license joined to the penalty that revoked it."""
    license, revoker = License.__table__, Penalty.__table__.alias("revoker")  # type: ignore[attr-defined]
    joined = license.outerjoin(revoker, revoker.c.id == license.c.revoked_by_id)
    return joined, sa.and_(
        license.c.status == RecordStatus.REVOKED,
        sa.or_(revoker.c.id.is_(None), revoker.c.decision_date <= as_of),
    )


def facts(as_of: date, parameters: Parameters, of: IdFilter | None = None) -> sa.Subquery:
    """One row per entity (those `of` keeps, or all): its stored colour and what the rules count."""
    entity = MarketEntity.__table__  # type: ignore[attr-defined]
    penalty, complaint = Penalty.__table__, Complaint.__table__  # type: ignore[attr-defined]
    license, listing = License.__table__, Listing.__table__  # type: ignore[attr-defined]

    def only(column: sa.ColumnElement[int]) -> list[ColumnElement[bool]]:
        return [] if of is None else [of(column)]

    penalties = (
        sa.select(penalty.c.entity_id, sa.func.count().label("n"))
        .where(counting_penalty(as_of, parameters), *only(penalty.c.entity_id))
        .group_by(penalty.c.entity_id)
        .subquery()
    )
    complaints = (
        sa.select(
            complaint.c.entity_id,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((resolved_by(as_of), 1), else_=0)).label("resolved"),
        )
        .where(counting_complaint(as_of, parameters), *only(complaint.c.entity_id))
        .group_by(complaint.c.entity_id)
        .subquery()
    )
    joined, revoked = revoked_license(as_of)
    licenses = (
        sa.select(license.c.entity_id, sa.func.count().label("n"))
        .select_from(joined)
        .where(revoked, *only(license.c.entity_id))
        .group_by(license.c.entity_id)
        .subquery()
    )

    def kind_count(kind: ListingKind) -> sa.Label[int]:
        return sa.func.sum(sa.case((listing.c.kind == kind, 1), else_=0)).label(kind.value.lower())

    listings = (
        sa.select(
            listing.c.entity_id,
            kind_count(ListingKind.SERIOUS_DISHONEST),
            kind_count(ListingKind.ABNORMAL_OPERATION),
        )
        .where(standing_on(as_of), *only(listing.c.entity_id))
        .group_by(listing.c.entity_id)
        .subquery()
    )
    return (
        sa.select(
            entity.c.id.label("entity_id"),
            entity.c.risk_colour.label("stored"),
            sa.case((entity.c.status == EntityStatus.REVOKED, 1), else_=0).label("registration_revoked"),
            sa.func.coalesce(licenses.c.n, 0).label("revoked_licenses"),
            sa.func.coalesce(listings.c.serious_dishonest, 0).label("serious_listings"),
            sa.func.coalesce(listings.c.abnormal_operation, 0).label("abnormal_listings"),
            sa.func.coalesce(penalties.c.n, 0).label("penalties"),
            sa.func.coalesce(complaints.c.n, 0).label("complaints"),
            sa.func.coalesce(complaints.c.resolved, 0).label("resolved"),
        )
        .select_from(
            entity.outerjoin(penalties, penalties.c.entity_id == entity.c.id)
            .outerjoin(complaints, complaints.c.entity_id == entity.c.id)
            .outerjoin(licenses, licenses.c.entity_id == entity.c.id)
            .outerjoin(listings, listings.c.entity_id == entity.c.id)
        )
        .where(*only(entity.c.id))
        .subquery("facts")
    )


def colour(facts: sa.Subquery, parameters: Parameters) -> ColumnElement[str]:
    """The most severe colour whose rules hold; GREEN when none does."""
    whens = [
        (sa.or_(*(rule.holds(facts, parameters) for rule in RULES if rule.colour is severity)), severity.value)
        for severity in _SEVERITY
    ]
    return sa.case(*whens, else_=RiskColour.GREEN.value)


def held_codes(facts: sa.Subquery, parameters: Parameters) -> ColumnElement[str]:
    """The codes of the rules that hold, as a JSON array's text (built in SQL, for the full recompute)."""
    parts: list[ColumnElement[str]] = [
        sa.case((rule.holds(facts, parameters), f',"{rule.code}"'), else_="") for rule in RULES
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.concat(part)
    return sa.literal("[").concat(sa.func.substr(joined, 2)).concat("]")


def rule_flags(facts: sa.Subquery, parameters: Parameters) -> list[sa.Label[bool]]:
    """Each rule's truth, as a column named by its code."""
    return [sa.case((rule.holds(facts, parameters), 1), else_=0).label(rule.code) for rule in RULES]
