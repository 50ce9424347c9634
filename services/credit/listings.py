"""经营异常名录 and 严重违法失信名单: listing an entity, removing it, and when a listing stands.

Who may: a registration authority (the market regulator) only. ABNORMAL_OPERATION is the
registering authority's own list (《企业经营异常名录管理暂行办法》): the entity's registration
authority, or the city authority above its district, lists and removes it. SERIOUS_DISHONEST
follows a penalty decision of whichever market regulator made it (《市场监督管理严重违法失信名单管理
办法》), so any registration authority whose jurisdiction reaches the entity may list and remove it.
A maintainer acts for a department by naming it, as for records.

"Stands on a list on D" is listed on or before D and not removed by D (`standing_on`). An
ABNORMAL_OPERATION listing that has stood for 3 years is due to move to SERIOUS_DISHONEST; the
registration authority is reminded 60 days ahead (services.jobs) and the decision stays human."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, Listing, MarketEntity, Region
from models.enums import DepartmentLevel, EntityStatus, ListingKind, ListingReason, RemovalReason
from models.types import utcnow
from services.credit.listing_rules import standing_on, stands
from services.platform import audit, checks
from services.platform.access import (
    UNRESTRICTED,
    Operation,
    acting_registration_authority,
    may_change,
    principal_of,
    require,
    require_authenticated,
)
from services.platform.clock import today
from services.platform.errors import Collector, DomainError, Forbidden
from services.platform.labels import label
from services.platform.paging import NumberedPage, Page, count_rows, keyset_page, numbered_page
from services.platform.transitions import conditional_update
from services.registry.reach import entity_in_reach
from services.registry.uscc import CheckedCode, checked_uscc

ABNORMAL_REASONS = (
    ListingReason.ANNUAL_REPORT,
    ListingReason.INSTANT_DISCLOSURE,
    ListingReason.FALSE_DISCLOSURE,
    ListingReason.UNREACHABLE,
)
REASONS: dict[ListingKind, tuple[ListingReason, ...]] = {
    ListingKind.ABNORMAL_OPERATION: ABNORMAL_REASONS,
    ListingKind.SERIOUS_DISHONEST: (ListingReason.SERIOUS_VIOLATION,),
}
ESCALATION_YEARS = 3
REMINDER_DAYS = 60
_CURSOR = "listing"


@dataclass(frozen=True)
class ListInput:
    uscc: str
    kind: ListingKind
    reason: ListingReason
    document_number: str  # 列入决定书文号
    listed_on: date
    facts: str | None = None  # 列入事实
    department_code: str | None = None  # a maintainer acting for a department


@dataclass(frozen=True)
class DelistInput:
    uscc: str
    kind: ListingKind
    removed_on: date
    reason: RemovalReason
    # Which standing listing of the kind, when the entity stands on it for more than one reason.
    listing_reason: ListingReason | None = None
    document_number: str | None = None  # 移出决定书文号
    note: str | None = None
    department_code: str | None = None


# -- when a listing stands, and when it is due to escalate -----------------------------------


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the anniversary falls on the 28th
        return day.replace(year=day.year + years, day=28)


def escalation_due_on(listed_on: date) -> date:
    """The day an ABNORMAL_OPERATION listing has stood for 3 years."""
    return _years_after(listed_on, ESCALATION_YEARS)


def escalation_reminder_on(listed_on: date) -> date:
    return escalation_due_on(listed_on) - timedelta(days=REMINDER_DAYS)


def reminder_cutoff(on: date) -> date:
    """The latest listing date whose reminder day has come by `on`: the SQL form of
    `escalation_reminder_on(listed_on) <= on` (the anniversary only moves forward with the
    listing date, so one bound does)."""
    latest = _years_after(on + timedelta(days=REMINDER_DAYS), -ESCALATION_YEARS)
    while escalation_reminder_on(latest + timedelta(days=1)) <= on:
        latest += timedelta(days=1)
    while escalation_reminder_on(latest) > on:
        latest -= timedelta(days=1)
    return latest


def due_for_escalation(on: date) -> ColumnElement[bool]:
    """SQL: a standing ABNORMAL_OPERATION listing whose reminder day has come."""
    return and_(
        col(Listing.kind) == ListingKind.ABNORMAL_OPERATION,
        standing_on(on),
        col(Listing.listed_on) <= reminder_cutoff(on),
    )


def is_due_for_escalation(listing: Listing, on: date) -> bool:
    return (
        listing.kind is ListingKind.ABNORMAL_OPERATION
        and stands(listing, on)
        and escalation_reminder_on(listing.listed_on) <= on
    )


# -- listing and removal ------------------------------------------------------------------------


def _reason_fits(kind: ListingKind, reason: ListingReason, field: str, problems: Collector) -> None:
    if reason not in REASONS[kind]:
        allowed = "、".join(label(r) for r in REASONS[kind])
        problems.add("REASON_NOT_FOR_KIND", f"{label(kind)}的列入事由只能是：{allowed}", field)


async def _authority(session: AsyncSession, operation: Operation, department_code: str | None) -> Department:
    """The department acting: a registration authority, else refused."""
    principal = principal_of(session)
    require(principal, operation)
    return await acting_registration_authority(
        session, principal, department_code, "列入或移出经营异常名录、严重违法失信名单"
    )


async def _entity(session: AsyncSession, code: CheckedCode, department: Department, kind: ListingKind) -> MarketEntity:
    entity = await entity_in_reach(session, code, department)
    if kind is ListingKind.ABNORMAL_OPERATION:
        region = await session.get(Region, entity.region_code)
        if region is None or not may_change(department, entity, region):
            own = await session.get(Department, entity.registration_authority_id)
            raise DomainError(
                "NOT_ENTITYS_AUTHORITY",
                f"经营异常名录由主体的登记机关（{own.name if own else '未知'}）或其上级市级登记机关列入和移出",
                "uscc",
            )
    return entity


def _snapshot(listing: Listing, uscc: str) -> dict[str, Any]:
    return {"uscc": uscc} | audit.snapshot(listing, exclude=("id", "created_at", "updated_at"))


async def list_entity(session: AsyncSession, data: ListInput) -> Listing:
    """列入: one listing, audited; refused while the entity stands listed for the same reason."""
    department = await _authority(session, Operation.LIST_ENTITY, data.department_code)
    problems = Collector()
    code = checked_uscc(data.uscc, problems)
    _reason_fits(data.kind, data.reason, "reason", problems)
    number = checks.document_number(data.document_number, "列入决定书文号", "documentNumber", problems)
    facts = checks.optional_text(data.facts, "列入事实", "facts", problems, limit=4000)
    checks.not_future(data.listed_on, "列入日期", "listedOn", problems)
    problems.raise_if_any()
    entity = await _entity(session, code, department, data.kind)
    assert entity.id is not None and department.id is not None and number is not None
    if entity.status is EntityStatus.DEREGISTERED:
        raise DomainError("ENTITY_DEREGISTERED", f"“{entity.name}”已注销，不能列入名录", "uscc")
    checks.not_before(data.listed_on, entity.established_on, "列入日期", "成立日期", "listedOn", problems)
    problems.raise_if_any()
    same = (
        col(Listing.entity_id) == entity.id,
        col(Listing.kind) == data.kind,
        col(Listing.reason) == data.reason,
    )
    # Standing now, or (for a listing dated back) removed only after the new listing date.
    earlier = await session.scalar(
        select(Listing)
        .where(*same, or_(col(Listing.removed_on).is_(None), col(Listing.removed_on) > data.listed_on))
        .order_by(col(Listing.listed_on).desc())
        .limit(1)
    )
    if earlier is not None:
        raise _already_listed(entity, earlier)
    listing = Listing(
        entity_id=entity.id,
        kind=data.kind,
        reason=data.reason,
        facts=facts,
        document_number=number,
        listed_on=data.listed_on,
        department_id=department.id,
    )
    name = entity.name
    try:
        async with session.begin_nested():
            session.add(listing)
    except IntegrityError as error:
        # uq_listing_standing: a concurrent request listed it first.
        raise DomainError(
            "ALREADY_LISTED", f"“{name}”已因“{label(data.reason)}”列入{label(data.kind)}", "uscc"
        ) from error
    await audit.record(session, "listing.listed", "Listing", str(listing.id), None, _snapshot(listing, entity.uscc),
                       department.code)  # fmt: skip
    return listing


def _already_listed(entity: MarketEntity, earlier: Listing) -> DomainError:
    period = f"{earlier.listed_on.isoformat()} 起"
    if earlier.removed_on is not None:
        period = f"{earlier.listed_on.isoformat()} 至 {earlier.removed_on.isoformat()}"
    return DomainError(
        "ALREADY_LISTED",
        f"“{entity.name}”{period}已因“{label(earlier.reason)}”列入{label(earlier.kind)}（{earlier.document_number}）",
        "uscc",
    )


def _removal_note(document_number: str | None, note: str | None) -> str | None:
    # The table has no column of its own for the removal decision's number: it leads the note.
    parts = [f"移出决定书：{document_number}" if document_number else None, note]
    return "；".join(part for part in parts if part) or None


async def _may_remove(session: AsyncSession, department: Department, listing: Listing) -> bool:
    """A serious listing follows its department's penalty decision: that department removes it,
    or the city authority above it; another district's authority may not undo it."""
    if department.id == listing.department_id:
        return True
    listed_by = await session.get(Department, listing.department_id)
    region = await session.get(Region, listed_by.region_code) if listed_by is not None else None
    return (
        department.level is DepartmentLevel.CITY and region is not None and region.parent_code == department.region_code
    )


