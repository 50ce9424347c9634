"""How a longitude/latitude box is read in USCC order, cheaply whatever its size and shape.

The spatial index (services.platform.point_index: an R*Tree on SQLite, a GiST index on
PostgreSQL) finds a box's points whatever its shape, a thin band of latitude across the city as
well as a street. That is right for a box with few hits, and ruinous for a zoomed-out map: every
entity in it would be read and sorted by USCC for a page of 20. So a page first counts the box's
hits in the index, stopping at DENSE: fewer, and the index finds them all and they are sorted (at
most DENSE rows); as many or more, and the page walks the USCC index and tests each row's point,
reading about 20 × entities ÷ hits rows. A crowded box is counted (totalCount) the same way, by
testing every row's point, where the (longitude, latitude) btree holds them all without the table."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, literal, literal_column, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity
from services.platform import checks, point_index, sparse

DENSE = sparse.MANY  # services.platform.sparse: when walking the USCC order beats sorting the hits


class Read(Enum):
    """How a box is read: by the spatial index, or by testing each row's point (a crowded box)."""

    INDEXED = "indexed"
    TESTED = "tested"


def within(box: checks.Box, dialect: str, read: Read = Read.INDEXED) -> list[ColumnElement[bool]]:
    """The box's conditions, edges included; a row without coordinates (NULL) never matches.
    TESTED reads the USCC order and tests each row instead of sorting the box's hits: on SQLite
    the columns hidden from every index (`+ 0`), whose btree it would otherwise read for any
    range. INDEXED reads the engine's spatial index (services.platform.point_index)."""
    longitude, latitude = col(MarketEntity.longitude), col(MarketEntity.latitude)
    # The same stored integers, as an expression no index covers, still bound as degrees.
    scaled = MarketEntity.__table__.c.longitude.type  # type: ignore[attr-defined]  # both columns alike
    lon, lat = (type_coerce(c + literal_column("0"), scaled) for c in (longitude, latitude))
    tested: list[ColumnElement[bool]] = [lon.between(box.west, box.east), lat.between(box.south, box.north)]
    if read is Read.TESTED:
        if dialect == "postgresql":
            # PostgreSQL estimates plain ranges from its statistics, sees a crowded box and walks
            # the USCC order itself; hidden ones it would guess rare, and sort every hit.
            return [longitude.between(box.west, box.east), latitude.between(box.south, box.north)]
        return tested
    edges = (box.west, box.south, box.east, box.north)
    return point_index.within(dialect, col(MarketEntity.id), longitude, latitude, edges, tested)


async def crowded(
    session: AsyncSession, conditions: list[ColumnElement[bool]], options: Mapping[str, Any] | None = None
) -> bool:
    """Whether the box (its INDEXED conditions, with the filter's) holds DENSE hits or more,
    counted in the spatial index read in order, so the count stops there: a box with many hits
    costs a few thousand index entries, one with few only its own (bench/results/geography_*.json).
    `options`: the execution options the filter's own statement is read with (a matter's)."""
    hits = select(literal(1)).select_from(MarketEntity).where(*conditions).execution_options(**(options or {}))
    async with point_index.streamed(session):
        return await sparse.dense(session, hits, DENSE)
