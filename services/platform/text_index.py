"""The text index behind entity search: the one place its SQL differs between the engines.

Migration 0019 builds it. SQLite: FTS5 tables (tokenize='trigram'), kept current by triggers in
the transaction that writes the registry (migration 0024): `entity_search` over the name, former
names, legal representative and address, `entity_search_codes` over the USCC, each with the
entity's region as one trigram of its own. FTS5 pays for every row that holds all of a phrase's
trigrams, in whichever column, so the codes sit apart: a fragment of a district's code digits
(in tens of thousands of USCCs) costs nothing to a search of names. PostgreSQL: pg_trgm GIN
indexes on the same columns. A district department's search asks for its district's hits only
(SQLite: always; PostgreSQL: for a text that could be part of a USCC, `within_district`); where
a fragment is in many USCCs city-wide, it reads its district's USCCs from an index of them alone
(SQLite's (region_code, uscc), PostgreSQL's (region_code, uscc) INCLUDE (id): a district's size,
where the text index would read every district's hits).
A trigram index finds a fragment of three characters or more. A shorter one has an index of its
own (migration 0020): on SQLite the trigrams it begins (each column ends with two sentinels),
read from the FTS5 vocabulary; on PostgreSQL a GIN index of the rows' one- and two-character
substrings. A fragment most entities hold is matched row by row instead (`scanned`), which a
page in a stable order stops early."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import select

from models import EntityFormerName, EntityPerson, MarketEntity
from services.platform import sparse

TRIGRAM = 3  # the shortest fragment an index finds
_FTS = "entity_search"  # the texts
_CODES = "entity_search_codes"  # the USCC
_TERMS = {_FTS: "entity_search_instances", _CODES: "entity_search_codes_instances"}  # fts5vocab 'instance', by term
SENTINEL = "\x01"  # after every indexed column, twice (never in a searched text)
_REGION_PLANE = 0xF0000  # the region's trigram is of private-use characters, which no text holds
_COLUMNS = {_FTS: "{name former_names legal_representative address}", _CODES: "uscc"}  # not the region
_LAST = "\U0010ffff"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# What the migrations build outside the models, which the models-versus-migrations check skips.
_OUTSIDE_MODELS = (_FTS, "ix_search_")


MINIMUM_SQLITE = (3, 34)  # FTS5's trigram tokenizer


def sqlite_unsupported() -> str | None:
    """Why this Python's SQLite cannot hold the text index (None when it can): said before the
    migrations stop half-way with "no such tokenizer"."""
    fix = "请升级系统的 SQLite，或安装 pysqlite3-binary 并以它代替内置的 sqlite3，或改用 PostgreSQL"
    if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
        return f"SQLite {sqlite3.sqlite_version} 过旧：主体检索的索引需要 SQLite 3.34 或更新版本（FTS5 trigram）。{fix}"
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
    except sqlite3.OperationalError:
        return f"此 SQLite 未编译 FTS5（trigram），主体检索的索引无法建立。{fix}"
    return None


def outside_models(name: str | None) -> bool:
    """Whether a table or index is the text index's (FTS5 and its shadow tables, trigram indexes)."""
    return bool(name) and str(name).startswith(_OUTSIDE_MODELS)


def region_token(code: str) -> str:
    """The region's trigram in the index: each pair of the code's characters as one private-use
    character (migration 0024 computes the same in SQL). Two codes could share one only by a
    collision of the pairs' low bytes, which costs a read, never a row: the row policy still holds."""

    def pair(at: int) -> int:
        high, low = (ord(code[i]) % 256 if i < len(code) else 0 for i in (at, at + 1))
        return _REGION_PLANE + high * 256 + low

    return "".join(chr(pair(at)) for at in (0, 2, 4))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_match(table: str, text: str, regions: frozenset[str] | None) -> str:
    """The FTS5 query: the fragment in the table's searched columns, and one of these regions' trigram."""
    found = f"{_COLUMNS[table]} : {_quoted(text)}"
    if regions is None:
        return found
    return f"{found} AND ({' OR '.join(f'region : {_quoted(region_token(code))}' for code in sorted(regions))})"


def indexed(text: str) -> bool:
    return len(text) >= TRIGRAM


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _Position(FunctionElement[int]):
    """Where a text first occurs in another (0 for nowhere): instr on SQLite, strpos on PostgreSQL."""

    type = sa.Integer()
    inherit_cache = True


