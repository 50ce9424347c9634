"""searchEntities: the registry found by a fragment of text, ranked.

Exact name first, then names that start with the text, then the text anywhere (name, former
name, USCC, legal representative, address, a person of that name); within each, by USCC, but
names that start with the text by name first (the name's index gives them in that order). Each
rank is read in its order with a LIMIT, so a page costs about the same however many match; the
cursor holds the rank and the row's place in it."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity
from services.platform import search, text_index
from services.platform.access import principal_of, require_authenticated
from services.platform.errors import DomainError
from services.platform.paging import Page, count_rows, decode_cursor, encode_cursor

SEARCH_CURSOR = "entity-search"
EXACT, PREFIX, ELSEWHERE = 0, 1, 2
# More index hits than this and a fragment is common: reading the rows in order finds a page
# sooner than gathering every hit to rank them. Fewer, and they are ranked here, by their ids:
# a planner given "IN (the index's hits) ORDER BY uscc LIMIT 21" may walk every row by USCC.
COMMON = 5000
_LAST = "\U0010ffff"  # above every character: `name < text + _LAST` bounds the names with that prefix


def search_text(text: str) -> str:
    """The text searched for: trimmed, bounded; REQUIRED when empty, or it would list everything."""
    found = search.search_text(text, "text")
    if not found:
        raise DomainError("REQUIRED", "检索词不能为空", "text")
    return found


def _name() -> sa.ColumnElement[str]:
    return MarketEntity.__table__.c.name  # type: ignore[attr-defined,no-any-return]


def _prefixed(text: str) -> ColumnElement[bool]:
    # The range lets the name's btree index serve it; LIKE keeps it exact whatever the collation.
    name = _name()
    return sa.and_(name >= text, name < text + _LAST, name.startswith(text, autoescape=True))


def rank(text: str) -> ColumnElement[int]:
    """0 for the exact name, 1 for a name that starts with the text, 2 for the text elsewhere."""
    return sa.case((_name() == text, EXACT), (_prefixed(text), PREFIX), else_=ELSEWHERE)


def matching(text: str) -> ColumnElement[bool]:
    """Every entity the search finds, in any rank (index-backed from three characters)."""
    return text_index.entity_text(text)


async def _hits(session: AsyncSession, text: str) -> set[int] | None:
    """The ids the index finds for `text` (and persons of that name), or None when there are more
    than COMMON of them: then the rows are read in order."""
    found = text_index.candidates(session.get_bind().dialect.name, text).limit(COMMON + 1)
    ids = set((await session.scalars(found)).all())
    if len(ids) > COMMON:
        return None
    return ids | set((await session.scalars(text_index.named(text))).all())


def _ranks(text: str) -> list[ColumnElement[bool]]:
    found = text_index.scanned(text)
    return [_name() == text, sa.and_(_prefixed(text), _name() != text), sa.and_(found, sa.not_(_prefixed(text)))]


def _rank_of(text: str, name: str) -> int:
    return EXACT if name == text else PREFIX if name.startswith(text) else ELSEWHERE


def _order(rank: int) -> list[sa.ColumnElement[str]]:
    uscc = MarketEntity.__table__.c.uscc  # type: ignore[attr-defined]
    return [_name(), uscc] if rank == PREFIX else [uscc]


def _bound(after: str | None) -> tuple[int, list[str]] | None:
    """The rank and the key (USCC; name and USCC in PREFIX) a cursor stands at."""
    key = decode_cursor(SEARCH_CURSOR, after)
    if key is None:
        return None
    try:
        at = json.loads(key)
    except ValueError:
        at = None
    if not (
        isinstance(at, list)
        and at
        and at[0] in (EXACT, PREFIX, ELSEWHERE)
        and len(at) == len(_order(at[0])) + 1
        and all(isinstance(part, str) and "\x00" not in part for part in at[1:])
    ):
        raise DomainError("INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor", "after")
    return int(at[0]), at[1:]


def _cursor(rank: int, entity: MarketEntity) -> str:
    key = [rank, entity.name, entity.uscc] if rank == PREFIX else [rank, entity.uscc]
    return encode_cursor(SEARCH_CURSOR, json.dumps(key, ensure_ascii=False, separators=(",", ":")))


def _place(rank: int, name: str, uscc: str) -> tuple[int, list[str]]:
    """Where a row stands in the ranked order: its rank, then its key within the rank."""
    return rank, ([name, uscc] if rank == PREFIX else [uscc])


async def search_entities(session: AsyncSession, text: str, size: int, after: str | None) -> Page[MarketEntity]:
    """A page of the entities the caller sees that hold `text`, best first."""
    require_authenticated(principal_of(session))
    text = search_text(text)
    bound = _bound(after)
    hits = await _hits(session, text)
    found = await (_scanned(session, text, size, bound) if hits is None else _ranked(session, text, hits, size, bound))
    page = found[:size]
    return Page([entity for _, entity in page], [_cursor(*one) for one in page], len(found) > size, bound is not None)


async def _ranked(
    session: AsyncSession, text: str, hits: set[int], size: int, bound: tuple[int, list[str]] | None
) -> list[tuple[int, MarketEntity]]:
    """Up to size + 1 of the index's few hits past `bound`, ranked here: the caller's rows of them
    (the row policy holds on this read too), their ranks, and the page's entities."""
    table = MarketEntity.__table__.c  # type: ignore[attr-defined]
    seen = (
        await session.execute(
            select(col(MarketEntity.id), col(MarketEntity.name), col(MarketEntity.uscc)).where(
                table.id.in_(sorted(hits))
            )
        )
    ).all()
    placed = sorted((_place(_rank_of(text, name), name, uscc), entity_id) for entity_id, name, uscc in seen)
    chosen = [(place, entity_id) for place, entity_id in placed if bound is None or place > bound][: size + 1]
    ids = [entity_id for _, entity_id in chosen]
    rows = {entity.id: entity for entity in (await session.scalars(select(MarketEntity).where(table.id.in_(ids))))}
    return [(place[0], rows[entity_id]) for place, entity_id in chosen if entity_id in rows]


