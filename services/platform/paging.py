"""Keyset pagination: opaque cursors, the `first` cap, and one seek rule for every list.

A page is the rows past the cursor's key, in key order, one more than asked for to learn
whether another page follows: its cost does not grow with its depth. A cursor is
`kind:key` in unpadded URL-safe base64, where the key is the row's key value as text (for a
key of several columns, a JSON array of their texts). Integrators keep cursors between
calls, so this format does not change."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from math import ceil
from types import NoneType, UnionType
from typing import Any, Generic, Protocol, TypeVar, Union, get_args, get_origin

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, QueryableAttribute

from services.platform.errors import DomainError
from services.platform.ids import row_id, whole_number

T = TypeVar("T")


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


I = TypeVar("I", bound=_Identified)  # noqa: E741
DEFAULT_PAGE_SIZE = 20
# The largest page (`first`) unless the settings say otherwise (Settings.max_page_size): the one
# number the resolvers, the compiled reads and the cost rule (schema.cost) all go by.
MAX_PAGE_SIZE = 100
# A key column of the rows being paged (`col(Model.attribute)`); its values must not be NULL.
Key = Mapped[Any]
_Column = QueryableAttribute[Any]
_USE_END_CURSOR = "分页游标无效：请使用上一页返回的 endCursor"
_START_OVER = "分页游标无效：请从第一页重新翻页"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(kind: str, key: str) -> str:
    return encoded_cursor(f"{kind}:{key}")


def encoded_cursor(text: str) -> str:
    """A cursor's text `kind:key` as the cursor integrators hold."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, refusal: str = _USE_END_CURSOR) -> str | None:
    """The key text of a cursor of `kind`; INVALID_CURSOR (with `refusal`) for anything else."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, key = text.partition(":")
    # No NUL: PostgreSQL refuses it in text, and no key of ours holds one.
    if prefix != kind or not key or "\x00" in key:
        raise DomainError("INVALID_CURSOR", refusal, "after")
    return key


def page_size(first: int | None, maximum: int) -> int:
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 1:
        raise DomainError("INVALID_PAGE_SIZE", "first 必须是正整数", "first")
    if first > maximum:
        raise DomainError("PAGE_SIZE_EXCEEDED", f"first 最大为 {maximum}", "first")
    return first


def _text(value: object) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return str(value)


def _columns(key: Key | Sequence[Key]) -> list[_Column]:
    keys = list(key) if isinstance(key, Sequence) else [key]
    columns = [one for one in keys if isinstance(one, QueryableAttribute)]
    if len(columns) != len(keys):
        raise TypeError(f"a key is a mapped column, col(Model.attribute), not {key!r}")
    return columns


def _python_type(key: _Column) -> type:
    """What a key column's values are in Python: as the model declares the field (a decorated
    column type says only `object`, or what it stores them as), else as the column type says."""
    fields = getattr(key.class_, "model_fields", {})
    if key.key in fields:
        declared = fields[key.key].annotation
        if get_origin(declared) in (Union, UnionType):  # `X | None`
            declared = next(iter(a for a in get_args(declared) if a is not NoneType), None)
        if isinstance(declared, type) and get_origin(declared) is None:
            return declared
    try:
        return key.expression.type.python_type
    except NotImplementedError:
        return str


def _value(key: _Column, text: str) -> Any:
    """The key column's value a cursor's text stands for; ValueError if it stands for none."""
    kind = _python_type(key)
    if issubclass(kind, bool) or not issubclass(kind, int | str | date | Decimal | Enum):
        raise TypeError(f"no cursor for a key of type {kind.__name__}")
    if issubclass(kind, int):
        # The one rule for ids (ASCII digits, within an INTEGER column): past it no row has the key.
        number = whole_number(text)
        if number is None:
            raise ValueError(text)
        return number
    if issubclass(kind, datetime | date):
        return kind.fromisoformat(text)
    if issubclass(kind, Decimal):
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(text) from error
        if not amount.is_finite():
            raise ValueError(text)
        return amount
    return kind(text)


def _cursor(kind: str, keys: Sequence[_Column], row: object) -> str:
    texts = [_text(getattr(row, key.key)) for key in keys]
    key = texts[0] if len(texts) == 1 else json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    return encode_cursor(kind, key)


def _bound(
    kind: str, keys: Sequence[_Column], cursor: str | None, refusal: str = _USE_END_CURSOR
) -> tuple[Any, ...] | None:
    """The key values a cursor stands at, or None without one."""
    key = decode_cursor(kind, cursor, refusal)
    if key is None:
        return None
    try:
        texts = [key] if len(keys) == 1 else json.loads(key)
        if not isinstance(texts, list) or len(texts) != len(keys) or not all(isinstance(t, str) for t in texts):
            raise ValueError(key)
        return tuple(_value(column, text) for column, text in zip(keys, texts, strict=True))
    except ValueError as error:  # json.JSONDecodeError too
        raise DomainError("INVALID_CURSOR", refusal, "after") from error


def _beyond(keys: Sequence[_Column], values: Sequence[Any], descending: bool) -> ColumnElement[bool]:
    """The rows after `values` in key order (before them in descending order)."""
    beyond: ColumnElement[bool]
    if len(keys) == 1:
        column = keys[0].expression
        beyond = column < values[0] if descending else column > values[0]
    else:
        row = sa.tuple_(*keys)
        at = sa.tuple_(*(sa.literal(value, key.expression.type) for key, value in zip(keys, values, strict=True)))
        beyond = row < at if descending else row > at
    return beyond


def cursor_bound(kind: str, key: Key | Sequence[Key], cursor: str | None) -> tuple[Any, ...] | None:
    """The key values a page's `after` cursor stands at (None without one); INVALID_CURSOR for
    anything else. For a reader that writes the seek in its own SQL (the compiled read path)."""
    return _bound(kind, _columns(key), cursor)


async def _seek(
    session: AsyncSession, rows: Select[T], keys: Sequence[_Column], size: int, bound: Sequence[Any] | None,
    descending: bool,
) -> tuple[list[T], bool]:  # fmt: skip
    """Up to `size` rows past `bound` in key order, and whether more follow: the one seek of every page."""
    query = rows if bound is None else rows.where(_beyond(keys, bound, descending))
    query = query.order_by(*(key.desc() if descending else key for key in keys)).limit(size + 1)
    found = list((await session.scalars(query)).all())
    return found[:size], len(found) > size


async def keyset_page(
    session: AsyncSession,
    rows: Select[T],
    key: Key | Sequence[Key],
    kind: str,
    size: int,
    after: str | None,
    *,
    descending: bool = False,
) -> Page[T]:
    """A Relay page of `rows` (a SELECT of one model, filtered, unordered) in the order of `key`,
    after the cursor `after` of `kind`. The key is unique: one column, or several whose last one
    is (an id after a sort column that has ties), all in one direction. Every row carries its
    cursor; a page after a cursor says there is a previous one without asking the database."""
    keys = _columns(key)
    bound = _bound(kind, keys, after)
    items, more = await _seek(session, rows, keys, size, bound, descending)
    return Page(items, [_cursor(kind, keys, row) for row in items], more, bound is not None)


async def count_rows(session: AsyncSession, rows: Select[Any], key: Key) -> int:
    """How many rows `rows` selects (the total beside a page), counted by `key`, a column that is
    never NULL: the same FROM, joins and conditions, so the same row policy."""
    return int(await session.scalar(rows.with_only_columns(func.count(key)).order_by(None)) or 0)


@dataclass(frozen=True)
class NumberedPage(Generic[T]):
    """A page a person turns by number (第 n 页), with the total beside it."""

    items: list[T]
    total: int
    number: int  # from 1, within the pages there are
    pages: int  # at least 1, an empty list being one empty page


async def numbered_page(
    session: AsyncSession, rows: Select[T], order: Sequence[ColumnElement[Any]], key: Key, number: int, size: int
) -> NumberedPage[T]:
    """Page `number` of `rows` in `order` (which ends with a unique column), and how many rows there
    are: for the short lists of one entity that the admin pages by number, where an offset costs
    little. A number past the end shows the last page; below 1, the first."""
    total = await count_rows(session, rows, key)
    number, pages = _page_number(total, number, size)
    found = await session.scalars(rows.order_by(*order).offset((number - 1) * size).limit(size))
    return NumberedPage(list(found.all()), total, number, pages)


def numbered_slice(rows: Sequence[T], number: int, size: int) -> NumberedPage[T]:
    """Page `number` of a list already ranked and bounded in memory (目录缺口's groups), by the same
    rule as numbered_page."""
    number, pages = _page_number(len(rows), number, size)
    return NumberedPage(list(rows[(number - 1) * size : number * size]), len(rows), number, pages)


def _page_number(total: int, number: int, size: int) -> tuple[int, int]:
    """The page shown for `number` (past the end: the last; below 1: the first), and how many there are."""
    pages = max(1, ceil(total / size))
    return min(max(1, number), pages), pages


def loaded_cursor_id(kind: str, after: str | None) -> int | None:
    """The row id a cursor of a loaded list stands at (None without one); INVALID_CURSOR for
    anything else. A cursor past every row of the list gives an empty page that has a previous one."""
    key = decode_cursor(kind, after)
    if key is None:
        return None
    after_id = row_id(key)
    if after_id is None:
        raise DomainError("INVALID_CURSOR", _USE_END_CURSOR, "after")
    return after_id


def page_of_loaded(rows: Sequence[I], kind: str, size: int, after: str | None) -> Page[I]:
    """A page of rows already loaded in their order (a DataLoader's, for one entity), with the
    same cursors as a keyset page: the cursor is the row's id."""
    after_id = loaded_cursor_id(kind, after)
    start = 0
    if after_id is not None:
        start = next((i + 1 for i, row in enumerate(rows) if row.id == after_id), len(rows))
    items = list(rows[start : start + size])
    return Page(items, [encode_cursor(kind, str(row.id)) for row in items], start + size < len(rows), start > 0)


@dataclass(frozen=True)
class DeskPage(Generic[T]):
    """A page of a desk (the admin inboxes), newest first, that pages both ways."""

    items: list[T]
    older: str | None  # cursor of the next page (older rows), if there is one
    newer: str | None  # cursor of the previous page (newer rows), if there is one


async def both_ways(
    session: AsyncSession,
    rows: Select[T],
    key: Key,
    kind: str,
    size: int,
    older: str | None = None,
    newer: str | None = None,
) -> DeskPage[T]:
    """Keyset paging in both directions over `rows`, newest (largest `key`) first, from the row
    older than the cursor `older` or newer than the cursor `newer` (both of `kind`). A refused
    cursor says to start over from the first page."""
    keys = _columns(key)

    async def any_beyond(row: T, descending: bool) -> bool:
        beyond = _beyond(keys, [getattr(row, keys[0].key)], descending)
        return await session.scalar(rows.with_only_columns(key).where(beyond).limit(1)) is not None

    older_than, newer_than = _bound(kind, keys, older, _START_OVER), _bound(kind, keys, newer, _START_OVER)
    if newer_than is not None:
        found, more_newer = await _seek(session, rows, keys, size, newer_than, descending=False)
        page = list(reversed(found))
        more_older = bool(page) and await any_beyond(page[-1], descending=True)
    else:
        page, more_older = await _seek(session, rows, keys, size, older_than, descending=True)
        more_newer = older_than is not None and bool(page) and await any_beyond(page[0], descending=False)
    older_cursor = _cursor(kind, keys, page[-1]) if more_older else None
    newer_cursor = _cursor(kind, keys, page[0]) if more_newer else None
    return DeskPage(page, older_cursor, newer_cursor)