@compiles(_Position)
def _instr(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_Position, "postgresql")
def _strpos(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _position(column: Any, text: str) -> ColumnElement[bool]:
    """Whether `text` occurs in `column`, as typed, case ignored (no pattern: nothing is a wildcard).
    Chinese has no case: lower() is spent only on a text that has some."""
    if text.lower() == text.upper():
        return _Position(column, text) > 0
    # SQLite's lower() folds ASCII only, PostgreSQL's every letter: the text folded both ways, and
    # as typed, so ＴＣ finds ＴＣＬ here as the index does.
    folded = {text.translate(_ASCII_LOWER), text.lower()}
    found = [_Position(sa.func.lower(column), one) > 0 for one in sorted(folded)]
    if not text.isascii():
        found.append(_Position(column, text) > 0)
    return sa.or_(*found)


def _code_like(text: str) -> bool:
    """Whether `text` could be part of a USCC (digits and capital letters)."""
    return text.isascii() and text.isalnum()


def _searchable(text: str) -> bool:
    """Whether the index can hold `text`: the sentinel and the regions' characters are in no text."""
    return SENTINEL not in text and all(ord(character) < _REGION_PLANE for character in text)


def _tables(text: str) -> list[str]:
    """SQLite's FTS5 tables `text` may be in: the texts', and the codes' for a text that could be part of a USCC."""
    return [_FTS, _CODES] if _code_like(text) else [_FTS]


# Core tables in the subqueries: the row policy holds on the entity being matched, and the
# tables' own criteria would only repeat it, at a cost, in every search.
_PERSONS = EntityPerson.__table__.c  # type: ignore[attr-defined]
_FORMER = EntityFormerName.__table__.c  # type: ignore[attr-defined]


def named(text: str) -> Select[Any]:
    """Entities with a person of exactly this name (a shareholder, an executive)."""
    return select(_PERSONS.entity_id).where(_PERSONS.name == text)


class EntityText(ColumnElement[bool]):
    """An entity whose name, former name, USCC, legal representative or address holds `text`,
    or a person of that name: by the index (of these regions' entities only, when given)."""

    type = sa.Boolean()
    inherit_cache = False  # the statement differs with the text's length and engine
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy reads it as declared on its own base
        ("entity_id", InternalTraversal.dp_clauseelement),
        ("text", InternalTraversal.dp_string),
        ("regions", InternalTraversal.dp_plain_obj),
        ("district_codes", InternalTraversal.dp_boolean),
    ]

    def __init__(
        self, entity_id: ColumnElement[Any], text: str, regions: frozenset[str] | None, district_codes: bool
    ) -> None:
        self.entity_id = entity_id
        self.text = text
        self.regions = regions
        self.district_codes = district_codes


_ENTITY_ID = MarketEntity.__table__.c.id  # type: ignore[attr-defined]


def entity_text(text: str, regions: frozenset[str] | None = None, district_codes: bool = True) -> ColumnElement[bool]:
    """The match as a condition on market_entity, by the index. `regions`: the caller's district
    (its principal's jurisdiction), which narrows the index's read; the row policy holds anyway.
    `district_codes`: as candidates."""
    return EntityText(_ENTITY_ID, text, regions, district_codes)


def scanned(text: str) -> ColumnElement[bool]:
    """The same match, row by row, on the entity's own columns: where a page in a stable order
    stops at the first rows found (a short fragment, or one most entities hold)."""
    return _row_by_row(_ENTITY_ID, text)


def _searched() -> Any:
    """market_entity under a name of its own: the index's reads give ids only, and the row policy
    holds on the rows read by them."""
    return sa.alias(MarketEntity.__table__, "searched")  # type: ignore[attr-defined]


def _district_of(regions: frozenset[str] | None) -> tuple[Any, list[ColumnElement[bool]]]:
    """`_searched`, and the regions' condition on it (none for the whole city)."""
    entity = _searched()
    return entity, [] if regions is None else [entity.c.region_code.in_(sorted(regions))]


def _uscc_holds(column: Any, text: str) -> ColumnElement[bool]:
    """A USCC column holds `text` (a USCC is stored in capitals)."""
    return _Position(column, text.upper()) > 0