async def delist_entity(session: AsyncSession, data: DelistInput) -> Listing:
    """移出: the standing listing of `kind` (the one of `listing_reason` where several stand), audited."""
    department = await _authority(session, Operation.DELIST_ENTITY, data.department_code)
    problems = Collector()
    code = checked_uscc(data.uscc, problems)
    if data.listing_reason is not None:
        _reason_fits(data.kind, data.listing_reason, "listingReason", problems)
    number = checks.document_number(data.document_number, "移出决定书文号", "documentNumber", problems, required=False)
    note = checks.text(data.note, "移出说明", "note", problems, limit=2000, required=False)
    checks.not_future(data.removed_on, "移出日期", "removedOn", problems)
    problems.raise_if_any()
    entity = await _entity(session, code, department, data.kind)
    query = select(Listing).where(
        col(Listing.entity_id) == entity.id, col(Listing.kind) == data.kind, col(Listing.removed_on).is_(None)
    )
    if data.listing_reason is not None:
        query = query.where(col(Listing.reason) == data.listing_reason)
    standing = list((await session.scalars(query.order_by(col(Listing.listed_on)))).all())
    if not standing:
        why = f"因“{label(data.listing_reason)}”" if data.listing_reason else ""
        raise DomainError("NOT_LISTED", f"“{entity.name}”未{why}列入{label(data.kind)}", "uscc")
    if len(standing) > 1:
        reasons = "、".join(f"{r.reason.value}（{label(r.reason)}）" for r in standing)
        message = f"“{entity.name}”因多项事由列入{label(data.kind)}：{reasons}；请用 listingReason 指明移出哪一项"
        raise DomainError("LISTING_REASON_REQUIRED", message, "listingReason")
    listing = standing[0]
    if listing.kind is ListingKind.SERIOUS_DISHONEST and not await _may_remove(session, department, listing):
        raise Forbidden("严重违法失信名单只能由作出列入决定的部门或其上级市级登记机关移出")
    checks.not_before(data.removed_on, listing.listed_on, "移出日期", "列入日期", "removedOn", problems)
    problems.raise_if_any()
    before = _snapshot(listing, entity.uscc)
    # Conditional: of two removals at once, one finds it still standing.
    assert listing.id is not None
    removal = {
        "removed_on": data.removed_on,
        "removal_reason": data.reason,
        "removal_note": _removal_note(number, note),
        "removed_by_department_id": department.id,
        "updated_at": utcnow(),
    }
    if await conditional_update(session, Listing, listing.id, [col(Listing.removed_on).is_(None)], removal) is None:
        raise DomainError("NOT_LISTED", f"“{entity.name}”已被移出{label(data.kind)}", "uscc")
    await audit.record(session, "listing.removed", "Listing", str(listing.id), before, _snapshot(listing, entity.uscc),
                       department.code)  # fmt: skip
    return listing


