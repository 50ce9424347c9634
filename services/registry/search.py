"""searchEntities: the registry found by a fragment of text, ranked.

Exact name first (ties by USCC), then names that start with the text (by name, then USCC: the
name's index gives them in that order), then the text anywhere (name, former name, USCC, legal
representative, address, a person of that name) in the search order: a stable key spread from
the entity's id (`spread`), uncorrelated with the text, the district, the USCC and the time of
registration. A fragment's matches may bunch together in USCC order (a district's code digits)
and in registration order too (a USCC's sequence part is handed out as entities register): a walk
in either order read every row before the bunch. In the spread order a page is about
20 × rows ÷ matches rows away wherever they are (an index of its own, and one per district:
migration 0024). Each rank is read in its order with a LIMIT, so a page costs about the same
however many match; the cursor holds the rank and the row's place in it."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select

from models import MarketEntity
from services.platform import search, sparse, text_index
from services.platform.access import principal_of, require_authenticated
from services.platform.db import ids_filter
from services.platform.errors import DomainError
from services.platform.paging import Page, count_rows, decode_cursor, encode_cursor

SEARCH_CURSOR = "entity-search.spread"  # a cursor of the id order before it is refused, not misread
EXACT, PREFIX, ELSEWHERE = 0, 1, 2
_LAST = "\U0010ffff"  # above every character: `name < text + _LAST` bounds the names with that prefix
Key = list[str | int]  # a row's place within its rank: USCC; name and USCC in PREFIX; spread id in ELSEWHERE
# Fibonacci hashing: an odd multiplier modulo 2**32 maps ids below 2**32 one to one, and consecutive
# ids far apart. Migration 0024's indexes hold this very expression.
_SPREAD, _MODULUS = 2654435761, 4294967296


def spread(entity_id: int) -> int:
    """An entity's place in the last rank's order. One to one, and the same in SQL, for ids below
    3,474,613,237 (2**63 ÷ the multiplier: past it SQLite's product overflows into a float)."""
    return entity_id * _SPREAD % _MODULUS


class _Spread(FunctionElement[int]):
    type = sa.BigInteger()
    inherit_cache = True


@compiles(_Spread)
def _spread_sql(element: _Spread, compiler: SQLCompiler, **kw: Any) -> str:
    # Literals, not parameters: the expression must read as the index's for the planner to use it.
    return f"(({compiler.process(element.clauses, **kw)} * {_SPREAD}) % {_MODULUS})"


def _spread_of_row() -> ColumnElement[int]:
    return _Spread(MarketEntity.__table__.c.id)  # type: ignore[attr-defined]


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


def _ranked_order(text: str) -> list[ColumnElement[Any]]:
    """search_entities' order as ORDER BY terms, for a read that ranks a bounded set of rows itself
    (search_among): the rank, then each rank's own key."""
    ranked = rank(text)
    table = MarketEntity.__table__.c  # type: ignore[attr-defined]
    return [ranked, sa.case((ranked == PREFIX, _name())), sa.case((ranked == ELSEWHERE, _spread_of_row())), table.uscc]


def matching(text: str, session: AsyncSession, district_codes: bool = True) -> ColumnElement[bool]:
    """Every entity the search finds, in any rank (index-backed), the index read for the session's
    district where that is cheaper (the row policy keeps to it anyway). `district_codes`: a
    district's USCCs read by their btree (text_index.candidates), a district's size at most."""
    return text_index.entity_text(text, _regions(session), district_codes)


async def _matching(session: AsyncSession, text: str) -> ColumnElement[bool]:
    """`matching`, its district's USCCs read as a page's search reads them (codes_are_common)."""
    common = await text_index.codes_are_common(session, text, _regions(session))
    return matching(text, session, district_codes=common)


def _regions(session: AsyncSession) -> frozenset[str] | None:
    return principal_of(session).jurisdiction


async def _hits(session: AsyncSession, text: str) -> set[int] | None:
    """The ids the index finds for `text` (in the caller's district where text_index narrows it) and
    persons of that name, or None when the fragment is common (services.platform.sparse): then each
    rank's rows are walked in its order. Few, and `_ranked` orders them itself: a planner given
    "IN (the hits) ORDER BY … LIMIT 21" may walk every row."""
    dialect, regions = session.get_bind().dialect.name, _regions(session)
    common = await text_index.codes_are_common(session, text, regions)
    hits = text_index.candidates(dialect, text, regions, district_codes=common)
    found = await sparse.few(session, hits, estimated=not text_index.within_district(text, regions))
    # Many in the city, read city-wide: the district may hold few of them (another district's street),
    # and a walk of its rows would read them all to find none.
    if (
        found is None
        and regions
        and not text_index.narrowed(dialect, text, regions)
        and await text_index.rare_in_district(session, text, regions, _Spread)
    ):
        narrow = text_index.candidates(dialect, text, regions, district_codes=common, narrow=True)
        found = await sparse.few(session, narrow, estimated=False)
    if found is None:
        return None
    return set(found) | set((await session.scalars(text_index.named(text))).all())


def _ranks(text: str) -> list[ColumnElement[bool]]:
    found = text_index.scanned(text)
    return [_name() == text, sa.and_(_prefixed(text), _name() != text), sa.and_(found, sa.not_(_prefixed(text)))]


def _order(rank: int) -> list[sa.ColumnElement[Any]]:
    table = MarketEntity.__table__.c  # type: ignore[attr-defined]
    return [_name(), table.uscc] if rank == PREFIX else [_spread_of_row()] if rank == ELSEWHERE else [table.uscc]


def _key_type(rank: int) -> type:
    return int if rank == ELSEWHERE else str


def _bound(after: str | None) -> tuple[int, Key] | None:
    """The rank and the key (USCC; name and USCC in PREFIX; the spread id in ELSEWHERE) a cursor stands at."""
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
        # bool is an int to Python, and a cursor of the USCC era in ELSEWHERE holds a str: refused.
        and all(type(part) is _key_type(at[0]) and "\x00" not in str(part) for part in at[1:])
        # A spread id is below 2**32: a larger one would overflow the database's integer.
        and (at[0] != ELSEWHERE or 0 <= at[1] < _MODULUS)
    ):
        raise DomainError("INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor", "after")
    return int(at[0]), at[1:]


