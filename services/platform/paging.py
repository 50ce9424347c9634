"""Keyset pagination: opaque cursors and the `first` cap."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from services.platform.errors import DomainError

T = TypeVar("T")


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


I = TypeVar("I", bound=_Identified)  # noqa: E741
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, key = text.partition(":")
    if prefix != kind or not key:
        raise DomainError("INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor", "after")
    return key


def page_size(first: int | None, maximum: int) -> int:
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 1:
        raise DomainError("INVALID_PAGE_SIZE", "first 必须是正整数", "first")
    if first > maximum:
        raise DomainError("PAGE_SIZE_EXCEEDED", f"first 最大为 {maximum}", "first")
    return first


def page_of_loaded(rows: Sequence[I], kind: str, size: int, after: str | None) -> Page[I]:
    """A page of rows already loaded in their order (a DataLoader's, for one entity), with the
    same cursors as a keyset page: the cursor is the row's id."""
    after_id = decode_cursor(kind, after)
    if after_id is not None and not after_id.isdigit():
        raise DomainError("INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor", "after")
    start = 0
    if after_id is not None:
        start = next((i + 1 for i, row in enumerate(rows) if row.id == int(after_id)), len(rows))
    items = list(rows[start : start + size])
    return Page(items, [encode_cursor(kind, str(row.id)) for row in items], start + size < len(rows), start > 0)


def page_key(kind: str, cursor: str | None) -> int | None:
    """A desk page's cursor: the id it stands at. Unreadable, the page starts over."""
    key = decode_cursor(kind, cursor)
    if key is not None and not key.isdigit():
        raise DomainError("INVALID_CURSOR", "分页游标无效：请从第一页重新翻页", "after")
    return None if key is None else int(key)


async def both_ways(
    session: AsyncSession,
    rows: Select[I],
    key: Mapped[int | None],
    size: int,
    older: int | None,
    newer: int | None,
) -> tuple[list[I], bool, bool]:
    """Keyset paging in both directions over `rows`, newest (largest `key`) first, from the row
    `older` than a cursor or `newer` than one: (the page, more older, more newer)."""

    async def any_where(beyond: ColumnElement[bool]) -> bool:
        return await session.scalar(rows.with_only_columns(key).where(beyond).limit(1)) is not None

    if newer is not None:
        found = list((await session.scalars(rows.where(key > newer).order_by(key).limit(size + 1))).all())
        page = list(reversed(found[:size]))
        more_older = bool(page) and await any_where(key < page[-1].id)
        return page, more_older, len(found) > size
    bounded = rows if older is None else rows.where(key < older)
    found = list((await session.scalars(bounded.order_by(key.desc()).limit(size + 1))).all())
    page = found[:size]
    more_newer = older is not None and bool(page) and await any_where(key > page[0].id)
    return page, len(found) > size, more_newer
