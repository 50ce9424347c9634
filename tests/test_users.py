"""Admin users: creation rules, sign-in, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from models import User
from models.enums import Role
from models.types import utcnow
from services.accounts.lockout import MAX_FAILED_LOGINS
from services.accounts.sign_in import SignIn, sign_in
from services.accounts.users import UserInput, create_user
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import DemoCity
from tests.support.audit import last_audit
from tests.support.cli import manage


async def _sign_in(db: Database, username: str, password: str) -> SignIn:
    return await sign_in(db, username, password)


async def _user(db: Database, username: str) -> User:
    async with db.session(Principal.system()) as session:
        user = await session.scalar(select(User).where(col(User.username) == username))
        assert user is not None
        return user


async def test_demo_logins_sign_in(db: Database, city: DemoCity) -> None:
    admin = city.report.logins[0]
    outcome = await _sign_in(db, "admin", admin.password)
    assert outcome.user is not None and outcome.user.role is Role.MAINTAINER
    staff_password = city.report.logins[1].password
    staff = await _sign_in(db, "scjg-210202", staff_password)
    assert staff.user is not None and staff.user.role is Role.DEPARTMENT
    # The department users' shared demo password does not open the maintainer's account.
    assert staff_password != admin.password
    assert (await _sign_in(db, "admin", staff_password)).user is None
    assert (await _user(db, "admin")).last_login_at is not None


async def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(db: Database, city: DemoCity) -> None:
    wrong = await _sign_in(db, "admin", "not-the-password")
    unknown = await _sign_in(db, "nobody-here", "not-the-password")
    assert wrong.user is None and unknown.user is None
    assert wrong.message == unknown.message == "用户名或密码错误"


async def test_repeated_failures_lock_the_account(db: Database, city: DemoCity) -> None:
    password = city.report.logins[0].password
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert (await _sign_in(db, "admin", "wrong-password")).message == "用户名或密码错误"
    locked = await _sign_in(db, "admin", "wrong-password")
    # The guess that starts the wait was checked: its answer says so, without "locked".
    assert locked.user is None and locked.message == "用户名或密码错误；失败次数过多，请 1 分钟后再试"
    event = await last_audit(db)
    assert (event.action, event.object_id) == ("user.locked", "admin")
    # Even the right password is refused while the lock lasts ...
    still = await _sign_in(db, "admin", password)
    assert still.user is None and still.message is not None and "分钟后再试" in still.message
    # ... and accepted once it has passed.
    async with db.engine.begin() as connection:
        await connection.execute(
            User.__table__.update().values(locked_until=utcnow() - timedelta(seconds=1))  # type: ignore[attr-defined]
        )
    assert (await _sign_in(db, "admin", password)).user is not None


async def test_a_successful_sign_in_resets_the_failure_count(db: Database, city: DemoCity) -> None:
    password = city.report.logins[0].password
    for _ in range(MAX_FAILED_LOGINS - 1):
        await _sign_in(db, "admin", "wrong-password")
    assert (await _sign_in(db, "admin", password)).user is not None
    assert (await _user(db, "admin")).failed_logins == 0


async def test_bad_user_input_is_refused_with_reasons(db: Database, city: DemoCity) -> None:
    data = UserInput("Bad Name!", " ", "short", Role.DEPARTMENT, "NOPE-1")
    result, problems = await run_change(db, Principal.system("test"), lambda s: create_user(s, data))
    assert result is None
    assert {(p.field, p.code) for p in problems} == {
        ("username", "INVALID_USERNAME"),
        ("displayName", "REQUIRED"),
        ("password", "PASSWORD_TOO_SHORT"),
        ("departmentCode", "UNKNOWN_DEPARTMENT"),
    }
    taken = UserInput("admin", "另一个", "long-enough-password", Role.DEPARTMENT, "SCJG-210202")
    _, problems = await run_change(db, Principal.system("test"), lambda s: create_user(s, taken))
    assert [p.code for p in problems] == ["USERNAME_TAKEN"]


async def test_user_create_from_the_command_line(db: Database, city: DemoCity, database_url: str) -> None:
    done = manage(database_url, "user", "create", "--username", "wang.fang", "--department", "WJ-210202",
                  "--name", "王芳", "--password", "a-long-password-1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    event = await last_audit(db)
    assert (event.action, event.object_id, event.actor) == ("user.created", "wang.fang", "cli")
    assert (await _sign_in(db, "wang.fang", "a-long-password-1")).user is not None
