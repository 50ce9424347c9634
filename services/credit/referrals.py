"""联动告知: one department alerts another about an entity.

A referral goes SENT → ACKNOWLEDGED → HANDLED (with an outcome); only the receiving department
moves it, each step one conditional UPDATE, so of two acts at once exactly one wins. Sender and
recipient both read it; maintainers read every referral and act on none. Referrals the platform
raises itself (a revoked license, the 3-year escalation reminder) carry a source key, so each
reaches each department once however often the cause is seen again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, License, MarketEntity, Notice, Referral
from models.enums import ReferralReason, ReferralStatus
from models.types import UTCDateTime, utcnow
from services.platform import audit, checks, follow_on
from services.platform.access import (
    Operation,
    principal_of,
    require,
    require_authenticated,
    require_handler,
    seeing_all,
)
from services.platform.db import insert_if_absent
from services.platform.errors import Collector, DomainError
from services.platform.labels import label
from services.platform.paging import Page, count_rows, keyset_page
from services.platform.transitions import transition
from services.records.revocation import REVOCATIONS, Revocation
from services.registry.reach import missing_entity, reaches
from services.registry.uscc import checked_uscc

_CURSOR = "referral"
TEXT_LIMIT = 2000
# What a department may send itself; the others the platform raises (refer_once).
MANUAL_REASONS = (ReferralReason.MANUAL, ReferralReason.INSPECTION_FINDING)
T = TypeVar("T")


class ReferralDirection(StrEnum):
    SENT = "SENT"  # from the department in view
    RECEIVED = "RECEIVED"  # to it


@dataclass(frozen=True)
class ReferralFilter:
    direction: ReferralDirection | None = None
    status: ReferralStatus | None = None
    reason: ReferralReason | None = None
    uscc: str | None = None
    # Whose referrals a maintainer reads; a department always reads its own.
    department_code: str | None = None


@dataclass(frozen=True)
class ReferralInput:
    uscc: str
    to_department_code: str
    reason: ReferralReason
    message: str


def visible_referrals(session: AsyncSession, query: Select[T], flt: ReferralFilter) -> Select[T]:
    """The referrals the caller reads (the row policy: a department those it sent or received,
    maintainers all), narrowed by the filter (a maintainer may name one department's): one rule
    for a page and its count."""
    principal = principal_of(session)
    require_authenticated(principal)
    in_view: Any = None
    named = (flt.department_code or "").strip()
    if not principal.is_maintainer:
        if named and named != principal.department_code:
            return query.where(sa.false())
        in_view = principal.department_id
    elif named:
        in_view = select(col(Department.id)).where(col(Department.code) == named).scalar_subquery()
        query = query.where(
            sa.or_(col(Referral.from_department_id) == in_view, col(Referral.to_department_id) == in_view)
        )
    if flt.direction is not None:
        if in_view is None:
            raise DomainError("DEPARTMENT_REQUIRED", "按发出或收到筛选时，维护人员须指定部门", "departmentCode")
        sent = flt.direction is ReferralDirection.SENT
        query = query.where((col(Referral.from_department_id) if sent else col(Referral.to_department_id)) == in_view)
    if flt.status is not None:
        query = query.where(col(Referral.status) == flt.status)
    if flt.reason is not None:
        query = query.where(col(Referral.reason) == flt.reason)
    if flt.uscc:
        query = query.join(MarketEntity, col(MarketEntity.id) == Referral.entity_id).where(
            col(MarketEntity.uscc) == flt.uscc.strip().upper()
        )
    return query


async def list_referrals(session: AsyncSession, flt: ReferralFilter, first: int, after: str | None) -> Page[Referral]:
    """Oldest first, so that an integrator polling with `after` receives each new referral once."""
    query = visible_referrals(session, select(Referral), flt)
    return await keyset_page(session, query, col(Referral.id), _CURSOR, first, after)


async def count_referrals(session: AsyncSession, flt: ReferralFilter) -> int:
    return await count_rows(session, visible_referrals(session, select(Referral), flt), col(Referral.id))


async def referrals_of_entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[Referral]:
    """For a DataLoader: the caller's referrals (all for maintainers) about these entities."""
    query = visible_referrals(session, select(Referral), ReferralFilter())
    query = query.where(col(Referral.entity_id).in_(list(entity_ids))).order_by(col(Referral.id))
    return list((await session.scalars(query)).all())


async def _recipient(session: AsyncSession, code: str, own: int, problems: Collector) -> Department | None:
    cleaned = code.strip()
    if not cleaned:
        problems.add("REQUIRED", "请选择接收部门", "toDepartmentCode")
        return None
    target = await session.scalar(select(Department).where(col(Department.code) == cleaned))
    if target is None:
        problems.add("UNKNOWN_DEPARTMENT", f"部门“{cleaned}”不存在", "toDepartmentCode")
    elif target.id == own:
        problems.add("SAME_DEPARTMENT", "不能向本部门发送联动告知", "toDepartmentCode")
        return None
    return target


async def _subject(
    session: AsyncSession, uscc: str, target: Department | None, problems: Collector
) -> MarketEntity | None:
    """The entity, as the caller may see it; and the recipient must be able to see it too."""
    known = len(problems.problems)
    code = checked_uscc(uscc, problems)
    if len(problems.problems) > known:
        return None
    entity = await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == code.code))
    if entity is None:
        problems.problems.append(missing_entity(code))
        return None
    if target is not None and entity.id is not None and not await reaches(session, target, entity.id):
        problems.add("OUTSIDE_RECIPIENT_JURISDICTION", f"“{entity.name}”不在{target.name}的辖区内", "toDepartmentCode")
    return entity