# -- reading ----------------------------------------------------------------------------------------


def newest_listings_first() -> list[ColumnElement[Any]]:
    """An entity's listings, standing and removed: the newest listed first, then the newest stored."""
    return [col(Listing.listed_on).desc(), col(Listing.id).desc()]


async def listings_of_entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[Listing]]:
    """For a DataLoader: each entity's listings, standing and removed, newest first. Listings are
    shared for supervision: whoever may see the entity sees them."""
    require_authenticated(principal_of(session))
    grouped: dict[int, list[Listing]] = {key: [] for key in entity_ids}
    rows = await session.scalars(
        select(Listing).where(col(Listing.entity_id).in_(list(entity_ids))).order_by(*newest_listings_first())
    )
    for row in rows:
        grouped[row.entity_id].append(row)
    return [grouped[key] for key in entity_ids]


async def entity_listings_page(session: AsyncSession, entity_id: int, number: int, size: int) -> NumberedPage[Listing]:
    """Page `number` of one entity's listings, standing and removed, newest first, and how many there
    are: the entity page's list, under the same rule as listings_of_entities."""
    require_authenticated(principal_of(session))
    rows = select(Listing).where(col(Listing.entity_id) == entity_id)
    return await numbered_page(session, rows, newest_listings_first(), col(Listing.id), number, size)


