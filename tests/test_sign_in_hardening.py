"""Sign-in against an attacker (issue 15): the same answer for an unknown name, a disabled or
waiting account and a wrong password; growing delays by name and by client address instead of
a fixed lock anyone can set off, so the real admin is not kept out; no typed name kept in the
clear; throttle rows pruned."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app import create_app
from models import AuditEvent, SignInThrottle, User
from models.types import utcnow
from services.accounts import lockout
from services.accounts import sign_in as sign_in_module
from services.accounts.passwords import verify_password
from services.accounts.sign_in import WRONG, SignIn, keyed_hash, sign_in, unknown_name_label
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import DemoCity
from tests.support.admin import sign_in as page_sign_in
from tests.support.admin import staff_password
from tests.test_sign_in_audit import said

ATTACKER, OWNER, ELSEWHERE = "203.0.113.66", "198.51.100.7", "192.0.2.9"


class Clock:
    """The sign-in service's clock, moved by the test instead of waiting minutes."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def pass_(self, **elapsed: float) -> None:
        self.now += timedelta(**elapsed)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(sign_in_module, "utcnow", fake)
    yield fake


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 check the sign-in makes: one per attempt, whatever the answer."""
    checked: list[str] = []
    real = verify_password

    def counted(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(sign_in_module, "verify_password", counted)
    return checked


async def _client(settings: Settings, db: Database, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, db), client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _attempts(db: Database, username: str, count: int, client: str, clock: Clock | None = None) -> list[SignIn]:
    done = []
    for n in range(count):
        done.append(await sign_in(db, username, f"wrong-guess-{n}", client))
        if clock is not None:
            clock.pass_(seconds=1)
    return done


async def _disable(db: Database, username: str) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(update(User).where(col(User.username) == username).values(is_active=False))


async def test_every_refusal_gets_the_same_page_status_and_cost(
    settings: Settings, db: Database, city: DemoCity, hashes: list[str]
) -> None:
    """Unknown name, disabled account, wrong password: one message, one status, one argon2 check;
    and once waiting, an account and an unknown name are told the same, even for the right password."""
    await _disable(db, "scjg-210204")
    answers = {}
    for username in ("admin", "no-such-person", "scjg-210204"):
        async for client in _client(settings, db, ELSEWHERE):
            page = await page_sign_in(client, username, "not-the-password")
            answers[username] = (page.status_code, said(page))
    assert set(answers.values()) == {(400, WRONG)}, answers
    assert len(hashes) == 3
    waiting = {}
    for username, address in (("scjg-210202", "192.0.2.21"), ("nobody-at-all", "192.0.2.22")):
        async for client in _client(settings, db, address):
            tries = [await page_sign_in(client, username, f"wrong-{n}") for n in range(lockout.MAX_FAILED_LOGINS)]
            right = await page_sign_in(client, username, staff_password(city))
        waiting[username] = [(page.status_code, said(page)) for page in [*tries, right]]
    assert waiting["scjg-210202"] == waiting["nobody-at-all"]
    # The failure that starts the wait was checked, so it does not claim a lock; the next is refused unchecked.
    assert waiting["scjg-210202"][-2:] == [
        (400, "用户名或密码错误；失败次数过多，请 1 分钟后再试"),
        (400, "登录失败次数过多，账户已锁定，请 1 分钟后再试"),
    ]
    assert len(hashes) == 3 + 2 * (lockout.MAX_FAILED_LOGINS + 1), "a refusal for a wait costs the same check"


async def test_an_attacker_cannot_keep_the_admin_out(db: Database, city: DemoCity, clock: Clock) -> None:
    """Five requests used to lock `admin` for 15 minutes. Now the attacker's failures make the
    attacker's own address wait; the admin, from the network they sign in from, signs in at once."""
    password = city.report.logins[0].password
    assert (await sign_in(db, "admin", password, OWNER)).user is not None  # their usual place
    for n in range(lockout.CLIENT_ALLOWANCE + 6):  # each time its waits are over
        assert (await sign_in(db, "admin", f"guess-{n}", ATTACKER)).user is None
        clock.pass_(minutes=16)
    assert (await sign_in(db, "admin", "one-more-guess", ATTACKER)).user is None
    assert (await sign_in(db, "admin", password, "198.51.100.200")).user is not None  # the same /24
    # The attacker's address is held back the longest: even the right password is refused from it.
    from_attacker = await sign_in(db, "admin", password, ATTACKER)
    assert from_attacker.user is None and from_attacker.message == "登录失败次数过多，账户已锁定，请 15 分钟后再试"
    # Failures from new networks start the name's wait again: it holds wherever the admin has not
    # signed in before, and not at their usual place.
    for n in range(lockout.MAX_FAILED_LOGINS):
        assert (await sign_in(db, "admin", f"again-{n}", f"100.64.{n}.1")).user is None
    elsewhere = await sign_in(db, "admin", password, ELSEWHERE)
    assert elsewhere.user is None and elsewhere.message == "登录失败次数过多，账户已锁定，请 1 分钟后再试"
    assert (await sign_in(db, "admin", password, OWNER)).user is not None


