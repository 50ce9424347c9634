"""How a longitude/latitude box is read in USCC order, cheaply whatever its size.

The (longitude, latitude) btree serves only the longitude range of a box: every entry of that
slice is read and tested on latitude, then every match is sorted by USCC for a page of 20. That
is right for a small box and ruinous for a zoomed-out map (the whole registry sorted per page).
So a page first counts the box's hits in the index, stopping at DENSE: fewer, and the index
finds them all and they are sorted (at most DENSE rows); as many or more, and the page walks the
USCC index and tests each row's point, reading about 20 × entities ÷ hits rows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, literal, literal_column, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity
from services.platform import checks, sparse

DENSE = sparse.MANY  # services.platform.sparse: when walking the USCC order beats sorting the hits


def within(box: checks.Box, walk: bool = False) -> list[ColumnElement[bool]]:
    """The box's conditions: both bounds on each column, so a row without coordinates (NULL)
    never compares true. `walk` hides the columns from the index (`+ 0` on either engine): the
    planner then reads the USCC order and tests each row instead of sorting the box's hits."""
    longitude, latitude = col(MarketEntity.longitude), col(MarketEntity.latitude)
    if walk:
        # The same stored integers, as an expression no index covers, still bound as degrees.
        scaled = MarketEntity.__table__.c.longitude.type  # type: ignore[attr-defined]  # both columns alike
        lon, lat = (type_coerce(c + literal_column("0"), scaled) for c in (longitude, latitude))
        return [lon.between(box.west, box.east), lat.between(box.south, box.north)]
    return [longitude.between(box.west, box.east), latitude.between(box.south, box.north)]


async def dense(session: AsyncSession, conditions: list[ColumnElement[bool]]) -> bool:
    """Whether the rows these conditions (with the box's, as indexed) select reach DENSE. The
    count stops there, so a box with many hits costs a few thousand index entries; one with few
    reads its longitude slice (twice, with the page): cheap unless the box is a thin band of
    latitude across the whole city (bench/results/geography_*.json, README)."""
    return await sparse.dense(session, select(literal(1)).select_from(MarketEntity).where(*conditions), DENSE)
