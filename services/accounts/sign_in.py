"""Signing in and out of the admin pages: growing delays after repeated failures, by the name
tried and by the client's network, which hold for every network but those the user has signed
in from (services.accounts.lockout), and an audit event for every
attempt (等保: who signed in, who failed, from where, and who signed out).

What a person is told never shows whether an account exists: an unknown username, a disabled
account and a wrong password get the same answer, at the same cost (one argon2 check each), and
failures under a name that names no usable account are counted and delayed exactly as an
account's are. A name with no account is kept only as a keyed hash, in the throttle and in the
audit log: it may be a password typed in the wrong box.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, SignInKnownAddress, SignInThrottle, User
from models.types import utcnow
from services.accounts import lockout
from services.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from services.accounts.users import principal_for
from services.platform import audit
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change

WRONG = "用户名或密码错误"
_SIGN_IN = Principal.system("sign-in")
_UNKNOWN_NAME = "未知用户名#"


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str | None = None


def keyed_hash(secret_key: str, text: str) -> str:
    """HMAC-SHA256 of `text`: the same name links its attempts, and without the key a guessed
    password cannot be tried against it."""
    return hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def unknown_name_label(secret_key: str, name: str) -> str:
    """How the audit log names a name tried that has no usable account."""
    return _UNKNOWN_NAME + keyed_hash(secret_key, "name:" + name)[:16]


@dataclass(frozen=True)
class _Attempt:
    name: str  # the username tried, trimmed and lower-cased
    client: str | None
    user_id: int | None  # the usable account it names, if any
    why_unusable: str  # UNKNOWN_USER or INACTIVE, when user_id is None
    correct: bool
    password: str
    secret_key: str

    @property
    def shown_name(self) -> str:
        """The name as the audit log keeps it: an account's username, else a hash."""
        return self.name if self.user_id is not None else unknown_name_label(self.secret_key, self.name)

    def key(self, kind: str, text: str) -> str:
        return f"{kind}:{keyed_hash(self.secret_key, kind + ':' + text)}"

    def failed(self, reason: str) -> dict[str, str | None]:
        # Never the password: only what was asked for, from where, and why it was refused.
        return {"username": self.shown_name, "client": self.client, "reason": reason}


async def sign_in(db: Database, username: str, password: str, client: str | None = None) -> SignIn:
    """Check a password; past MAX_FAILED_LOGINS failures in a row under a name, or
    CLIENT_ALLOWANCE from an address, each further attempt waits (services.accounts.lockout).

    Unlike other services this takes the database, not a session: argon2 costs about
    0.2 s, so the hash is checked in a thread between a read and a short write
    transaction, never while holding a write lock. Unknown and inactive users cost the
    same hash, and so does an attempt that is refused for its wait: timing tells nothing.
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
        db.secret_key,
    )
    outcome, problems = await run_change(db, _SIGN_IN, lambda session: _record(session, attempt))
    return outcome or SignIn(None, problems[0].message)


async def _throttle(session: AsyncSession, key: str) -> SignInThrottle:
    found = await session.get(SignInThrottle, key)
    if found is None:
        found = SignInThrottle(key=key, failed_logins=0)  # stored only once a failure is counted in it
    return found


async def _record(session: AsyncSession, attempt: _Attempt) -> SignIn:
    # Every attempt writes an audit event, so it takes the chain's turn first: two attempts
    # under one name or from one address then count one after the other, on both engines.
    await audit.lock_chain(session)
    now = utcnow()
    # Bounded: a row is kept only while its count matters.
    stale = or_(
        col(SignInThrottle.last_failed_at).is_(None), col(SignInThrottle.last_failed_at) <= now - lockout.FORGET_AFTER
    )
    await session.execute(delete(SignInThrottle).where(stale))
    user = await session.get(User, attempt.user_id) if attempt.user_id is not None else None
    name: lockout.Counter = user if user is not None else await _throttle(session, attempt.key("name", attempt.name))
    network = lockout.network_of(attempt.client) if attempt.client else None
    client = await _throttle(session, attempt.key("client", network)) if network else None
    # A name's wait does not hold for a network its user has signed in from: an attacker hammering
    # an account does not keep its owner out at their usual place. Everywhere else it holds, so
    # a new address buys the attacker no guess. An unknown address is never known.
    known = user is not None and network is not None and await _known(session, user, attempt, network, now)
    waits = [w for w in (lockout.waiting(client, now), None if known else lockout.waiting(name, now)) if w]
    if waits:
        await _failed(session, attempt, "LOCKED")
        return SignIn(None, lockout.locked_message(max(waits), now))
    if attempt.correct:
        assert user is not None
        return await _signed_in(session, attempt, user, now, network)
    name_until = lockout.count(name, now, lockout.MAX_FAILED_LOGINS, lockout.NAME_WAIT_CAP)
    client_until = lockout.count(client, now, lockout.CLIENT_ALLOWANCE, lockout.CLIENT_WAIT_CAP) if client else None
    session.add_all(row for row in (name, client) if isinstance(row, SignInThrottle))
    await _failed(session, attempt, attempt.why_unusable if user is None else "WRONG_PASSWORD")
    if name_until is not None:
        await _locked(session, attempt, name_until, account=user is not None)
    if client is not None and client_until is not None:
        after = {"locked_until": client_until.isoformat(), "failed_logins": client.failed_logins}
        after["network"] = network
        await audit.record(session, "user.client_throttled", "SignInThrottle", str(attempt.client), None, after)
    started = [until for until in (name_until, client_until) if until is not None]
    return SignIn(None, lockout.wait_started_message(max(started), now) if started else WRONG)


async def _known(session: AsyncSession, user: User, attempt: _Attempt, network: str, now: datetime) -> bool:
    found = await session.get(SignInKnownAddress, (user.id, keyed_hash(attempt.secret_key, "network:" + network)))
    return found is not None and found.last_signed_in_at > now - lockout.KNOWN_FOR


async def _remember(session: AsyncSession, user: User, attempt: _Attempt, network: str, now: datetime) -> None:
    await session.execute(
        delete(SignInKnownAddress).where(col(SignInKnownAddress.last_signed_in_at) <= now - lockout.KNOWN_FOR)
    )
    key = (user.id, keyed_hash(attempt.secret_key, "network:" + network))
    found = await session.get(SignInKnownAddress, key)
    if found is None:
        assert user.id is not None
        found = SignInKnownAddress(user_id=user.id, network=key[1], last_signed_in_at=now)
        session.add(found)
    found.last_signed_in_at = now


async def _signed_in(
    session: AsyncSession, attempt: _Attempt, user: User, now: datetime, network: str | None
) -> SignIn:
    user.failed_logins, user.locked_until, user.last_failed_at, user.last_login_at = 0, None, None, now
    if network is not None:
        await _remember(session, user, attempt, network, now)
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, attempt.password)
    department = await session.get(Department, user.department_id)
    assert department is not None
    await audit.record(
        session, "user.signed_in", "User", user.username, None, {"client": attempt.client},
        by=principal_for(user, department),
    )  # fmt: skip
    return SignIn(user)


async def _failed(session: AsyncSession, attempt: _Attempt, reason: str) -> None:
    await audit.record(session, "user.sign_in_failed", "User", attempt.shown_name, None, attempt.failed(reason))


async def _locked(session: AsyncSession, attempt: _Attempt, until: datetime, account: bool) -> None:
    after = {"locked_until": until.isoformat(), "client": attempt.client, "account_exists": account}
    await audit.record(session, "user.locked", "User", attempt.shown_name, None, after)


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
