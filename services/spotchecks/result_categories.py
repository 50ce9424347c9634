"""The result categories (检查结果类别): a versioned code table; the newest version is in force,
and a recorded result keeps the version it was recorded under. Maintainers set a whole new
version at once, so a code dropped from the table is gone only from the new version on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import ResultCategory
from models.enums import ResultConsequence
from services.platform import audit, checks
from services.platform.access import Operation, principal_of, require
from services.platform.errors import Collector, DomainError

CATEGORY_CODE = checks.CodeRule(
    re.compile(r"^[A-Z][A-Z0-9_]{1,31}$"),
    "INVALID_CATEGORY_CODE",
    "结果类别代码“{value}”无效：应为 2–32 位大写字母、数字或下划线，以字母开头（如 NO_PROBLEM）",
    True,
)
MAX_CATEGORIES = 100


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


async def category_of(session: AsyncSession, version: int, code: str) -> ResultCategory | None:
    """One category of one version (a result names its codes under its own version)."""
    return await session.scalar(
        select(ResultCategory).where(col(ResultCategory.version) == version, col(ResultCategory.code) == code)
    )


async def list_categories(session: AsyncSession, version: int | None = None) -> list[ResultCategory]:
    """resultCategories: a version's categories in their order, by default the version in force."""
    require(principal_of(session), Operation.RESULT_CATEGORIES)
    return list((await categories_of(session, version or await version_in_force(session))).values())


async def versions(session: AsyncSession) -> list[int]:
    """Every version, newest first."""
    rows = await session.scalars(
        select(col(ResultCategory.version)).distinct().order_by(col(ResultCategory.version).desc())
    )
    return [int(v) for v in rows]


@dataclass(frozen=True)
class ResultCategoryInput:
    code: str
    name: str
    consequence: ResultConsequence = ResultConsequence.NONE


@dataclass(frozen=True)
class CategoriesSet:
    version: int
    categories: list[ResultCategory]


def _checked(items: Sequence[ResultCategoryInput], problems: Collector) -> list[tuple[str, str, ResultConsequence]]:
    if not items:
        problems.add("CATEGORIES_REQUIRED", "结果类别至少要有一项", "input")
    elif len(items) > MAX_CATEGORIES:
        problems.add("TOO_MANY_CATEGORIES", f"结果类别最多 {MAX_CATEGORIES} 项", "input")
    cleaned: list[tuple[str, str, ResultConsequence]] = []
    first_at: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        where = f"input.{position - 1}"
        code = checks.code(item.code, CATEGORY_CODE, f"{where}.code", problems)
        name = checks.text(item.name, f"第 {position} 项结果类别的名称", f"{where}.name", problems, limit=128)
        if code in first_at:
            message = f"结果类别代码“{code}”重复（第 {first_at[code]} 项与第 {position} 项）"
            problems.add("DUPLICATE_CATEGORY_CODE", message, f"{where}.code")
        first_at.setdefault(code, position)
        cleaned.append((code, name, item.consequence))
    return cleaned


async def set_result_categories(session: AsyncSession, input: Sequence[ResultCategoryInput]) -> CategoriesSet:
    """A whole new version, in force from now; the same table as the one in force is refused (no
    empty versions). Two maintainers setting at once: the unique (version, code) lets one win."""
    principal = principal_of(session)
    require(principal, Operation.SET_RESULT_CATEGORIES)
    problems = Collector()
    wanted = _checked(input, problems)
    problems.raise_if_any()
    current, in_force = await categories_in_force(session)
    stated = [(c.code, c.name, c.consequence) for c in in_force.values()]
    if stated == wanted:
        raise DomainError("CATEGORIES_UNCHANGED", f"与现行第 {current} 版相同，未建立新版本", "input")
    version = current + 1
    rows = [
        ResultCategory(
            version=version, code=code, name=name, consequence=consequence, position=position, set_by=principal.name
        )
        for position, (code, name, consequence) in enumerate(wanted, start=1)
    ]
    session.add_all(rows)
    await session.flush()

    def table(entries: list[tuple[str, str, ResultConsequence]]) -> list[dict[str, str]]:
        return [{"code": c, "name": n, "consequence": k.value} for c, n, k in entries]

    await audit.record(
        session,
        "result_categories.set",
        "ResultCategory",
        str(version),
        {"version": current, "categories": table(stated)},
        {"version": version, "categories": table(wanted)},
    )
    return CategoriesSet(version, rows)