def _codes_of_district(regions: frozenset[str], text: str) -> Select[Any]:
    """A district's entities whose USCC holds `text`, by the btree of its USCCs (a district's size)."""
    entity, within = _district_of(regions)
    return select(entity.c.id).where(*within, _uscc_holds(entity.c.uscc, text))


def _short(dialect: str, text: str, regions: frozenset[str] | None) -> Select[Any]:
    """Ids of the entities holding a fragment of one or two characters, by the short index, city-wide
    unless `regions` are given (a district's are most often a ninth of them, and its condition costs
    more than it saves: only for a text the district holds rarely, `rare_in_district`)."""
    if dialect == "sqlite":
        folded = text.lower()  # the trigram tokenizer folds case as Python does (ＴＣ, ｔｃ alike)
        reads = []
        for table in _tables(text):
            terms = sa.table(_TERMS[table], sa.column("term"), sa.column("doc"))
            begun = select(terms.c.doc).where(terms.c.term >= folded, terms.c.term < folded + _LAST)
            if regions is not None:
                entity, within = _district_of(regions)
                begun = begun.where(terms.c.doc.in_(select(entity.c.id).where(*within)))
            reads.append((begun if _searchable(text) else begun.where(sa.false())).distinct())
        # UNION ALL: a UNION would read every hit of both before the first (a row in both is read twice).
        return sa.union_all(*reads) if len(reads) > 1 else reads[0]  # type: ignore[return-value]
    entity, within = _district_of(regions)
    wanted = postgresql.array([sa.func.lower(sa.cast(text, sa.Text))])
    grams = sa.func.entity_short_grams
    own = select(entity.c.id).where(
        grams(entity.c.name, entity.c.uscc, entity.c.legal_representative, entity.c.address).op("@>")(wanted),
        *within,
    )
    former = select(_FORMER.entity_id).where(grams(_FORMER.name).op("@>")(wanted))
    return sa.union_all(own, former)  # type: ignore[return-value]


def candidates(
    dialect: str, text: str, regions: frozenset[str] | None = None, district_codes: bool = True, narrow: bool = False
) -> Select[Any]:
    """Ids of the entities the index finds for `text`, unordered, of these regions when given and
    `narrowed` (FTS5 holds the region beside the text; on PostgreSQL the district's hits may be no
    ninth of the city's, within_district), or when asked to `narrow` (the district holds the text
    rarely: rare_in_district). With `district_codes`, a district's USCCs are read by their btree
    (bounded by the district's size), not by the index, which would read every district's hits
    (codes_are_common)."""
    if regions is not None and not regions:
        return select(_ENTITY_ID).where(sa.false())
    regions = regions if narrow or narrowed(dialect, text, regions) else None
    if not indexed(text):
        return _short(dialect, text, regions)
    if dialect == "sqlite":
        reads = []
        for fts, match in _fts_reads(text, regions):
            if fts.name == _CODES and regions is not None and district_codes:
                reads.append(_codes_of_district(regions, text))
            else:
                reads.append(select(fts.c.rowid).where(match))
        return sa.union_all(*reads) if len(reads) > 1 else reads[0]  # type: ignore[return-value]
    pattern = _pattern(text)
    entity, within = _district_of(regions)
    texts = (entity.c.name, entity.c.legal_representative, entity.c.address)
    reads = [
        select(entity.c.id).where(sa.or_(*(column.ilike(pattern, escape="\\") for column in texts)), *within),
        select(_FORMER.entity_id).where(_FORMER.name.ilike(pattern, escape="\\")),  # few: never narrowed
    ]
    # A USCC holds digits and capital letters only: its index is read for a text that could be
    # part of one (as row by row), not for every Chinese name searched.
    if _code_like(text) and regions is not None and district_codes:
        reads.append(_codes_of_district(regions, text))
    elif _code_like(text):
        reads.append(select(entity.c.id).where(entity.c.uscc.ilike(pattern, escape="\\"), *within))
    return sa.union_all(*reads)  # type: ignore[return-value]