def _cursor(rank: int, entity: MarketEntity) -> str:
    _, key = _place(rank, entity.id, entity.name, entity.uscc)
    return encode_cursor(SEARCH_CURSOR, json.dumps([rank, *key], ensure_ascii=False, separators=(",", ":")))


def _place(rank: int, entity_id: int | None, name: str, uscc: str) -> tuple[int, Key]:
    """Where a row stands in the ranked order: its rank, then its key within the rank (as _order)."""
    if rank == PREFIX:
        return rank, [name, uscc]
    assert entity_id is not None  # a stored entity
    return rank, [spread(entity_id)] if rank == ELSEWHERE else [uscc]


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
    session: AsyncSession, text: str, hits: set[int], size: int, bound: tuple[int, Key] | None
) -> list[tuple[int, MarketEntity]]:
    """Up to size + 1 rows past `bound` when the index found few hits: the exact name and the names
    that start with the text as `_scanned` reads them (the name's index, a LIMIT), then the other
    hits in the spread order, a growing slice of them at a time (the caller's rows of each: the row
    policy holds on this read too). A page reads about a page of rows however many of the few there
    are; ranking them all read every hit's row (5,000 of them, a tenth of a second)."""
    found = await _scanned(session, text, size, bound, through=PREFIX)
    if len(found) > size:
        return found
    table = MarketEntity.__table__.c  # type: ignore[attr-defined]
    after = int(bound[1][0]) if bound and bound[0] == ELSEWHERE else -1  # an int there (_bound)
    left = [entity_id for key, entity_id in sorted((spread(i), i) for i in hits) if key > after]
    start, step = 0, 4 * (size + 1)
    while start < len(left) and len(found) <= size:
        # The ids as one parameter, and no ORDER BY: given "IN (ids) ORDER BY … LIMIT n" a planner
        # may walk the whole table in that order. A slice's rows are few; they are ordered here.
        among = ids_filter(session, left[start : start + step])
        rows = await session.scalars(select(MarketEntity).where(among(table.id), sa.not_(_prefixed(text))))
        ordered = sorted(rows.all(), key=lambda entity: spread(int(entity.id or 0)))
        found += [(ELSEWHERE, entity) for entity in ordered[: size + 1 - len(found)]]
        start, step = start + step, step * 4
    return found


async def _scanned(
    session: AsyncSession, text: str, size: int, bound: tuple[int, Key] | None, through: int = ELSEWHERE
) -> list[tuple[int, MarketEntity]]:
    """Up to size + 1 rows past `bound`, rank by rank up to `through`, each read in its order with a
    LIMIT: a fragment most entities hold finds its page in the first rows."""
    ranks = _ranks(text)
    found: list[tuple[int, MarketEntity]] = []
    for number in range(bound[0] if bound else EXACT, through + 1):
        order = _order(number)
        rows = select(MarketEntity).where(ranks[number])
        if bound and number == bound[0]:
            rows = rows.where(sa.tuple_(*order) > sa.tuple_(*bound[1]) if len(order) > 1 else order[0] > bound[1][0])
        rows = rows.order_by(*order).limit(size + 1 - len(found))
        found += [(number, entity) for entity in (await session.scalars(rows)).all()]
        if len(found) > size:
            break
    return found


async def search_among(
    session: AsyncSession, text: str, also: ColumnElement[bool], skip: int, end: int, depth: int
) -> list[MarketEntity]:
    """Rows `skip` to `end` of search_entities' ranking of the entities that also hold `also` (the
    admin's filters beside its search box, which search_entities takes none of): at most `depth` + 1
    of the filtered matches in the spread order, and the exact name wherever it stands (by the
    name's index), ranked here. Up to `depth` matches that is the whole ranking; past it the caller
    says the list is cut."""
    require_authenticated(principal_of(session))
    text = search_text(text)
    rows = select(MarketEntity).where(await _matching(session, text), also)
    first = rows.with_only_columns(col(MarketEntity.id)).order_by(_spread_of_row()).limit(depth + 1)
    chosen = rows.where(sa.or_(col(MarketEntity.id).in_(first), _name() == text))
    ranked = chosen.order_by(*_ranked_order(text)).offset(skip).limit(end - skip)
    return list((await session.scalars(ranked)).all())


async def count_found(session: AsyncSession, text: str) -> int:
    require_authenticated(principal_of(session))
    text = search_text(text)
    return await count_rows(session, select(MarketEntity).where(await _matching(session, text)), col(MarketEntity.id))


async def count_found_at_most(
    session: AsyncSession, text: str, most: int, also: ColumnElement[bool] | None = None
) -> int:
    """How many entities the search finds (those that also hold `also`), counted no further than
    `most`: the exact total of a fragment most entities hold reads every match, which a list that
    says "more than" does not need."""
    require_authenticated(principal_of(session))
    text = search_text(text)
    found = select(col(MarketEntity.id)).where(await _matching(session, text))
    if also is not None:
        found = found.where(also)
    return int(await session.scalar(select(sa.func.count()).select_from(found.limit(most).subquery())) or 0)