async def send_referral(session: AsyncSession, data: ReferralInput) -> Referral:
    """A department alerts another about an entity it may see; the recipient must be one whose
    jurisdiction holds the entity, or it could not read what it is told about."""
    principal = principal_of(session)
    require(principal, Operation.SEND_REFERRAL)
    own = require_handler(principal)
    problems = Collector()
    if data.reason not in MANUAL_REASONS:
        problems.add("AUTOMATIC_REASON", f"“{label(data.reason)}”的联动告知由平台自动发送", "reason")
    message = checks.text(data.message, "告知内容", "message", problems, limit=TEXT_LIMIT)
    target = await _recipient(session, data.to_department_code, own, problems)
    entity = await _subject(session, data.uscc, target, problems)
    problems.raise_if_any()
    assert entity is not None and entity.id is not None and target is not None and target.id is not None
    referral = Referral(
        entity_id=entity.id,
        from_department_id=own,
        to_department_id=target.id,
        reason=data.reason,
        message=message,
        status=ReferralStatus.SENT,
    )
    session.add(referral)
    await session.flush()
    after = {"uscc": entity.uscc, "to": target.code, "reason": data.reason, "message": message}
    await audit.record(session, "referral.sent", "Referral", str(referral.id), None, after)
    return referral


async def _move(
    session: AsyncSession, referral_id: int, expected: tuple[ReferralStatus, ...], action: str, values: dict[str, Any]
) -> Referral:
    """Move one referral the caller received (the row policy: only the recipient changes it) out of
    `expected` to `values["status"]`, in one conditional UPDATE: of two requests at once exactly
    one finds it still in `expected`."""
    own = require_handler(principal_of(session))

    def not_found(_: Referral | None) -> DomainError:
        # Another department's referral (the row policy hides it): whether it exists is not the caller's business.
        return DomainError("REFERRAL_NOT_FOUND", f"联动告知 {referral_id} 不存在或与本部门无关", "id")

    def wrong_state(referral: Referral) -> DomainError:
        if referral.to_department_id != own:  # its sender reads it, but may not move it
            return DomainError("NOT_RECIPIENT", f"只有接收部门可以{action}该联动告知", "id")
        message = f"该联动告知{label(referral.status)}，不能再{action}"
        return DomainError(f"ALREADY_{referral.status.value}", message, "id")

    changes = dict(values)
    to_state = changes.pop("status")
    return await transition(
        session, Referral, referral_id, expected, to_state, changes, not_found=not_found, wrong_state=wrong_state
    )


async def acknowledge_referral(session: AsyncSession, referral_id: int) -> Referral:
    """签收: the recipient has it in hand."""
    require(principal_of(session), Operation.ACKNOWLEDGE_REFERRAL)
    values = {"status": ReferralStatus.ACKNOWLEDGED, "acknowledged_at": utcnow()}
    referral = await _move(session, referral_id, (ReferralStatus.SENT,), "签收", values)
    before, after = {"status": ReferralStatus.SENT.value}, {"status": referral.status.value}
    await audit.record(session, "referral.acknowledged", "Referral", str(referral_id), before, after)
    return referral