@dataclass(frozen=True)
class ListingFilter:
    uscc: str | None = None
    kind: ListingKind | None = None
    reason: ListingReason | None = None
    standing: bool | None = None  # today
    due_for_escalation: bool | None = None  # today
    department_code: str | None = None  # the listing department


def _filtered(query: Select[Any], flt: ListingFilter) -> Select[Any]:
    """The listings of entities the caller may see (the row policy narrows the join), filtered."""
    on = today()
    query = query.join(MarketEntity, col(MarketEntity.id) == col(Listing.entity_id))
    if flt.uscc:
        query = query.where(col(MarketEntity.uscc) == flt.uscc.strip().upper())
    if flt.kind is not None:
        query = query.where(col(Listing.kind) == flt.kind)
    if flt.reason is not None:
        query = query.where(col(Listing.reason) == flt.reason)
    if flt.standing is not None:
        query = query.where(standing_on(on) if flt.standing else ~standing_on(on))
    if flt.due_for_escalation is not None:
        due = due_for_escalation(on)
        query = query.where(due if flt.due_for_escalation else ~due)
    if flt.department_code:
        listed_by = select(col(Department.id)).where(col(Department.code) == flt.department_code.strip())
        query = query.where(col(Listing.department_id).in_(listed_by.scalar_subquery()))
    return query


async def list_listings(session: AsyncSession, flt: ListingFilter, first: int, after: str | None) -> Page[Listing]:
    """Newest first (by id), a keyset page."""
    require_authenticated(principal_of(session))
    rows = _filtered(select(Listing), flt)
    return await keyset_page(session, rows, col(Listing.id), _CURSOR, first, after, descending=True)


async def count_listings(session: AsyncSession, flt: ListingFilter) -> int:
    require_authenticated(principal_of(session))
    return await count_rows(session, _filtered(select(Listing), flt), col(Listing.id))


@dataclass(frozen=True)
class PublicListing:
    """A current listing as the public sees it: no facts, no removal, no reminders."""

    kind: ListingKind
    reason: ListingReason
    listed_on: date
    document_number: str
    authority_name: str  # 作出决定机关


async def public_listings(session: AsyncSession, uscc: str) -> list[PublicListing]:
    """公示: the listings the entity stands on today, for anyone."""
    rows = await session.execute(
        select(Listing, Department)
        .join(MarketEntity, col(MarketEntity.id) == col(Listing.entity_id))
        .join(Department, col(Department.id) == col(Listing.department_id))
        .where(col(MarketEntity.uscc) == uscc, standing_on(today()))
        .order_by(col(Listing.listed_on).desc(), col(Listing.id).desc())
        # Public data is the same for every caller, so no jurisdiction applies.
        .execution_options(**UNRESTRICTED)
    )
    return [
        PublicListing(listing.kind, listing.reason, listing.listed_on, listing.document_number, department.name)
        for listing, department in rows.all()
    ]
