"""How many wrong passwords in a row lock an account, and for how long: one rule for the
sign-in page and for the old password that a password change asks for."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import User
from models.types import utcnow

MAX_FAILED_LOGINS = 5
LOCK_OUT_FOR = timedelta(minutes=15)


def locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试"


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def lock_holding(locked_until: datetime | None, now: datetime) -> str | None:
    """What a person is told while a lock (an account's or an unknown name's) still holds; None
    once it has ended or when there was none."""
    return locked_message(locked_until, now) if locked_until is not None and locked_until > now else None


async def count_failure(session: AsyncSession, user: User, now: datetime) -> datetime | None:
    """Count one wrong password against the account; returns when the lock ends if this one
    locked it. Counted in the database, so parallel guesses cannot overwrite each other's count."""
    failures = await session.scalar(
        update(User)
        .where(col(User.id) == user.id)
        .values(failed_logins=col(User.failed_logins) + 1)
        .returning(col(User.failed_logins))
    )
    if (failures or 0) < MAX_FAILED_LOGINS:
        return None
    user.locked_until, user.failed_logins = now + LOCK_OUT_FOR, 0
    return user.locked_until
