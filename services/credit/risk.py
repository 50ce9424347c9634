"""四色警示: rating entities by the rules of services.credit.risk_rules.

- `assess`: the colour on a day, with every rule that held and its evidence (records).
- `rerate`: the stored colour of a few entities brought up to date inside the transaction
  that changed their records (a penalty, complaint, listing, removal or revocation); declared
  as the last follow-on update (services.platform.follow_on), so it runs once before every
  write transaction commits, for the entities it touched, with its first audited action as cause.
- `recompute_all`: every entity re-rated as one set-based job, as the nightly run does
  (records age out of the window with no record arriving).

A change of stored colour is kept in `risk_colour_change` with its time, old and new
colour, the rules that held and its cause. Rating writes in two statements whatever the
number of entities: INSERT … SELECT the changes, then UPDATE … FROM them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from models import Complaint, License, Listing, MarketEntity, Penalty, RiskColourChange
from models.enums import ListingKind, RiskColour
from models.types import utcnow
from services.credit.listing_rules import standing_on
from services.credit.risk_parameters import Parameters, current_parameters, store_parameters
from services.credit.risk_rules import (
    RULES,
    colour,
    counting_complaint,
    counting_penalty,
    facts,
    held_codes,
    resolved_by,
    revoked_license,
    rule_flags,
)
from services.platform import audit, checks, follow_on
from services.platform.access import principal_of, require_authenticated
from services.platform.clock import today
from services.platform.db import ids_filter, json_from_text
from services.platform.errors import Collector
from services.platform.labels import label


@dataclass(frozen=True)
class Evidence:
    kind: str  # PENALTY, COMPLAINT, LISTING, LICENSE, REGISTRATION
    id: int
    reference: str  # a document number, a complaint's reference, a license number
    day: date | None
    text: str


@dataclass
class Reason:
    rule: str
    colour: RiskColour
    description: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Assessment:
    entity_id: int
    colour: RiskColour
    as_of: date
    reasons: list[Reason]


def checked_day(as_of: date | None) -> date:
    """`asOf` defaults to today and may not lie beyond it: records of the future are unknown."""
    now = today()
    if as_of is None:
        return now
    problems = Collector()
    checks.not_future(as_of, "评定日期", "asOf", problems, on=now)
    problems.raise_if_any()
    return as_of


async def assess(
    session: AsyncSession, entity_ids: Sequence[int], as_of: date, parameters: Parameters | None = None
) -> dict[int, Assessment]:
    """Each entity's colour on `as_of`, with every rule that held and its records, in a fixed
    handful of statements for any number of entities."""
    if not entity_ids:
        return {}
    parameters = parameters or await current_parameters(session)
    found = facts(as_of, parameters, ids_filter(session, entity_ids))
    rows = await session.execute(
        sa.select(found.c.entity_id, colour(found, parameters).label("colour"), *rule_flags(found, parameters))
    )
    assessments: dict[int, Assessment] = {}
    for row in rows.mappings():
        reasons = [Reason(rule.code, rule.colour, rule.description) for rule in RULES if row[rule.code]]
        assessments[row["entity_id"]] = Assessment(row["entity_id"], RiskColour(row["colour"]), as_of, reasons)
    await _attach_evidence(session, assessments, as_of, parameters)
    return assessments


async def _attach_evidence(
    session: AsyncSession, assessments: dict[int, Assessment], as_of: date, parameters: Parameters
) -> None:
    """The records behind each rule that held: one query per kind of record, for all entities."""
    wanted: dict[str, set[int]] = {}
    for assessment in assessments.values():
        for reason in assessment.reasons:
            wanted.setdefault(reason.rule, set()).add(assessment.entity_id)
    evidence: dict[tuple[str, int], list[Evidence]] = {}

    def add(rules: tuple[str, ...], entity_id: int, item: Evidence) -> None:
        for rule in rules:
            if entity_id in wanted.get(rule, ()):
                evidence.setdefault((rule, entity_id), []).append(item)

    def ids(*rules: str) -> list[int]:
        return sorted(set().union(*(wanted.get(rule, set()) for rule in rules)))

    penalty = Penalty.__table__  # type: ignore[attr-defined]
    penalty_rules = ("PENALTIES_RED", "PENALTIES_YELLOW")
    if owners := ids(*penalty_rules):
        rows = await session.execute(
            sa.select(penalty.c.entity_id, penalty.c.id, penalty.c.document_number, penalty.c.decision_date)
            .where(counting_penalty(as_of, parameters), penalty.c.entity_id.in_(owners))
            .order_by(penalty.c.decision_date, penalty.c.id)
        )
        for entity_id, id_, number, decided in rows.all():
            add(penalty_rules, entity_id, Evidence("PENALTY", id_, number, decided, f"行政处罚 {number}"))
    complaint = Complaint.__table__  # type: ignore[attr-defined]
    complaint_rules = ("COMPLAINTS_RED", "COMPLAINTS_YELLOW")
    if owners := ids(*complaint_rules):
        rows = await session.execute(
            sa.select(
                complaint.c.entity_id,
                complaint.c.id,
                complaint.c.reference,
                complaint.c.received_on,
                sa.case((resolved_by(as_of), 1), else_=0),
            )
            .where(counting_complaint(as_of, parameters), complaint.c.entity_id.in_(owners))
            .order_by(complaint.c.received_on, complaint.c.id)
        )
        for entity_id, id_, reference, received, resolved in rows.all():
            state = "已办结" if resolved else "未办结"
            add(
                complaint_rules,
                entity_id,
                Evidence("COMPLAINT", id_, reference, received, f"投诉 {reference}（{state}）"),
            )
    listing = Listing.__table__  # type: ignore[attr-defined]
    listing_rules = ("SERIOUS_DISHONEST_LISTED", "ABNORMAL_OPERATION_LISTED")
    if owners := ids(*listing_rules):
        rows = await session.execute(
            sa.select(
                listing.c.entity_id,
                listing.c.id,
                listing.c.kind,
                listing.c.reason,
                listing.c.document_number,
                listing.c.listed_on,
            )
            .where(standing_on(as_of), listing.c.entity_id.in_(owners))
            .order_by(listing.c.listed_on, listing.c.id)
        )
        for entity_id, id_, kind, reason, number, listed in rows.all():
            rule = "SERIOUS_DISHONEST_LISTED" if kind is ListingKind.SERIOUS_DISHONEST else "ABNORMAL_OPERATION_LISTED"
            text = f"{label(kind)}：{label(reason)}（{number}）"
            add((rule,), entity_id, Evidence("LISTING", id_, number, listed, text))
    license = License.__table__  # type: ignore[attr-defined]
    if owners := ids("LICENSE_REVOKED"):
        joined, revoked = revoked_license(as_of)
        rows = await session.execute(
            sa.select(
                license.c.entity_id,
                license.c.id,
                license.c.license_number,
                license.c.document_number,
                license.c.status_reason,
            )
            .select_from(joined)
            .where(revoked, license.c.entity_id.in_(owners))
            .order_by(license.c.id)
        )
        for entity_id, id_, number, document, why in rows.all():
            text = f"许可 {number or document} 已吊销" + (f"（{why}）" if why else "")
            add(("LICENSE_REVOKED",), entity_id, Evidence("LICENSE", id_, number or document, None, text))
    for assessment in assessments.values():
        for reason in assessment.reasons:
            if reason.rule == "REGISTRATION_REVOKED":
                reason.evidence.append(Evidence("REGISTRATION", assessment.entity_id, "", None, "登记状态：吊销"))
            else:
                reason.evidence.extend(evidence.get((reason.rule, assessment.entity_id), []))


async def _rate(
    session: AsyncSession, entity_ids: Collection[int] | None, cause: str, as_of: date, parameters: Parameters
) -> int:
    """Store the colour of `entity_ids` (None: every entity) where it changed, with its history."""
    now = utcnow()
    of = ids_filter(session, entity_ids) if entity_ids is not None else None
    found = facts(as_of, parameters, of)
    computed = colour(found, parameters)
    history = RiskColourChange.__table__  # type: ignore[attr-defined]
    changes = sa.select(
        found.c.entity_id,
        sa.literal(now, history.c.changed_at.type),
        found.c.stored,
        computed,
        json_from_text(session, held_codes(found, parameters)),
        sa.literal(cause[:64]),
    ).where(computed != found.c.stored)
    inserted = await session.execute(
        sa.insert(history).from_select(
            ["entity_id", "changed_at", "old_colour", "new_colour", "reasons", "cause"], changes
        )
    )
    changed = int(inserted.rowcount or 0)  # type: ignore[attr-defined]
    if changed:
        entity = MarketEntity.__table__  # type: ignore[attr-defined]
        # This run's rows, found by their time (indexed): the history's other rows are never read.
        this_run = [history.c.entity_id == entity.c.id, history.c.changed_at == now, history.c.cause == cause[:64]]
        await session.execute(
            sa.update(entity).where(*this_run).values(risk_colour=history.c.new_colour, updated_at=now)
        )
    return changed


async def rerate(session: AsyncSession, entity_ids: Collection[int], cause: str) -> int:
    """Re-rate entities whose records just changed, in the caller's transaction. How many changed."""
    ids = {entity_id for entity_id in entity_ids if entity_id}
    if not ids:
        return 0
    changed = await _rate(session, ids, cause, today(), await current_parameters(session))
    if changed:
        await _refresh_loaded(session, ids)
    return changed


