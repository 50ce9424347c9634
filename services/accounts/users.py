"""Admin users: creation, changes by maintainers (enable, reset, unlock), a user's own password
change, and the principal a user acts as. Signing in and out: services.accounts.sign_in."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, User
from models.enums import Role
from models.types import utcnow
from services.accounts.lockout import count_failure, is_locked, lock_holding, locked_message
from services.accounts.passwords import MIN_LENGTH, hash_password, verify_password
from services.platform import audit, checks
from services.platform.access import principal_of, require_maintainer
from services.platform.db import Database
from services.platform.errors import Collector, DomainError, Problem
from services.platform.principal import Principal
from services.platform.transactions import run_change

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    password: str
    role: Role
    department_code: str


def principal_for(user: User, department: Department) -> Principal:
    return Principal.acting_for(user.role, user.display_name, department, username=user.username)


_RUNS = ("01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def check_password(password: str, problems: Collector, field: str = "password", username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        problems.add("PASSWORD_TOO_SHORT", f"密码至少 {MIN_LENGTH} 个字符", field)
        return
    folded = password.lower()
    if len(set(folded)) < 4 or any(folded in run or folded in run[::-1] for run in _RUNS):
        problems.add("PASSWORD_TOO_WEAK", "密码过于简单（重复或连续的字符）：请混合使用字母、数字和符号", field)
    elif len(username) >= 3 and username.lower() in folded:
        problems.add("PASSWORD_TOO_WEAK", "密码不能包含用户名", field)


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
    check_password(data.password, problems, username=username)
    department = await session.scalar(select(Department).where(col(Department.code) == data.department_code.strip()))
    if department is None:
        problems.add("UNKNOWN_DEPARTMENT", f"部门“{data.department_code}”不存在", "departmentCode")
    problems.raise_if_any()
    assert department is not None and department.id is not None
    if password_hash is None:  # argon2 holds the CPU for a tenth of a second: off the event loop
        password_hash = await asyncio.to_thread(hash_password, data.password)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
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


async def update_user(session: AsyncSession, username: str, active: bool, new_password: str | None) -> User:
    """Enable or disable an account; a new password also lifts a lock and ends its sessions."""
    require_maintainer(principal_of(session))
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is None:
        raise DomainError("UNKNOWN_USER", f"用户“{username}”不存在", "username")
    problems = Collector()
    if new_password:
        check_password(new_password, problems, username=username)
    problems.raise_if_any()
    before = {"is_active": user.is_active, "locked": user.locked_until is not None}
    user.is_active = active
    if new_password:
        user.password_hash = await asyncio.to_thread(hash_password, new_password)
        user.failed_logins, user.locked_until, user.last_failed_at = 0, None, None
        user.session_epoch += 1
    after = {"is_active": user.is_active, "locked": user.locked_until is not None, "password_reset": bool(new_password)}
    if before != {k: after[k] for k in before} or new_password:
        await audit.record(session, "user.changed", "User", username, before, after)
    return user


async def unlock_user(session: AsyncSession, username: str) -> User:
    """解除锁定: a maintainer lifts a lock-out (and the failures counted towards the next one)."""
    require_maintainer(principal_of(session))
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is None:
        raise DomainError("UNKNOWN_USER", f"用户“{username}”不存在", "username")
    if not is_locked(user) and user.failed_logins == 0:
        raise DomainError("NOT_LOCKED", f"用户“{username}”未被锁定，无需解除", "username")
    before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
    user.locked_until, user.failed_logins, user.last_failed_at = None, 0, None
    await audit.record(session, "user.unlocked", "User", username, before, {"locked_until": None, "failed_logins": 0})
    return user


@dataclass(frozen=True)
class PasswordChange:
    old: str
    new: str
    again: str


async def _wrong_old_password(session: AsyncSession, user_id: int) -> datetime | None:
    found = await session.get(User, user_id)
    assert found is not None
    until = await count_failure(session, found, utcnow())
    failed = {"reason": "WRONG_PASSWORD"}
    await audit.record(session, "user.password_change_failed", "User", found.username, None, failed)
    if until is not None:
        found.session_epoch += 1
        await audit.record(session, "user.locked", "User", found.username, None, {"locked_until": until.isoformat()})
    return until


async def change_password(db: Database, user_id: int, change: PasswordChange) -> tuple[int | None, list[Problem]]:
    """A signed-in user sets a new password, giving the old one: the rules of a new
    password, one audit event, and every other session of the user ended. Returns the
    new session epoch, for the session that made the change to carry on.

    Takes the database, as sign-in does: argon2 runs in a thread, outside the transaction."""
    async with db.session(Principal.system("password-change")) as session:
        row = (
            await session.execute(
                select(User, Department)
                .join(Department, col(Department.id) == User.department_id)
                .where(col(User.id) == user_id, col(User.is_active).is_(True))
            )
        ).first()
    if row is None:
        return None, [Problem("UNKNOWN_USER", "账户不存在或已停用", "oldPassword")]
    user, department = row
    if (holding := lock_holding(user.locked_until, utcnow())) is not None:
        return None, [Problem("ACCOUNT_LOCKED", holding, "oldPassword")]
    problems = Collector()
    if not await asyncio.to_thread(verify_password, user.password_hash, change.old):
        # A guess at the old password counts as a sign-in failure would: a stolen session
        # cannot try passwords without end. The lock also ends every session of the user.
        by = principal_for(user, department)
        until, _ = await run_change(db, by, lambda session: _wrong_old_password(session, user_id))
        if until is not None:
            return None, [Problem("ACCOUNT_LOCKED", locked_message(until, utcnow()), "oldPassword")]
        problems.add("WRONG_PASSWORD", "原密码不正确", "oldPassword")
    check_password(change.new, problems, "newPassword", user.username)
    if change.new != change.again:
        problems.add("PASSWORDS_DIFFER", "两次输入的新密码不一致", "newPasswordAgain")
    elif change.new and change.new == change.old:
        problems.add("PASSWORD_UNCHANGED", "新密码不能与原密码相同", "newPassword")
    if problems.problems:
        return None, problems.problems
    new_hash = await asyncio.to_thread(hash_password, change.new)

    async def store(session: AsyncSession) -> int:
        found = await session.get(User, user_id)
        assert found is not None
        # The hash ran outside the transaction: a reset, a lock or a sign-out elsewhere in the
        # meantime wins, rather than being overwritten by this change.
        as_read = (user.password_hash, user.session_epoch, True)
        if (found.password_hash, found.session_epoch, found.is_active) != as_read:
            raise DomainError("CONFLICT", "账户在此期间已被修改，请重新登录后再试", "oldPassword")
        found.password_hash, found.session_epoch = new_hash, found.session_epoch + 1
        await audit.record(session, "user.password_changed", "User", found.username, None, {"sessions_ended": True})
        return found.session_epoch

    return await run_change(db, principal_for(user, department), store)
