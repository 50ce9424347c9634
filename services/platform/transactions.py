"""One change, one transaction: the boundary every caller (API, admin, CLI) shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.platform.db import Database
from services.platform.errors import DomainError, Forbidden, Problem, Unauthenticated
from services.platform.principal import Principal

T = TypeVar("T")


async def run_change(
    db: Database, principal: Principal, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[Problem]]:
    """Run `work` in one transaction: all of it is stored, or none of it.

    Expected failures come back as problems; authentication and permission
    failures are raised. A unique key taken by a concurrent change is a
    conflict to retry, never a half-written row.
    """
    session = await db.write_session(principal)
    try:
        result = await work(session)
        await session.commit()
        return result, []
    except (Unauthenticated, Forbidden):
        await session.rollback()
        raise
    except DomainError as error:
        await session.rollback()
        return None, error.problems
    except IntegrityError:
        await session.rollback()
        return None, [Problem("CONFLICT", "与同时进行的另一项修改冲突，未保存任何内容，请重试")]
    finally:
        await session.close()
