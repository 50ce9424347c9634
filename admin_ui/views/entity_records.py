"""双归集 on the entity page: its licenses, penalties, complaints and listings, read-only, newest
first, each kind paged by number (`?licenses_page=2`) with its count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette_admin import BaseField

from admin_ui.formats import amount
from admin_ui.page_number import page_number
from models import Complaint, License, Penalty
from models.enums import ListingKind
from services.credit.listing_rules import stands
from services.credit.listings import entity_listings_page, escalation_due_on, is_due_for_escalation
from services.platform.clock import today
from services.platform.labels import label
from services.platform.paging import NumberedPage
from services.records.records import LONG_TERM, Record, entity_records_page
from services.registry.departments import departments_by_ids


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _until(valid_to: date) -> str:
    return "长期" if valid_to == LONG_TERM else valid_to.isoformat()


def _status(record: License | Penalty) -> str:
    shown = label(record.status)
    return f"{shown}（{record.status_reason}）" if record.status_reason else shown


PAGE_SIZE = 20


def shown_page(request: Request, param: str, page: NumberedPage[Any], rows: list[dict[str, str]]) -> dict[str, Any]:
    """What the entity page's template reads for one kind (templates/_records_card.html): the rows,
    the count, and links to the pages beside this one (the other kinds stay on their pages)."""

    def link(number: int) -> str | None:
        if not 1 <= number <= page.pages or number == page.number:
            return None
        url = request.url.include_query_params(**{param: number})
        return f"{url.path}?{url.query}#{param}"

    return {
        "rows": rows,
        "total": page.total,
        "number": page.number,
        "pages": page.pages,
        "size": PAGE_SIZE,
        "anchor": param,
        "previous": link(page.number - 1),
        "next": link(page.number + 1),
        "first": link(1),
        "last": link(page.pages),
    }


async def _records(
    request: Request, entity_id: int, model: type[Record], param: str
) -> tuple[NumberedPage[Record], dict[int, str]]:
    """A page of the entity's records of one kind (services.records.records, under the row policy
    the API's lists keep) and their source departments' names."""
    session: AsyncSession = request.state.session
    page = await entity_records_page(session, model, entity_id, page_number(request, param), PAGE_SIZE)
    ids: Sequence[int] = sorted({record.source_department_id for record in page.items})
    departments = await departments_by_ids(session, ids)
    return page, {d.id: d.name for d in departments if d is not None and d.id is not None}


async def licenses_of(request: Request, obj: Any) -> dict[str, Any]:
    page, sources = await _records(request, obj.id, License, "licenses_page")
    return shown_page(
        request,
        "licenses_page",
        page,
        [
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
            for license in page.items
            if isinstance(license, License)
        ],
    )


async def penalties_of(request: Request, obj: Any) -> dict[str, Any]:
    page, sources = await _records(request, obj.id, Penalty, "penalties_page")
    return shown_page(
        request,
        "penalties_page",
        page,
        [
            {
                "document": penalty.document_number,
                "violation": penalty.violation_type,
                "categories": "、".join(label(category) for category in penalty.categories),
                "content": penalty.content,
                "fine": amount(penalty.fine_amount),
                "confiscated": amount(penalty.confiscated_amount),
                "decided": _day(penalty.decision_date),
                "public_until": _day(penalty.public_until),
                "status": _status(penalty),
                "source": sources.get(penalty.source_department_id, ""),
            }
            for penalty in page.items
            if isinstance(penalty, Penalty)
        ],
    )


async def complaints_of(request: Request, obj: Any) -> dict[str, Any]:
    page, sources = await _records(request, obj.id, Complaint, "complaints_page")
    return shown_page(
        request,
        "complaints_page",
        page,
        [
            {
                "reference": complaint.reference,
                "received": _day(complaint.received_on),
                "category": label(complaint.category),
                "summary": complaint.summary or "",
                "resolution": f"已办结（{_day(complaint.resolved_on)}）" if complaint.resolved else "办理中",
                "source": sources.get(complaint.source_department_id, ""),
            }
            for complaint in page.items
            if isinstance(complaint, Complaint)
        ],
    )


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


async def listings_of(request: Request, obj: Any) -> dict[str, Any]:
    """经营异常名录 and 严重违法失信名单, standing and removed (services.credit.listings), a page of them."""
    session: AsyncSession = request.state.session
    page = await entity_listings_page(session, obj.id, page_number(request, "listings_page"), PAGE_SIZE)
    listings = page.items
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
    return shown_page(request, "listings_page", page, rows)


@dataclass
class ListingsField(BaseField):
    detail_template: str = "entity_listings.html"
    empty_template: str = "entity_records_empty.html"
