"""The spatial index behind a box of longitude and latitude: the one place its SQL differs
between the engines.

Migration 0021 builds it. SQLite: the R*Tree `entity_point` (rtree_i32, so the six-place scaled
integers are kept exactly), one entry per entity with coordinates, kept current by triggers in
the transaction that writes the registry. PostgreSQL: a GiST index on `point(longitude,
latitude)` (the scaled integers as float8, exact; a NULL point is in no box). Either finds the
points of a box whatever its shape, where a btree serves only the range of its leading column.
A later SQLite migration that rebuilds market_entity (batch_alter_table) drops the R*Tree's
triggers with the table, as it would the text index's: it must create them again."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

TABLE = "entity_point"  # SQLite's R*Tree (and its shadow tables, entity_point_node, …)
GIST = "ix_point_market_entity"  # PostgreSQL's GiST index
# What the migrations build outside the models, which the models-versus-migrations check skips.
_OUTSIDE_MODELS = (TABLE, "ix_point_")

_POINTS = sa.table(
    TABLE,
    sa.column("id"),
    sa.column("min_longitude"),
    sa.column("max_longitude"),
    sa.column("min_latitude"),
    sa.column("max_latitude"),
)


def outside_models(name: str | None) -> bool:
    """Whether a table or index is the spatial index's (the R*Tree and its shadow tables, the GiST index)."""
    return bool(name) and str(name).startswith(_OUTSIDE_MODELS)


def within(
    dialect: str,
    entity_id: Any,
    longitude: Any,
    latitude: Any,
    edges: tuple[Decimal, Decimal, Decimal, Decimal],
    tested: list[ColumnElement[bool]],
) -> list[ColumnElement[bool]]:
    """The entities whose point lies in the box (west, south, east, north; edges included), by the
    index. SQLite: joined to the R*Tree (as a join, not `id IN (…)`, which would gather every hit
    before a count could stop). PostgreSQL: the GiST condition, with `tested` beside it (the box's
    ranges as expressions no index covers): the planner guesses that any `<@` box holds 0.1 % of
    the rows, too many to rule out walking the USCC order looking for them; with the ranges it
    estimates a handful, reads the GiST index and sorts. Plain ranges would let it choose the
    (longitude, latitude) btree instead, which reads a thin band's whole longitude slice."""
    scaled = longitude.type  # both columns alike: degrees bound as the stored integers
    west, south, east, north = (sa.literal(edge, scaled) for edge in edges)
    if dialect == "sqlite":
        p = _POINTS.c
        return [
            p.id == entity_id,
            p.min_longitude <= east,
            p.max_longitude >= west,
            p.min_latitude <= north,
            p.max_latitude >= south,
        ]
    point = sa.func.point(longitude, latitude)
    box = sa.func.box(sa.func.point(west, south), sa.func.point(east, north))
    return [point.op("<@")(box), *tested]


@asynccontextmanager
async def streamed(session: AsyncSession) -> AsyncIterator[None]:
    """Statements that stop after some hits read the index in order. PostgreSQL, expecting few
    hits, would read a GiST index into a bitmap first: every hit of a zoomed-out map before a
    count could stop at its limit. Inside, its bitmap scans are off for this transaction."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    await session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    yield
    # Not on an error: the transaction is then aborted (any statement would fail and hide the
    # error) and its rollback undoes SET LOCAL anyway.
    await session.execute(sa.text("SET LOCAL enable_bitmapscan = on"))


def sqlite_unsupported() -> str | None:
    """Why this Python's SQLite cannot hold the spatial index (None when it can): said before the
    migrations stop half-way with "no such module: rtree_i32"."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING rtree_i32(id, x0, x1)")
    except sqlite3.OperationalError:
        return (
            "此 SQLite 未编译 R*Tree，按经纬度范围查询主体的空间索引无法建立。"
            "请升级系统的 SQLite，或安装 pysqlite3-binary 并以它代替内置的 sqlite3，或改用 PostgreSQL"
        )
    return None
