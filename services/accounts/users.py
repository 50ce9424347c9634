"""Admin users: creation, sign-in with lock-out, and the principal a user acts as."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, User
from models.enums import Role
from models.types import utcnow
from services.accounts.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from services.platform import audit, checks
from services.platform.access import principal_of, require_maintainer
from services.platform.db import Database
from services.platform.errors import Collector, DomainError
from services.platform.principal import Principal
from services.platform.transactions import run_change

MAX_FAILED_LOGINS = 5
LOCK_OUT_FOR = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    password: str
    role: Role
    department_code: str


def principal_for(user: User, department: Department) -> Principal:
    return Principal.acting_for(user.role, user.display_name, department)


def check_password(password: str, problems: Collector, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        problems.add("PASSWORD_TOO_SHORT", f"密码至少 {MIN_LENGTH} 个字符", field)


async def create_user(session: AsyncSession, data: UserInput, password_hash: str | None = None) -> User:
    """`password_hash`, when given, is the hash of `data.password` computed once
    for many users (the demo city); argon2 costs about 0.2 s a hash."""
    require_maintainer(principal_of(session))
    problems = Collector()
    username = data.username.strip().lower()
    if not _USERNAME.match(username):
        problems.add("INVALID_USERNAME", "用户名为 3–64 位小写字母、数字、点、下划线或连字符", "username")
    elif await session.scalar(select(User).where(col(User.username) == username)):
        problems.add("USERNAME_TAKEN", f"用户名“{username}”已被使用", "username")
    display_name = checks.text(data.display_name, "姓名", "displayName", problems, limit=128)
    check_password(data.password, problems)
    department = await session.scalar(select(Department).where(col(Department.code) == data.department_code.strip()))
    if department is None:
        problems.add("UNKNOWN_DEPARTMENT", f"部门“{data.department_code}”不存在", "departmentCode")
    problems.raise_if_any()
    assert department is not None and department.id is not None
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash or hash_password(data.password),
        role=data.role,
        department_id=department.id,
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        "user.created",
        "User",
        username,
        None,
        {
            "username": username,
            "display_name": user.display_name,
            "role": data.role.value,
            "department": department.code,
        },
    )
    return user


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str | None = None


_WRONG = "用户名或密码错误"


async def sign_in(db: Database, username: str, password: str) -> SignIn:
    """Check a password; after MAX_FAILED_LOGINS failures in a row the account locks
    for LOCK_OUT_FOR.

    Unlike other services this takes the database, not a session: argon2 costs
    about 0.2 s, so the hash is checked in a thread between a read and a short
    write transaction, never while holding a write lock. Unknown and inactive
    users cost the same hash, so timing does not tell which usernames exist.
    """
    name = username.strip().lower()
    async with db.session(Principal.system("sign-in")) as session:
        user = await session.scalar(select(User).where(col(User.username) == name))
    usable = user is not None and user.is_active
    stored = user.password_hash if user is not None and usable else DUMMY_HASH
    correct = await asyncio.to_thread(verify_password, stored, password)
    if user is None or not usable:
        return SignIn(None, _WRONG)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return SignIn(None, f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试")
    assert user.id is not None
    user_id = user.id
    outcome, problems = await run_change(
        db, Principal.system("sign-in"), lambda session: _record_attempt(session, user_id, correct, password)
    )
    return outcome or SignIn(None, problems[0].message)


async def _record_attempt(session: AsyncSession, user_id: int, correct: bool, password: str) -> SignIn:
    if not correct:
        # Counted in the database, so parallel guesses cannot overwrite each other's count.
        failures = await session.scalar(
            update(User)
            .where(col(User.id) == user_id)
            .values(failed_logins=col(User.failed_logins) + 1)
            .returning(col(User.failed_logins))
        )
        if (failures or 0) < MAX_FAILED_LOGINS:
            return SignIn(None, _WRONG)
        user = await session.get(User, user_id)
        assert user is not None
        user.locked_until, user.failed_logins = utcnow() + LOCK_OUT_FOR, 0
        await audit.record(
            session, "user.locked", "User", user.username, None, {"locked_until": user.locked_until.isoformat()}
        )
        return SignIn(None, f"登录失败次数过多，账户已锁定 {int(LOCK_OUT_FOR.total_seconds() // 60)} 分钟")
    user = await session.get(User, user_id)
    assert user is not None
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(user)


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


async def end_sessions(session: AsyncSession, user_id: int) -> None:
    """Sign-out: every session cookie of this user stops working, here and on other machines."""
    await session.execute(update(User).where(col(User.id) == user_id).values(session_epoch=col(User.session_epoch) + 1))


async def update_user(session: AsyncSession, username: str, active: bool, new_password: str | None) -> User:
    """Enable or disable an account; a new password also lifts a lock and ends its sessions."""
    require_maintainer(principal_of(session))
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is None:
        raise DomainError("UNKNOWN_USER", f"用户“{username}”不存在", "username")
    problems = Collector()
    if new_password:
        check_password(new_password, problems)
    problems.raise_if_any()
    before = {"is_active": user.is_active, "locked": user.locked_until is not None}
    user.is_active = active
    if new_password:
        user.password_hash = hash_password(new_password)
        user.failed_logins, user.locked_until = 0, None
        user.session_epoch += 1
    after = {"is_active": user.is_active, "locked": user.locked_until is not None, "password_reset": bool(new_password)}
    if before != {k: after[k] for k in before} or new_password:
        await audit.record(session, "user.changed", "User", username, before, after)
    return user
