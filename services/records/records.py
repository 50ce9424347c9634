"""双归集: licenses, penalties and complaints recorded by their source department.

一数一源: a record belongs to the department that sends it (a maintainer may act for
one: services.platform.access.acting_department); the key is (source department, decision
document number), or the hotline's reference for a complaint. Sending a record again
changes nothing; sending a corrected one updates it, with an audit event. A penalty of
吊销许可证件 marks the license it names REVOKED; withdrawing that penalty gives the license
back its standing. Both, and the colours the records change, follow on before the
transaction commits (services.records.revocation, services.credit.risk).

The checks are pure functions (`license_values`, `penalty_values`, `complaint_values`)
so a batch import applies exactly the rules a single mutation does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from models import Complaint, Department, License, Penalty
from models.enums import ComplaintCategory, LicenseCategory, PenaltyCategory, RecordStatus
from models.types import utcnow
from services.platform import audit, checks, follow_on
from services.platform.access import (
    UNRESTRICTED,
    Operation,
    acting_department,
    principal_of,
    require,
    require_authenticated,
)
from services.platform.clock import today
from services.platform.errors import Collector, DomainError, Problem
from services.platform.paging import NumberedPage, numbered_page
from services.platform.text_columns import column_limit
from services.platform.upsert import upsert
from services.records import revocation
from services.registry import uscc
from services.registry.reach import entity_in_reach

LONG_TERM = date(2099, 12, 31)  # 有效期至 2099-12-31: 长期
# 较低数额罚款: fines up to this many yuan (and 警告, 通报批评 alone) are public for 3 months.
LOW_FINE_YUAN = Decimal(30000)
SHORT_PUBLICITY_MONTHS = 3
LONG_PUBLICITY_YEARS = 3
_LIGHT = {PenaltyCategory.WARNING, PenaltyCategory.CIRCULATED_CRITICISM, PenaltyCategory.FINE}
R = TypeVar("R", bound=SQLModel)


class RecordOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class LicenseInput:
    uscc: str
    document_number: str
    document_name: str
    category: LicenseCategory
    content: str
    decision_date: date
    valid_from: date
    valid_to: date
    certificate_name: str | None = None
    license_number: str | None = None
    party_name: str | None = None  # defaults to the entity's registered name
    legal_representative: str | None = None
    authority_name: str | None = None  # defaults to the source department's name
    department_code: str | None = None  # a maintainer acting for a department


@dataclass(frozen=True)
class PenaltyInput:
    uscc: str
    document_number: str
    violation_type: str
    facts: str
    basis: str
    categories: Sequence[PenaltyCategory]
    content: str
    decision_date: date
    fine_amount: str | None = None  # yuan, a decimal string
    confiscated_amount: str | None = None
    revoked_license_number: str | None = None
    public_until: date | None = None
    party_name: str | None = None
    legal_representative: str | None = None
    authority_name: str | None = None
    department_code: str | None = None


@dataclass(frozen=True)
class ComplaintInput:
    uscc: str
    reference: str
    received_on: date
    category: ComplaintCategory
    resolved: bool = False
    resolved_on: date | None = None
    summary: str | None = None
    department_code: str | None = None


@dataclass(frozen=True)
class Recorded:
    record: Any
    outcome: RecordOutcome
    revoked: License | None = None  # the license a 吊销许可证件 penalty revoked


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def penalty_public_until(categories: Sequence[PenaltyCategory], fine: Decimal | None, decided: date) -> date:
    """公示截止期 when the decision gives none: 3 months for 警告, 通报批评 and low fines
    alone, 3 years for every other penalty."""
    light = set(categories) <= _LIGHT and (fine or Decimal(0)) <= LOW_FINE_YUAN
    return _add_months(decided, SHORT_PUBLICITY_MONTHS if light else 12 * LONG_PUBLICITY_YEARS)


def license_public_until(decided: date) -> date:
    return _add_months(decided, 12 * LONG_PUBLICITY_YEARS)


def license_values(data: LicenseInput, on: date, problems: Collector) -> dict[str, Any]:
    """The checked columns of a license (all but entity, source department and names)."""
    values = {
        "document_number": checks.document_number(
            data.document_number, "行政许可决定文书号", "documentNumber", problems
        ),
        "document_name": checks.text(
            data.document_name,
            "行政许可决定文书名称",
            "documentName",
            problems,
            limit=column_limit(License.document_name),
        ),
        "category": data.category,
        "certificate_name": checks.optional_text(
            data.certificate_name,
            "许可证书名称",
            "certificateName",
            problems,
            limit=column_limit(License.certificate_name),
        ),
        "license_number": checks.optional_text(
            data.license_number, "许可编号", "licenseNumber", problems, limit=column_limit(License.license_number)
        ),
        "content": checks.text(data.content, "许可内容", "content", problems, limit=4000),
        "decision_date": data.decision_date,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "public_until": license_public_until(data.decision_date),
    }
    _names(data, problems)
    checks.not_future(data.decision_date, "许可决定日期", "decisionDate", problems, on)
    checks.not_before(data.valid_to, data.valid_from, "有效期至", "有效期自", "validTo", problems)
    return values


def penalty_values(data: PenaltyInput, on: date, problems: Collector) -> dict[str, Any]:
    categories = list(dict.fromkeys(data.categories))
    if not categories:
        problems.add("REQUIRED", "至少给出一个处罚类别", "categories")
    fine = checks.amount(data.fine_amount, "罚款金额", "fineAmount", problems)
    confiscated = checks.amount(data.confiscated_amount, "没收金额", "confiscatedAmount", problems)
    if PenaltyCategory.FINE in categories and not (data.fine_amount or "").strip():
        problems.add("REQUIRED", "处罚类别含罚款时须填写罚款金额", "fineAmount")
    revoked = checks.optional_text(
        data.revoked_license_number,
        "吊销的许可编号",
        "revokedLicenseNumber",
        problems,
        limit=column_limit(Penalty.revoked_license_number),
    )
    if PenaltyCategory.LICENSE_REVOCATION in categories and not revoked:
        problems.add("REQUIRED", "处罚类别含吊销许可证件时须填写被吊销的许可编号", "revokedLicenseNumber")
    _names(data, problems)
    checks.not_future(data.decision_date, "处罚决定日期", "decisionDate", problems, on)
    if data.public_until is not None:
        checks.not_before(data.public_until, data.decision_date, "公示截止期", "处罚决定日期", "publicUntil", problems)
    return {
        "document_number": checks.document_number(
            data.document_number, "行政处罚决定书文号", "documentNumber", problems
        ),
        "violation_type": checks.text(
            data.violation_type, "违法行为类型", "violationType", problems, limit=column_limit(Penalty.violation_type)
        ),
        "facts": checks.text(data.facts, "违法事实", "facts", problems, limit=4000),
        "basis": checks.text(data.basis, "处罚依据", "basis", problems, limit=2000),
        "categories": categories,
        "content": checks.text(data.content, "处罚内容", "content", problems, limit=4000),
        "fine_amount": fine,
        "confiscated_amount": confiscated,
        "revoked_license_number": revoked or None,
        "decision_date": data.decision_date,
        "public_until": data.public_until or penalty_public_until(categories, fine, data.decision_date),
    }


def complaint_values(data: ComplaintInput, on: date, problems: Collector) -> dict[str, Any]:
    checks.not_future(data.received_on, "受理日期", "receivedOn", problems, on)
    if data.resolved and data.resolved_on is None:
        problems.add("REQUIRED", "已办结的投诉须填写办结日期", "resolvedOn")
    if not data.resolved and data.resolved_on is not None:
        problems.add("INVALID_RESOLUTION", "未办结的投诉不能有办结日期", "resolvedOn")
    if data.resolved_on is not None:
        checks.not_future(data.resolved_on, "办结日期", "resolvedOn", problems, on)
        checks.not_before(data.resolved_on, data.received_on, "办结日期", "受理日期", "resolvedOn", problems)
    return {
        "reference": checks.document_number(data.reference, "工单编号", "reference", problems),
        "received_on": data.received_on,
        "category": data.category,
        "summary": checks.optional_text(data.summary, "投诉摘要", "summary", problems, limit=4000),
        "resolved": data.resolved,
        "resolved_on": data.resolved_on,
    }


def _names(data: LicenseInput | PenaltyInput, problems: Collector) -> None:
    """The names a decision may state instead of the registry's and the department's."""
    checks.optional_text(
        data.party_name, "行政相对人名称", "partyName", problems, limit=column_limit(Penalty.party_name)
    )
    checks.optional_text(
        data.legal_representative,
        "法定代表人",
        "legalRepresentative",
        problems,
        limit=column_limit(Penalty.legal_representative),
    )
    checks.optional_text(
        data.authority_name, "决定机关", "authorityName", problems, limit=column_limit(Penalty.authority_name)
    )


def party_values(
    data: LicenseInput | PenaltyInput,
    entity_id: int | None,
    entity_name: str,
    entity_legal_representative: str | None,
    department_name: str,
) -> dict[str, Any]:
    """The entity and the names on a license or penalty: as the decision states them, else
    the entity's registered names and the source department's."""
    return {
        "entity_id": entity_id,
        "party_name": (data.party_name or "").strip() or entity_name,
        "legal_representative": (data.legal_representative or "").strip() or entity_legal_representative,
        "authority_name": (data.authority_name or "").strip() or department_name,
    }


def correction_refused(status: RecordStatus, document_number: str, identical: bool) -> Problem | None:
    """A withdrawn or repaired penalty is closed: a correction may not bring it back. The
    same record sent again (a department's periodic full export) is simply unchanged."""
    if status is RecordStatus.EFFECTIVE or identical:
        return None
    return Problem("RECORD_CLOSED", f"处罚决定“{document_number}”已撤销或已修复，不能再更正", "documentNumber")


async def _store(
    session: AsyncSession,
    model: type[R],
    key: dict[str, Any],
    values: dict[str, Any],
    label: str,
    department: Department,
) -> tuple[R, RecordOutcome]:
    """Insert, update or leave alone the record under `key`; audited when it changes."""
    done = await upsert(
        session,
        model,
        key,
        values,
        action=f"{label}.{{change}}",
        exclude=("id", "created_at", "updated_at"),
        stamp="updated_at",
        object_id=str(key.get("document_number") or key.get("reference")),
        department_code=department.code,
    )
    if not done.changed:
        return done.row, RecordOutcome.UNCHANGED
    return done.row, RecordOutcome.CREATED if done.created else RecordOutcome.UPDATED


@dataclass(frozen=True)
class _Checked:
    department: Department
    key: dict[str, Any]
    values: dict[str, Any]


async def _checked_decision(
    session: AsyncSession, data: LicenseInput | PenaltyInput, values_of: Callable[..., dict[str, Any]]
) -> _Checked:
    """What a license and a penalty share: the source department, the rules, the entity
    and the party, and the key (source department, document number)."""
    department = await acting_department(session, principal_of(session), data.department_code)
    problems = Collector()
    code = uscc.checked_uscc(data.uscc, problems)
    values = values_of(data, today(), problems)
    problems.raise_if_any()
    entity = await entity_in_reach(session, code, department)
    values |= party_values(data, entity.id, entity.name, entity.legal_representative, department.name)
    key = {"source_department_id": department.id, "document_number": values.pop("document_number")}
    return _Checked(department, key, values)


async def record_license(session: AsyncSession, data: LicenseInput) -> Recorded:
    require(principal_of(session), Operation.RECORD_LICENSE)
    checked = await _checked_decision(session, data, license_values)
    existing = await session.scalar(select(License).filter_by(**checked.key))
    checked.values["status"] = existing.status if existing is not None else RecordStatus.EFFECTIVE
    record, outcome = await _store(session, License, checked.key, checked.values, "license", checked.department)
    return Recorded(record, outcome)


async def record_penalty(session: AsyncSession, data: PenaltyInput) -> Recorded:
    require(principal_of(session), Operation.RECORD_PENALTY)
    checked = await _checked_decision(session, data, penalty_values)
    department, key = checked.department, checked.key
    existing = await session.scalar(select(Penalty).filter_by(**key))
    if existing is not None and existing.status is not RecordStatus.EFFECTIVE:
        identical = all(getattr(existing, name) == value for name, value in checked.values.items())
        closed = correction_refused(existing.status, key["document_number"], identical)
        if closed is not None:
            raise DomainError.many([closed])
        return Recorded(existing, RecordOutcome.UNCHANGED)
    checked.values["status"] = RecordStatus.EFFECTIVE
    penalty, outcome = await _store(session, Penalty, key, checked.values, "penalty", department)
    if outcome is RecordOutcome.UNCHANGED:
        # Sent again, it revokes its license all the same, as a batch file's row does (a license
        # stored REVOKED before this platform, by no penalty of ours, is thus adopted).
        follow_on.mark(session, revocation.LICENSES, revocation.penalty_marks(penalty))
    # The reply names the license this penalty revoked: its reconciliation runs now.
    await follow_on.settle(session, through=revocation.RECONCILE)
    revoked = (
        done.license for done in follow_on.marked(session, revocation.REVOCATIONS) if done.penalty_id == penalty.id
    )
    return Recorded(penalty, outcome, next(revoked, None))


_CLOSING = {RecordStatus.WITHDRAWN: ("撤销", "withdrawn"), RecordStatus.REPAIRED: ("信用修复", "repaired")}


async def _close_penalty(
    session: AsyncSession, document_number: str, reason: str, department_code: str | None, status: RecordStatus
) -> tuple[Penalty, Department]:
    """A penalty leaves the public view: withdrawn (annulled) or repaired (信用修复); audited."""
    department = await acting_department(session, principal_of(session), department_code)
    word, action = _CLOSING[status]
    problems = Collector()
    number = checks.document_number(document_number, "行政处罚决定书文号", "documentNumber", problems)
    why = checks.text(reason, f"{word}理由", "reason", problems, limit=2000)
    problems.raise_if_any()
    penalty = await session.scalar(
        select(Penalty).where(
            col(Penalty.source_department_id) == department.id, col(Penalty.document_number) == number
        )
    )
    if penalty is None:
        raise DomainError("PENALTY_NOT_FOUND", f"本部门没有文号为“{number}”的处罚决定", "documentNumber")
    if penalty.status is status:
        raise DomainError(f"ALREADY_{status.value}", f"处罚决定“{number}”已{word}", "documentNumber")
    if penalty.status is RecordStatus.WITHDRAWN:
        raise DomainError("RECORD_CLOSED", f"处罚决定“{number}”已撤销，不能再{word}", "documentNumber")
    before = {"status": penalty.status.value}
    penalty.status, penalty.status_reason, penalty.updated_at = status, why, utcnow()
    await session.flush()
    await audit.record(session, f"penalty.{action}", "Penalty", number, before, {"status": status.value, "reason": why},
                       department.code)  # fmt: skip
    return penalty, department


async def withdraw_penalty(
    session: AsyncSession, document_number: str, reason: str, department_code: str | None = None
) -> Penalty:
    """撤销: the decision was annulled; it leaves the public view, and a license it revoked is restored."""
    require(principal_of(session), Operation.WITHDRAW_PENALTY)
    penalty, _ = await _close_penalty(session, document_number, reason, department_code, RecordStatus.WITHDRAWN)
    return penalty


async def repair_penalty(
    session: AsyncSession, document_number: str, reason: str, department_code: str | None = None
) -> Penalty:
    """信用修复: the decision stands (a license it revoked stays revoked) but leaves the public
    view before its publicity period ends."""
    require(principal_of(session), Operation.REPAIR_PENALTY)
    penalty, _ = await _close_penalty(session, document_number, reason, department_code, RecordStatus.REPAIRED)
    return penalty


async def record_complaint(session: AsyncSession, data: ComplaintInput) -> Recorded:
    require(principal_of(session), Operation.RECORD_COMPLAINT)
    department = await acting_department(session, principal_of(session), data.department_code)
    problems = Collector()
    code = uscc.checked_uscc(data.uscc, problems)
    values = complaint_values(data, today(), problems)
    problems.raise_if_any()
    entity = await entity_in_reach(session, code, department)
    values["entity_id"] = entity.id
    key = {"source_department_id": department.id, "reference": values.pop("reference")}
    record, outcome = await _store(session, Complaint, key, values, "complaint", department)
    return Recorded(record, outcome)


Record = License | Penalty | Complaint


# The kind of the cursors of an entity's records of each kind.
CURSOR_KINDS: dict[type[Record], str] = {License: "license", Penalty: "penalty", Complaint: "complaint"}


def newest_first(model: type[Record]) -> list[ColumnElement[Any]]:
    """An entity's records of one kind, newest first: by the day they were received (a complaint) or
    decided, then the newest stored."""
    columns = model.__table__.c  # type: ignore[union-attr]
    newest = columns.received_on if model is Complaint else columns.decision_date
    return [newest.desc(), columns.id.desc()]


async def entity_records_page(
    session: AsyncSession, model: type[Record], entity_id: int, number: int, size: int
) -> NumberedPage[Record]:
    """Page `number` of one entity's records of one kind, newest first, and how many there are:
    the entity page's list, under the same rule as records_of_entities."""
    require_authenticated(principal_of(session))
    columns = model.__table__.c  # type: ignore[union-attr]
    rows: Select[Any] = select(model).where(columns.entity_id == entity_id)
    return await numbered_page(session, rows, newest_first(model), columns.id, number, size)


async def records_of_entities(
    session: AsyncSession, model: type[Record], entity_ids: Sequence[int]
) -> list[list[Record]]:
    """For a DataLoader: each entity's records of one kind, newest first. Any caller who
    may see the entity sees its records: gathering them is the point of 双归集."""
    require_authenticated(principal_of(session))
    columns = model.__table__.c  # type: ignore[union-attr]
    query = select(model).where(columns.entity_id.in_(list(entity_ids))).order_by(*newest_first(model))
    grouped: dict[int, list[Record]] = {key: [] for key in entity_ids}
    rows: Sequence[Record] = (await session.scalars(query)).all()  # type: ignore[assignment]
    for row in rows:
        grouped[row.entity_id].append(row)
    return [grouped[key] for key in entity_ids]


@dataclass(frozen=True)
class PublicRecords:
    licenses: list[License]
    penalties: list[Penalty]


async def public_records(session: AsyncSession, entity_id: int, on: date) -> PublicRecords:
    """公示: effective licenses and penalties inside their publicity period, and nothing else:
    the same for every caller, the public included, so no row policy applies."""
    shown = [col(License.status) == RecordStatus.EFFECTIVE, col(License.public_until) >= on]
    licenses = await session.scalars(
        select(License)
        .where(col(License.entity_id) == entity_id, *shown)
        .order_by(col(License.decision_date).desc(), col(License.id).desc())
        .execution_options(**UNRESTRICTED)
    )
    penalties = await session.scalars(
        select(Penalty)
        .where(
            col(Penalty.entity_id) == entity_id,
            col(Penalty.status) == RecordStatus.EFFECTIVE,
            col(Penalty.public_until) >= on,
        )
        .order_by(col(Penalty.decision_date).desc(), col(Penalty.id).desc())
        .execution_options(**UNRESTRICTED)
    )
    return PublicRecords(list(licenses.all()), list(penalties.all()))
