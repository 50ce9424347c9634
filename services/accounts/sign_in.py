"""Signing in and out of the admin pages: lock-out after repeated failures, and an audit
event for every attempt (等保: who signed in, who failed, from where, and who signed out).

What a person is told never shows whether an account exists: an unknown username, a
disabled account and a wrong password get the same answer, and failures under a name that
names no usable account are counted (SignInThrottle) and lock exactly as an account's do.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, SignInThrottle, User
from models.types import utcnow
from services.accounts.lockout import LOCK_OUT_FOR, MAX_FAILED_LOGINS, count_failure, lock_holding, locked_message
from services.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from services.accounts.users import principal_for
from services.platform import audit
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change

WRONG = "用户名或密码错误"
_SIGN_IN = Principal.system("sign-in")


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str | None = None


@dataclass(frozen=True)
class _Attempt:
    name: str  # the username tried, as typed but trimmed and lower-cased
    client: str | None
    user_id: int | None  # the usable account it names, if any
    why_unusable: str  # UNKNOWN_USER or INACTIVE, when user_id is None
    correct: bool
    password: str

    def failed(self, reason: str) -> dict[str, str | None]:
        # Never the password: only what was asked for, from where, and why it was refused.
        return {"username": self.name, "client": self.client, "reason": reason}


async def sign_in(db: Database, username: str, password: str, client: str | None = None) -> SignIn:
    """Check a password; after MAX_FAILED_LOGINS failures in a row the name locks for
    LOCK_OUT_FOR, whether or not it names an account.

    Unlike other services this takes the database, not a session: argon2 costs about
    0.2 s, so the hash is checked in a thread between a read and a short write
    transaction, never while holding a write lock. Unknown and inactive users cost the
    same hash, so timing does not tell which usernames exist either.
    """
    name = username.strip().lower()[:128]
    async with db.session(_SIGN_IN) as session:
        user = await session.scalar(select(User).where(col(User.username) == name))
    usable = user is not None and user.is_active
    stored = user.password_hash if user is not None and usable else DUMMY_HASH
    correct = await asyncio.to_thread(verify_password, stored, password) and usable
    attempt = _Attempt(
        name,
        client,
        user.id if user is not None and usable else None,
        "INACTIVE" if user is not None else "UNKNOWN_USER",
        correct,
        password,
    )
    outcome, problems = await run_change(db, _SIGN_IN, lambda session: _record(session, attempt))
    return outcome or SignIn(None, problems[0].message)


async def _record(session: AsyncSession, attempt: _Attempt) -> SignIn:
    # Every attempt writes an audit event, so it takes the chain's turn first: two attempts
    # under one name then count one after the other, on both engines.
    await audit.lock_chain(session)
    if attempt.user_id is None:
        return await _record_nameless(session, attempt)
    now = utcnow()
    user = await session.get(User, attempt.user_id)
    assert user is not None
    if (holding := lock_holding(user.locked_until, now)) is not None:
        await _failed(session, attempt, "LOCKED")
        return SignIn(None, holding)
    if not attempt.correct:
        until = await count_failure(session, user, now)
        await _failed(session, attempt, "WRONG_PASSWORD")
        if until is None:
            return SignIn(None, WRONG)
        await _locked(session, attempt, until, account=True)
        return SignIn(None, locked_message(until, now))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, attempt.password)
    department = await session.get(Department, user.department_id)
    assert department is not None
    await audit.record(
        session, "user.signed_in", "User", user.username, None, {"client": attempt.client},
        by=principal_for(user, department),
    )  # fmt: skip
    return SignIn(user)


async def _record_nameless(session: AsyncSession, attempt: _Attempt) -> SignIn:
    """A name with no usable account: counted and locked as an account would be."""
    now = utcnow()
    throttle = await session.get(SignInThrottle, attempt.name)
    if throttle is None:
        throttle = SignInThrottle(username=attempt.name, failed_logins=0)
        session.add(throttle)
    if (holding := lock_holding(throttle.locked_until, now)) is not None:
        await _failed(session, attempt, "LOCKED")
        return SignIn(None, holding)
    throttle.failed_logins += 1
    await _failed(session, attempt, attempt.why_unusable)
    if throttle.failed_logins < MAX_FAILED_LOGINS:
        return SignIn(None, WRONG)
    throttle.locked_until, throttle.failed_logins = now + LOCK_OUT_FOR, 0
    await _locked(session, attempt, throttle.locked_until, account=False)
    return SignIn(None, locked_message(throttle.locked_until, now))


async def _failed(session: AsyncSession, attempt: _Attempt, reason: str) -> None:
    await audit.record(session, "user.sign_in_failed", "User", attempt.name, None, attempt.failed(reason))


async def _locked(session: AsyncSession, attempt: _Attempt, until: datetime, account: bool) -> None:
    after = {"locked_until": until.isoformat(), "client": attempt.client, "account_exists": account}
    await audit.record(session, "user.locked", "User", attempt.name, None, after)


async def sign_out(db: Database, user_id: int, client: str | None = None) -> None:
    """Every session cookie of this user stops working, here and on other machines; audited
    as the user who signed out."""

    async def work(session: AsyncSession) -> None:
        row = (
            await session.execute(
                select(User, Department)
                .join(Department, col(Department.id) == User.department_id)
                .where(col(User.id) == user_id)
            )
        ).first()
        if row is None:
            return
        user, department = row
        await session.execute(
            update(User).where(col(User.id) == user_id).values(session_epoch=col(User.session_epoch) + 1)
        )
        await audit.record(
            session, "user.signed_out", "User", user.username, None, {"client": client},
            by=principal_for(user, department),
        )  # fmt: skip

    await run_change(db, Principal.system("sign-out"), work)


async def active_user(session: AsyncSession, user_id: int, epoch: int) -> tuple[User, Department] | None:
    """The signed-in user of a session cookie, while the account stays active and
    the cookie's epoch is current."""
    row = (
        await session.execute(
            select(User, Department)
            .join(Department, col(Department.id) == User.department_id)
            .where(col(User.id) == user_id, col(User.is_active).is_(True), col(User.session_epoch) == epoch)
        )
    ).first()
    return (row[0], row[1]) if row else None