async def test_an_address_that_failed_waits_for_the_name_but_not_long(
    db: Database, city: DemoCity, clock: Clock
) -> None:
    """The admin at a network they never signed in from waits for the account's wait, but it is
    capped at NAME_WAIT_CAP however long the attacker goes on."""
    password = city.report.logins[0].password
    assert (await sign_in(db, "admin", "a-typo-of-mine", OWNER)).message == WRONG
    for n in range(30):  # the attacker from many networks, each within its own allowance, each wait over
        await sign_in(db, "admin", f"guess-{n}", f"10.{n}.0.1")
        clock.pass_(minutes=5, seconds=1)
    await sign_in(db, "admin", "guess-last", "10.99.0.1")
    held = await sign_in(db, "admin", password, OWNER)
    assert held.user is None and held.message == "登录失败次数过多，账户已锁定，请 5 分钟后再试"
    clock.pass_(minutes=5, seconds=1)
    assert (await sign_in(db, "admin", password, OWNER)).user is not None


async def _waits(
    db: Database, clock: Clock, username: str, counter: Callable[[AsyncSession], Awaitable[Any]]
) -> list[float]:
    """The waits twelve failures in a row under `username` start, each tried once its wait is over."""
    waits: list[float] = []
    for n in range(12):
        start = clock.now
        done = await sign_in(db, username, f"wrong-{n}", None)
        async with db.session(Principal.system()) as session:
            found = await counter(session)
        if found.locked_until is None:
            assert done.message == WRONG
            clock.pass_(seconds=1)
            continue
        refused = await sign_in(db, username, f"wrong-{n}-too-soon", None)  # during the wait: not counted
        minutes = lockout.minutes_left(found.locked_until, clock.now)
        assert done.message == f"用户名或密码错误；失败次数过多，请 {minutes} 分钟后再试"
        assert refused.message == f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试"
        waits.append((found.locked_until - start).total_seconds())
        clock.now = found.locked_until + timedelta(seconds=1)
    return waits


async def test_each_further_failure_doubles_the_wait_up_to_a_cap(db: Database, city: DemoCity, clock: Clock) -> None:
    async def account(session: AsyncSession) -> Any:
        return await session.scalar(select(User).where(col(User.username) == "scjg-210203"))

    async def unknown(session: AsyncSession) -> Any:
        return await session.get(SignInThrottle, "name:" + keyed_hash(db.secret_key, "name:nobody-here"))

    assert await _waits(db, clock, "scjg-210203", account) == [15, 30, 60, 120, 240, 300, 300, 300]
    # An unknown name is slowed by the very same steps.
    assert await _waits(db, clock, "nobody-here", unknown) == [15, 30, 60, 120, 240, 300, 300, 300]


async def test_an_address_guessing_many_names_waits_longer_and_longer(
    db: Database, city: DemoCity, clock: Clock
) -> None:
    password = city.report.logins[0].password
    names = [f"user-{n}" for n in range(lockout.CLIENT_ALLOWANCE)]
    answers = [await sign_in(db, name, "guess", ATTACKER) for name in names]
    assert [a.message for a in answers[:-1]] == [WRONG] * (lockout.CLIENT_ALLOWANCE - 1)
    assert answers[-1].message == "用户名或密码错误；失败次数过多，请 1 分钟后再试"
    for expected_minutes in (1, 1, 2, 4, 8, 15, 15):
        # During the wait every name is refused from there, the right password too, and not counted.
        assert (await sign_in(db, "admin", password, ATTACKER)).user is None
        async with db.session(Principal.system()) as session:
            rows = list((await session.scalars(select(SignInThrottle))).all())
        [address] = [row for row in rows if row.key.startswith("client:")]
        assert address.locked_until is not None
        clock.now = address.locked_until + timedelta(seconds=1)
        answer = await sign_in(db, "someone-else", "guess", ATTACKER)
        assert answer.message == f"用户名或密码错误；失败次数过多，请 {expected_minutes} 分钟后再试"
    event = await _last(db, "user.client_throttled")
    assert event.object_id == ATTACKER and event.object_type == "SignInThrottle"


