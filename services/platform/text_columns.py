"""What the text rule reads from the models, so that nothing is written twice: which fields hold
running text (a TEXT column: line breaks allowed) and how long a column's text may be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel.sql.sqltypes import AutoString

import models


@dataclass(frozen=True)
class TextColumn:
    """A stored column of text: its table, its name, its length (None: unbounded) and whether
    it holds running text."""

    table: str
    name: str
    length: int | None
    multiline: bool


def _kind(column: sa.Column[Any]) -> tuple[bool, int | None] | None:
    kind = column.type
    if isinstance(kind, sa.Enum):  # a code list's member, written by the program
        return None
    if isinstance(kind, sa.Text):
        return True, None
    if isinstance(kind, AutoString | sa.String):
        return False, kind.length
    return None


@cache
def text_columns() -> tuple[TextColumn, ...]:
    """Every column of text in the models, in table order."""
    found: list[TextColumn] = []
    for table in models.metadata.sorted_tables:
        for column in table.columns:
            kind = _kind(column)
            if kind is not None:
                found.append(TextColumn(table.name, column.name, kind[1], kind[0]))
    return tuple(found)


@cache
def _multiline_names() -> frozenset[str]:
    return frozenset(c.name for c in text_columns() if c.multiline)


def snake(name: str) -> str:
    """businessScope → business_scope: the API's spelling of a field to the models'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def multiline(field: str) -> bool:
    """Whether the field (by its name in the API, a form or a model; in a path such as
    `items.0.note`, its last name) holds running text: some table keeps a column of that name
    as TEXT (facts, basis, content, note, reason, business scope…). Every other field is one
    line, so a new field is single-line until its column says otherwise."""
    names = [part for part in field.split(".") if not part.isdigit()]
    return bool(names) and snake(names[-1]) in _multiline_names()


def column_limit(attribute: Any) -> int:
    """The length of a model's column (`MarketEntity.name` → 256), for a check's `limit`."""
    length = getattr(attribute.property.columns[0].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{attribute} has no length")
    return length