@follow_on.watch(follow_on.ENTITIES, License, Penalty, Complaint, Listing, MarketEntity)
def _entities_touched(change: follow_on.Change) -> set[int]:
    """The entities whose colour a write may change: a record's (before and after a correction
    moved it), and an entity registered or whose registration status changed (吊销营业执照)."""
    row = change.row
    if isinstance(row, MarketEntity):
        registered = change.how == "inserted" or (change.how == "updated" and "status" in change.changed)
        return {row.id} if registered and row.id is not None else set()
    return {row.entity_id, change.before("entity_id")}


@follow_on.step("credit.rerate", follow_on.ENTITIES)
async def _rerate_touched(session: AsyncSession, entity_ids: list[int], cause: str) -> None:
    await rerate(session, entity_ids, cause)


async def _refresh_loaded(session: AsyncSession, ids: set[int]) -> None:
    """The UPDATE went around the ORM: entities this session holds get their new colour, so a
    mutation's reply shows it (an expired attribute would be lazily loaded, which async forbids)."""
    loaded = {obj.id: obj for obj in session.identity_map.values() if isinstance(obj, MarketEntity) and obj.id in ids}
    if not loaded:
        return
    query = select(MarketEntity.id, MarketEntity.risk_colour).where(col(MarketEntity.id).in_(loaded))
    for entity_id, stored in (await session.execute(query)).all():
        set_committed_value(loaded[entity_id], "risk_colour", stored)


