"""A record's key as a page's address gives it (?pk=…, /tasks/{id}): one that no row can have
(not an id by services.platform.ids' rule, not a calendar day) is the admin's 404 page, as
a deleted record is, never a 500 from the driver (SQLite's OverflowError, PostgreSQL's out of
range) or from starlette-admin's conversion (which calls date("2026-01-05"))."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.exceptions import HTTPException

from services.platform.ids import row_id


def record_id(value: Any) -> int:
    found = row_id(value)
    if found is None:
        raise HTTPException(404)
    return found


def record_key(kind: type, value: Any) -> Any:
    """The key as its column's Python type (a view's primary key type)."""
    if kind is int:
        return record_id(value)
    if kind is date:
        try:
            return date.fromisoformat(str(value)) if str(value).isascii() else _missing()
        except ValueError:
            _missing()
    return value


def _missing() -> Any:
    raise HTTPException(404)
