"""Search text a caller types: bounded before any SQL sees it, and never a LIKE pattern.

SQLite refuses a LIKE pattern over 50,000 bytes ("LIKE or GLOB pattern too complex") and either
engine scans every row for each character of a long one; nothing anyone searches for is longer
than MAX_SEARCH_TEXT characters. The caller's `%` and `_` are characters to find, not wildcards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, cast

from services.platform.errors import DomainError

MAX_SEARCH_TEXT = 100
TOO_LONG = "SEARCH_TEXT_TOO_LONG"


def too_long_message(maximum: int = MAX_SEARCH_TEXT) -> str:
    return f"检索词过长：最多 {maximum} 个字符"


def search_text(value: str | None, field: str) -> str:
    """The text trimmed; SEARCH_TEXT_TOO_LONG (on `field`) above MAX_SEARCH_TEXT characters."""
    text = (value or "").strip()
    if len(text) > MAX_SEARCH_TEXT:
        raise DomainError(TOO_LONG, too_long_message(), field)
    return text


def containing(column: Any, text: str) -> ColumnElement[bool]:
    """Rows whose column, as text and ignoring case, contains `text` as typed (wildcards escaped)."""
    return cast(column, String).icontains(text, autoescape=True)
