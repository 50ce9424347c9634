"""Row ids from callers' text: one rule for GraphQL ids, cursors, subscription ids and the admin's
ids in paths, forms and selections.

An id is ASCII digits only: `str.isdigit()` also admits "²" (which int() refuses) and "٣" (which
int() reads as 3), and int() takes signs, spaces and "1_0". It is bounded to the column's range:
every table's `id` is an INTEGER column (models: `id: int` primary keys; migrations: sa.Integer),
so a number past 2³¹−1 names no row, and the databases refuse to compare it (PostgreSQL: "value
out of int32 range") or int() builds a huge number from a long string first."""

from __future__ import annotations

from services.platform.checks import quoted
from services.platform.errors import DomainError

# The largest value of an INTEGER column, on both engines' reading of it.
MAX_ROW_ID = 2**31 - 1
# The most digits a bounded id can take (leading zeros are allowed, a few of them).
_MOST_DIGITS = 20


def whole_number(text: object, maximum: int = MAX_ROW_ID) -> int | None:
    """The number `text` spells in ASCII digits, 0..`maximum`; None for anything else."""
    raw = str(text)
    if not (0 < len(raw) <= _MOST_DIGITS and raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= maximum else None


def row_id(text: object, maximum: int = MAX_ROW_ID) -> int | None:
    """The id `text` spells, 1..`maximum`; None when it spells none (no row can have it)."""
    value = whole_number(text, maximum)
    return value if value else None


def existing_id(text: object, code: str, message: str, field: str) -> int:
    """The id `text` spells; `code` (the field's "not found") when no row can have it, with
    `message` naming the id as `{id}`: filled by services.platform.checks.quoted, so that the
    caller's raw text (a lone surrogate, U+202E, 200,000 digits) is never sent back. Ids skip
    the text rule (they are parsed here and never stored as text), so this is where it holds."""
    found = row_id(text)
    if found is None:
        raise DomainError(code, message.format(id=quoted(str(text))), field)
    return found


__all__ = ["MAX_ROW_ID", "existing_id", "row_id", "whole_number"]