async def test_no_name_tried_is_kept_in_the_clear(
    settings: Settings, db: Database, city: DemoCity, caplog: pytest.LogCaptureFixture
) -> None:
    """A failed sign-in's name may be a password typed in the wrong box: the throttle, the audit
    log and the server log keep no unknown name as typed."""
    typed = "MyS3cret-Passw0rd"
    caplog.set_level(logging.INFO)  # what a server logs (a driver's DEBUG shows every statement's values)
    async for client in _client(settings, db, ELSEWHERE):
        for _ in range(lockout.MAX_FAILED_LOGINS + 1):
            await page_sign_in(client, typed, "whatever")
    async with db.session(Principal.system()) as session:
        rows = list((await session.scalars(select(SignInThrottle))).all())
        events = list((await session.scalars(select(AuditEvent))).all())
    assert rows and all(typed.lower() not in repr(row.model_dump()) for row in rows)
    assert all(len(row.key) <= 80 and row.key.split(":")[0] in ("name", "client") for row in rows)
    mentions = [e for e in events if typed.lower() in f"{e.object_id} {e.before} {e.after}".lower()]
    assert mentions == []
    label = unknown_name_label(db.secret_key, typed.lower())
    assert {e.action for e in events if e.object_id == label} == {"user.sign_in_failed", "user.locked"}
    assert typed not in caplog.text and typed.lower() not in caplog.text


async def test_throttle_rows_are_pruned_an_hour_after_their_last_failure(
    db: Database, city: DemoCity, clock: Clock
) -> None:
    for n in range(30):
        await sign_in(db, f"spray-{n}", "guess", f"10.1.{n}.1")
    assert await _rows(db) == 60  # a name and an address each
    clock.pass_(minutes=61)
    await sign_in(db, "one-more", "guess", "10.2.0.1")
    assert await _rows(db) == 2
    # Only a counted failure stores a row: not a sign-in, nor an attempt refused for a wait.
    assert (await sign_in(db, "admin", city.report.logins[0].password, "10.3.0.1")).user is not None
    assert await _rows(db) == 2
    for n in range(lockout.CLIENT_ALLOWANCE):  # until the address waits
        await sign_in(db, f"sprayed-{n}", "guess", "10.4.0.1")
    assert await _rows(db) == 2 + lockout.CLIENT_ALLOWANCE + 1
    for n in range(10):
        assert (await sign_in(db, f"sprayed-while-waiting-{n}", "guess", "10.4.0.1")).message != WRONG
    assert await _rows(db) == 2 + lockout.CLIENT_ALLOWANCE + 1
    clock.pass_(minutes=61)
    # Forgotten, too: the count under a name starts again after an hour without failures.
    await _attempts(db, "admin", lockout.MAX_FAILED_LOGINS - 1, OWNER, clock)
    clock.pass_(minutes=61)
    assert (await sign_in(db, "admin", "wrong-again", OWNER)).message == WRONG


async def _rows(db: Database) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(SignInThrottle)) or 0)


async def _last(db: Database, action: str) -> AuditEvent:
    async with db.session(Principal.system()) as session:
        query = select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id).desc())
        found = (await session.scalars(query.limit(1))).first()
    assert found is not None, action
    return found


async def test_new_addresses_buy_no_guesses_while_the_name_waits(db: Database, city: DemoCity, clock: Clock) -> None:
    """Once a name waits, a guess from an address never used before is refused unchecked, as from
    the attacker's own: thirty fresh addresses, even with the right password, get nothing and
    count nothing, and the admin at their usual network still gets in."""
    password = city.report.logins[0].password
    assert (await sign_in(db, "admin", password, OWNER)).user is not None
    await _attempts(db, "admin", lockout.MAX_FAILED_LOGINS, ATTACKER)
    rotated = [await sign_in(db, "admin", password, f"10.{n}.{n}.{n}") for n in range(30)]
    assert {(answer.user, answer.message) for answer in rotated} == {
        (None, "登录失败次数过多，账户已锁定，请 1 分钟后再试")
    }
    async with db.session(Principal.system()) as session:
        admin = await session.scalar(select(User).where(col(User.username) == "admin"))
    assert admin is not None and admin.failed_logins == lockout.MAX_FAILED_LOGINS  # the refused were not counted
    assert (await sign_in(db, "admin", password, "198.51.100.8")).user is not None


@pytest.mark.parametrize(
    "addresses",
    [
        [f"203.0.113.{n}" for n in range(1, 60)],  # one IPv4 /24
        [f"2001:db8:0:7::{n:x}" for n in range(1, 60)],  # one IPv6 /64
    ],
)
async def test_addresses_of_one_network_are_counted_together(
    db: Database, city: DemoCity, addresses: list[str]
) -> None:
    """A machine with a whole IPv6 /64, or its IPv4 neighbours, does not get a fresh allowance per address."""
    answers = [await sign_in(db, f"sprayed-{n}", "guess", address) for n, address in enumerate(addresses)]
    assert [a.message for a in answers[: lockout.CLIENT_ALLOWANCE - 1]] == [WRONG] * (lockout.CLIENT_ALLOWANCE - 1)
    assert answers[lockout.CLIENT_ALLOWANCE - 1].message == "用户名或密码错误；失败次数过多，请 1 分钟后再试"
    assert {a.message for a in answers[lockout.CLIENT_ALLOWANCE :]} == {"登录失败次数过多，账户已锁定，请 1 分钟后再试"}
    elsewhere = await sign_in(db, "sprayed-elsewhere", "guess", "192.0.2.200")
    assert elsewhere.message == WRONG