async def codes_are_common(session: AsyncSession, text: str, regions: frozenset[str] | None) -> bool:
    """A district's search of a text that could be part of a USCC: whether the USCCs hold it
    city-wide as often as sparse.MANY. Then the district's USCCs are read by their btree
    (candidates' district_codes): the index would read every one of those hits to find the
    district's. Else the index is the cheaper read. SQLite counts the codes' FTS5 hits; PostgreSQL's
    planner estimates the USCC's (asked to count the first MANY, it walks an index of the codes
    in the district order, where those of a code's own districts may come last)."""
    if not within_district(text, regions):
        return False
    if session.get_bind().dialect.name == "sqlite":
        codes = sa.table(_CODES, sa.column("rowid"), sa.column(_CODES))
        found = select(codes.c.rowid).where(codes.c[_CODES].op("MATCH")(_fts_match(_CODES, text, None)))
        return await sparse.dense(session, found)
    entity = _searched()
    return (
        await sparse.estimate(session, select(entity.c.id).where(entity.c.uscc.ilike(_pattern(text), escape="\\")))
        >= sparse.MANY
    )


def narrowed(dialect: str, text: str, regions: frozenset[str] | None) -> bool:
    """Whether `candidates` reads only these regions' hits of `text` unasked (it decides by this):
    SQLite's FTS5 for three characters or more, PostgreSQL's index for a text within_district."""
    return regions is not None and (within_district(text, regions) or (dialect == "sqlite" and indexed(text)))


# How many of a district's rows, in the search order, `rare_in_district` tests; and how few of them
# holding the text make it rare: below 1 in 400, a page's walk would read more than about 8,000 rows
# (and every row of the district for a text it does not hold), where reading its hits costs
# their number (bounded by sparse.MANY).
SAMPLE, RARE = 2_000, 5


async def rare_in_district(session: AsyncSession, text: str, regions: frozenset[str], order: Any) -> bool:
    """Whether the district holds `text` rarely, by a sample of its rows in the search order `order`
    (a function of the id column; uncorrelated with the text): a text many entities of the city hold
    may be in few of the district's (another district's street). The rows are tested one by one as a
    walk tests them."""
    entity, within = _district_of(regions)
    columns: list[Any] = [entity.c.id, entity.c.uscc, entity.c.name, entity.c.legal_representative, entity.c.address]
    sample = select(*columns).where(*within).order_by(order(entity.c.id)).limit(SAMPLE).subquery()
    holding = select(sa.func.count()).select_from(sample).where(_row_by_row(sample.c.id, text))
    return int(await session.scalar(holding) or 0) < RARE


def within_district(text: str, regions: frozenset[str] | None) -> bool:
    """Whether a district's search reads the index for its district's hits only: for a text of
    three characters or more that could be part of a USCC, whose digits hold a district's code (of
    another district's, tens of thousands of hits and none the desk's; a planner takes the text and
    the district for independent and estimates a ninth of them). PostgreSQL reads other texts
    city-wide (a district's condition beside a GIN index costs a read of its hits in the district),
    and its planner's estimate may decide (services.platform.sparse)."""
    return regions is not None and indexed(text) and _code_like(text)


def _fts_reads(text: str, regions: frozenset[str] | None) -> list[tuple[Any, ColumnElement[bool]]]:
    """SQLite, three characters or more: each FTS5 table `text` may be in, with its match."""
    found: list[tuple[Any, ColumnElement[bool]]] = []
    for table in _tables(text):
        fts = sa.table(table, sa.column("rowid"), sa.column(table))
        found.append((fts, fts.c[table].op("MATCH")(_fts_match(table, text, regions))))
    return found


@compiles(EntityText)
def _compile(element: EntityText, compiler: SQLCompiler, **kw: Any) -> str:
    hits = candidates(compiler.dialect.name, element.text, element.regions, element.district_codes)
    found = sa.or_(element.entity_id.in_(hits), element.entity_id.in_(named(element.text)))
    return f"({compiler.process(found, **kw)})"


def _row_by_row(entity_id: ColumnElement[Any], text: str) -> ColumnElement[bool]:
    # The entity's own columns, from wherever its id column is read (an alias on the compiled path).
    table = entity_id.table
    former = select(_FORMER.entity_id).where(_position(_FORMER.name, text))
    found = [
        _position(table.c.name, text),
        _position(table.c.legal_representative, text),
        _position(table.c.address, text),
        entity_id.in_(former),
        entity_id.in_(named(text)),
    ]
    if _code_like(text):
        found.append(_uscc_holds(table.c.uscc, text))
    return sa.or_(*found)