@dataclass(frozen=True)
class Recomputed:
    total: int
    changed: int
    by_colour: dict[RiskColour, int]


async def recompute_all(session: AsyncSession, as_of: date | None = None, cause: str = "recompute") -> Recomputed:
    """Every entity re-rated in one set-based pass; audited as one event."""
    day = checked_day(as_of)
    # Writers re-rate inside their own audited transactions; the recompute reads every record and
    # then writes, so it takes their turn first (and a second run at once finds nothing to change).
    await audit.lock_chain(session)
    changed = await _rate(session, None, cause, day, await current_parameters(session))
    entity = MarketEntity.__table__  # type: ignore[attr-defined]
    counts = await session.execute(sa.select(entity.c.risk_colour, sa.func.count()).group_by(entity.c.risk_colour))
    by_colour = {RiskColour(member): 0 for member in RiskColour}
    for member, count in counts.all():
        by_colour[RiskColour(member)] = int(count)
    result = Recomputed(sum(by_colour.values()), changed, by_colour)
    after = {"asOf": day.isoformat(), "total": result.total, "changed": result.changed,
             "byColour": {member.value: count for member, count in by_colour.items()}}  # fmt: skip
    await audit.record(session, "risk.recomputed", "MarketEntity", "*", None, after)
    return result


async def set_rule_parameters(session: AsyncSession, parameters: Parameters) -> Parameters:
    """New thresholds (maintainers; audited), and every stored colour re-rated by them in the same
    transaction, so the stored colours and the evaluation never disagree."""
    if await store_parameters(session, parameters):
        await recompute_all(session, cause="risk.parameters_set")
    return parameters


async def colour_history(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[RiskColourChange]]:
    """For a DataLoader: each entity's colour changes, newest first."""
    require_authenticated(principal_of(session))
    rows = await session.scalars(
        select(RiskColourChange)
        .where(col(RiskColourChange.entity_id).in_(list(entity_ids)))
        .order_by(col(RiskColourChange.changed_at).desc(), col(RiskColourChange.id).desc())
    )
    grouped: dict[int, list[RiskColourChange]] = {key: [] for key in entity_ids}
    for change in rows.all():
        grouped[change.entity_id].append(change)
    return [grouped[key] for key in entity_ids]


async def assessments_of(session: AsyncSession, keys: Sequence[tuple[int, date]]) -> list[Assessment]:
    """For a DataLoader: each (entity, day), assessed with the other entities of that day at once."""
    require_authenticated(principal_of(session))
    by_day: dict[date, list[int]] = {}
    for entity_id, day in keys:
        by_day.setdefault(day, []).append(entity_id)
    parameters = await current_parameters(session)
    found: dict[tuple[int, date], Assessment] = {}
    for day, entity_ids in by_day.items():
        for entity_id, assessment in (await assess(session, entity_ids, day, parameters)).items():
            found[(entity_id, day)] = assessment
    return [found[key] for key in keys]