async def _scanned(
    session: AsyncSession, text: str, size: int, bound: tuple[int, list[str]] | None
) -> list[tuple[int, MarketEntity]]:
    """Up to size + 1 rows past `bound`, rank by rank, each read in its order with a LIMIT: a
    fragment most entities hold finds its page in the first rows."""
    ranks = _ranks(text)
    found: list[tuple[int, MarketEntity]] = []
    for number in range(bound[0] if bound else EXACT, ELSEWHERE + 1):
        order = _order(number)
        rows = select(MarketEntity).where(ranks[number])
        if bound and number == bound[0]:
            rows = rows.where(sa.tuple_(*order) > sa.tuple_(*bound[1]) if len(order) > 1 else order[0] > bound[1][0])
        rows = rows.order_by(*order).limit(size + 1 - len(found))
        found += [(number, entity) for entity in (await session.scalars(rows)).all()]
        if len(found) > size:
            break
    return found


async def count_found(session: AsyncSession, text: str) -> int:
    require_authenticated(principal_of(session))
    text = search_text(text)
    return await count_rows(session, select(MarketEntity).where(matching(text)), col(MarketEntity.id))


async def count_found_at_most(
    session: AsyncSession, text: str, most: int, also: ColumnElement[bool] | None = None
) -> int:
    """How many entities the search finds (those that also hold `also`), counted no further than
    `most`: the exact total of a fragment most entities hold reads every match, which a list that
    says "more than" does not need."""
    require_authenticated(principal_of(session))
    text = search_text(text)
    found = select(col(MarketEntity.id)).where(matching(text))
    if also is not None:
        found = found.where(also)
    return int(await session.scalar(select(sa.func.count()).select_from(found.limit(most).subquery())) or 0)
