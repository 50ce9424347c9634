"""When a listing stands: listed on or before a day and not removed by it. A leaf module, so
that the listing service, joint discipline and the colour rules share one rule without
importing each other."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from models import Listing


def standing_on(day: date) -> ColumnElement[bool]:
    """SQL: the listing stands on `day` (listed on or before it, not removed by it)."""
    return and_(
        col(Listing.listed_on) <= day,
        or_(col(Listing.removed_on).is_(None), col(Listing.removed_on) > day),
    )


def stands(listing: Listing, day: date) -> bool:
    """`standing_on` for a row already loaded (a test holds the two to the same answers)."""
    return listing.listed_on <= day and (listing.removed_on is None or listing.removed_on > day)