async def handle_referral(session: AsyncSession, referral_id: int, outcome: str) -> Referral:
    """办结, with what was done; handled straight from SENT, it counts as acknowledged then too."""
    require(principal_of(session), Operation.HANDLE_REFERRAL)
    problems = Collector()
    text = checks.text(outcome, "办理结果", "outcome", problems, limit=TEXT_LIMIT)
    problems.raise_if_any()
    now = utcnow()
    values = {
        "status": ReferralStatus.HANDLED,
        "outcome": text,
        "handled_at": now,
        "acknowledged_at": func.coalesce(col(Referral.acknowledged_at), sa.literal(now, UTCDateTime())),
    }
    expected = (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)
    referral = await _move(session, referral_id, expected, "办结", values)
    # The UPDATE returns only the new row: an acknowledgement older than this act says it was ACKNOWLEDGED.
    acknowledged_earlier = referral.acknowledged_at is not None and referral.acknowledged_at < now
    was = ReferralStatus.ACKNOWLEDGED if acknowledged_earlier else ReferralStatus.SENT
    after = {"status": referral.status.value, "outcome": text}
    await audit.record(session, "referral.handled", "Referral", str(referral_id), {"status": was.value}, after)
    return referral


async def refer_once(
    session: AsyncSession,
    *,
    entity_id: int,
    to_department_id: int,
    reason: ReferralReason,
    message: str,
    source_key: str,
    from_department_id: int | None = None,
    license_id: int | None = None,
    listing_id: int | None = None,
) -> Referral | None:
    """An automatic referral: sent unless this department already has the one of `source_key`
    (a concurrent sender's insert waits, then yields). The new referral, or None."""
    values = {
        "entity_id": entity_id,
        "to_department_id": to_department_id,
        "from_department_id": from_department_id,
        "reason": reason,
        "message": message,
        "status": ReferralStatus.SENT,
        "source_key": source_key,
        "license_id": license_id,
        "listing_id": listing_id,
    }
    new_id = await insert_if_absent(session, Referral, values, ["source_key", "to_department_id"])
    return await session.get(Referral, new_id) if new_id is not None else None


def revocation_key(license_id: int, penalty_id: int) -> str:
    """One revocation: this license, revoked by this penalty. A license revoked again by another
    penalty (the first withdrawn, or a second one taking over) is a new revocation."""
    return f"license-revoked:{license_id}:{penalty_id}"


async def refer_revocation(session: AsyncSession, revocation: Revocation) -> list[Referral]:
    """吊销许可证件 refers, from the penalty's department, to the entity's registration authority
    and every department that claimed a notice of the entity (not to the penalty's own)."""
    license = revocation.license
    assert license.id is not None
    authority = await session.scalar(
        sa.select(col(MarketEntity.registration_authority_id)).where(col(MarketEntity.id) == license.entity_id)
    )
    claimed = await session.scalars(
        sa.select(col(Notice.department_id))
        .where(col(Notice.entity_id) == license.entity_id, col(Notice.claimed_at).is_not(None))
        .distinct()
        # Which departments claimed the entity's notices, whichever department revokes: not the notices.
        .execution_options(**seeing_all(Notice))
    )
    candidates = {authority, *claimed.all()}
    recipients = sorted(d for d in candidates if d is not None and d != revocation.source_department_id)
    if not recipients:
        return []
    departments = await session.scalars(
        select(Department).where(col(Department.id).in_([revocation.source_department_id, *recipients]))
    )
    by_id = {department.id: department for department in departments.all()}
    source = by_id[revocation.source_department_id]
    certificate = license.certificate_name or "许可证件"
    message = (
        f"{source.name}以行政处罚决定“{revocation.document_number}”吊销了{license.party_name}的{certificate}"
        f"（许可编号 {license.license_number}，{license.authority_name}许可决定“{license.document_number}”），"
        "请依职责跟进。"
    )
    key = revocation_key(license.id, revocation.penalty_id)
    sent = []
    for department_id in recipients:
        referral = await refer_once(
            session,
            entity_id=license.entity_id,
            to_department_id=department_id,
            reason=ReferralReason.LICENSE_REVOKED,
            message=message,
            source_key=key,
            from_department_id=source.id,
            license_id=license.id,
        )
        if referral is not None:
            after = {"to": by_id[department_id].code, "reason": ReferralReason.LICENSE_REVOKED, "sourceKey": key}
            await audit.record(session, "referral.sent", "Referral", str(referral.id), None, after, source.code)
            sent.append(referral)
    return sent


@follow_on.step("credit.refer_revocations", REVOCATIONS)
async def _refer_revocations(session: AsyncSession, revocations: list[Revocation], _cause: str) -> None:
    """Each license a transaction revoked refers, once it is reconciled (single records, batch
    files and corrections alike)."""
    for done in revocations:
        await refer_revocation(session, done)


async def licenses_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[License | None]:
    """For a DataLoader: the licenses referrals are about (licenses are shared for supervision)."""
    rows = await session.scalars(select(License).where(col(License.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]
