"""双归集 on the entity page: its licenses, penalties, complaints and listings, read-only, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette_admin import BaseField

from models import Complaint, License, Penalty
from models.enums import ListingKind
from services.credit.listing_rules import stands
from services.credit.listings import escalation_due_on, is_due_for_escalation, listings_of_entities
from services.platform.clock import today
from services.platform.labels import label
from services.records.records import LONG_TERM, Record, records_of_entities
from services.registry.departments import departments_by_ids


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _yuan(value: Decimal | None) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _until(valid_to: date) -> str:
    return "长期" if valid_to == LONG_TERM else valid_to.isoformat()


def _status(record: License | Penalty) -> str:
    shown = label(record.status)
    return f"{shown}（{record.status_reason}）" if record.status_reason else shown


async def _records(request: Request, entity_id: int, model: type[Record]) -> tuple[list[Any], dict[int, str]]:
    """The entity's records of one kind (services.records.records, as the API loads them) and their
    source departments' names."""
    session: AsyncSession = request.state.session
    [records] = await records_of_entities(session, model, [entity_id])
    ids: Sequence[int] = sorted({record.source_department_id for record in records})
    departments = await departments_by_ids(session, ids)
    return records, {d.id: d.name for d in departments if d is not None and d.id is not None}


async def licenses_of(request: Request, obj: Any) -> list[dict[str, str]]:
    records, sources = await _records(request, obj.id, License)
    return [
        {
            "certificate": license.certificate_name or license.document_name,
            "number": license.license_number or "",
            "document": license.document_number,
            "category": label(license.category),
            "content": license.content,
            "decided": _day(license.decision_date),
            "valid": f"{_day(license.valid_from)} 至 {_until(license.valid_to)}",
            "status": _status(license),
            "source": sources.get(license.source_department_id, ""),
            "authority": license.authority_name,
            "public_until": _day(license.public_until),
        }
        for license in records
        if isinstance(license, License)
    ]


async def penalties_of(request: Request, obj: Any) -> list[dict[str, str]]:
    records, sources = await _records(request, obj.id, Penalty)
    return [
        {
            "document": penalty.document_number,
            "violation": penalty.violation_type,
            "categories": "、".join(label(category) for category in penalty.categories),
            "content": penalty.content,
            "fine": _yuan(penalty.fine_amount),
            "confiscated": _yuan(penalty.confiscated_amount),
            "decided": _day(penalty.decision_date),
            "public_until": _day(penalty.public_until),
            "status": _status(penalty),
            "source": sources.get(penalty.source_department_id, ""),
        }
        for penalty in records
        if isinstance(penalty, Penalty)
    ]


async def complaints_of(request: Request, obj: Any) -> list[dict[str, str]]:
    records, sources = await _records(request, obj.id, Complaint)
    return [
        {
            "reference": complaint.reference,
            "received": _day(complaint.received_on),
            "category": label(complaint.category),
            "summary": complaint.summary or "",
            "resolution": f"已办结（{_day(complaint.resolved_on)}）" if complaint.resolved else "办理中",
            "source": sources.get(complaint.source_department_id, ""),
        }
        for complaint in records
        if isinstance(complaint, Complaint)
    ]


@dataclass
class LicensesField(BaseField):
    detail_template: str = "entity_licenses.html"
    empty_template: str = "entity_records_empty.html"


@dataclass
class PenaltiesField(BaseField):
    detail_template: str = "entity_penalties.html"
    empty_template: str = "entity_records_empty.html"


@dataclass
class ComplaintsField(BaseField):
    detail_template: str = "entity_complaints.html"
    empty_template: str = "entity_records_empty.html"


async def listings_of(request: Request, obj: Any) -> list[dict[str, str]]:
    """经营异常名录 and 严重违法失信名单, standing and removed (services.credit.listings, as the API loads them)."""
    session: AsyncSession = request.state.session
    [listings] = await listings_of_entities(session, [obj.id])
    ids = sorted({i for listing in listings for i in (listing.department_id, listing.removed_by_department_id) if i})
    names = {d.id: d.name for d in await departments_by_ids(session, ids) if d is not None and d.id is not None}
    on = today()
    rows = []
    for listing in listings:
        if stands(listing, on):
            status = "列入中"
        else:
            reason = label(listing.removal_reason) if listing.removal_reason else ""
            status = f"已移出（{_day(listing.removed_on)}，{reason}）"
        escalation = ""
        if listing.kind is ListingKind.ABNORMAL_OPERATION and stands(listing, on):
            escalation = f"{_day(escalation_due_on(listing.listed_on))} 满三年"
            if listing.escalation_reminded_at is not None:
                escalation += "，已提醒登记机关"
        rows.append(
            {
                "kind": label(listing.kind),
                "reason": label(listing.reason),
                "listed": _day(listing.listed_on),
                "document": listing.document_number,
                "department": names.get(listing.department_id, ""),
                "facts": listing.facts or "",
                "status": status,
                "removal": " ".join(
                    part for part in (names.get(listing.removed_by_department_id or 0), listing.removal_note) if part
                ),
                "escalation": escalation,
                "due": "due" if is_due_for_escalation(listing, on) else "",
            }
        )
    return rows


@dataclass
class ListingsField(BaseField):
    detail_template: str = "entity_listings.html"
    empty_template: str = "entity_records_empty.html"
