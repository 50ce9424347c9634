"""The result categories (检查结果类别): a versioned code table; the newest version is in force,
and a recorded result keeps the version it was recorded under."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import ResultCategory


async def version_in_force(session: AsyncSession) -> int:
    version = await session.scalar(select(func.max(col(ResultCategory.version))))
    if version is None:
        raise RuntimeError("no result categories: the database was not migrated")
    return int(version)


async def categories_of(session: AsyncSession, version: int) -> dict[str, ResultCategory]:
    """The categories of one version by code, in their listed order."""
    rows = await session.scalars(
        select(ResultCategory).where(col(ResultCategory.version) == version).order_by(col(ResultCategory.position))
    )
    return {row.code: row for row in rows}


async def categories_in_force(session: AsyncSession) -> tuple[int, dict[str, ResultCategory]]:
    version = await version_in_force(session)
    return version, await categories_of(session, version)
