"""How failed sign-ins slow further ones: one rule for the sign-in page and for the old password
that a password change asks for.

Failures are counted under the name tried (an account's own row, or a throttle row for a name
that names no usable account: the same rule, so the answers never tell which) and under the
client address. Past an allowance, every further failure makes the next attempt wait, doubling
from FIRST_WAIT up to a cap; an attempt during a wait is refused without being counted. A count
is forgotten an hour after its last failure (FORGET_AFTER), and a successful sign-in clears the
name's.

Addresses are counted by network (IPv4 /24, IPv6 /64): one machine has a whole IPv6 /64 and
many IPv4 neighbours, so a fresh address from the same network is not a fresh count.

Why an attacker cannot keep the real admin out, nor buy guesses with new addresses: the name's
wait is short (NAME_WAIT_CAP), and it does not hold for a network the user has signed in from
before (a known network, KNOWN_FOR since the last sign-in there), so the admin at their usual
place is not delayed at all; every other network waits for it, so a new address gives the
attacker no extra guess. From a known network the network's own count still limits guessing."""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import case, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import User
from models.types import utcnow

# Failures in a row under one name before each further one makes the next attempt wait.
MAX_FAILED_LOGINS = 5
# Failures from one client address (under any names) before each further one does: higher, as an
# office behind one address shares it.
CLIENT_ALLOWANCE = 20
FIRST_WAIT = timedelta(seconds=15)
NAME_WAIT_CAP = timedelta(minutes=5)
CLIENT_WAIT_CAP = timedelta(minutes=15)
# A count whose last failure is older starts again (and a throttle row is pruned).
FORGET_AFTER = timedelta(hours=1)
# A network a user signed in from stays known this long after the last sign-in there.
KNOWN_FOR = timedelta(days=90)


class Counter(Protocol):
    """Failures counted under one name or address: a User or a SignInThrottle row."""

    failed_logins: int
    locked_until: datetime | None
    last_failed_at: datetime | None


def wait_after(failures: int, allowance: int, cap: timedelta) -> timedelta | None:
    """How long the next attempt waits after `failures` in a row; None within the allowance."""
    if failures < allowance:
        return None
    doublings = min(failures - allowance, 16)  # past the cap long before: no huge powers
    wait: timedelta = FIRST_WAIT * (1 << doublings)
    return min(cap, wait)


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def locked_message(until: datetime, now: datetime) -> str:
    """One answer for an attempt refused for a wait, unchecked: an account's, an unknown name's or an address's."""
    return f"登录失败次数过多，账户已锁定，请 {minutes_left(until, now)} 分钟后再试"


def wait_started_message(until: datetime, now: datetime) -> str:
    """One answer for a password checked and found wrong whose failure starts a wait: it was
    checked, so it does not say the account was locked."""
    return f"用户名或密码错误；失败次数过多，请 {minutes_left(until, now)} 分钟后再试"


def network_of(client: str) -> str:
    """The network an address is counted under: IPv4 /24, IPv6 /64; anything else as given."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def lock_holding(locked_until: datetime | None, now: datetime) -> str | None:
    """What a person is told while a wait still holds; None once it has ended or when there was none."""
    return locked_message(locked_until, now) if locked_until is not None and locked_until > now else None


def waiting(counter: Counter | None, now: datetime) -> datetime | None:
    """When the counter's wait ends, if it still holds."""
    if counter is None or counter.locked_until is None or counter.locked_until <= now:
        return None
    return counter.locked_until


def is_fresh(counter: Counter | None, now: datetime) -> bool:
    """No failure counted in the last FORGET_AFTER."""
    return counter is None or counter.last_failed_at is None or counter.last_failed_at <= now - FORGET_AFTER


def count(counter: Counter, now: datetime, allowance: int, cap: timedelta) -> datetime | None:
    """Count one failure (for a row the caller holds under the audit chain's lock); returns when
    the wait it starts ends, if it starts one."""
    counter.failed_logins = 1 if is_fresh(counter, now) else counter.failed_logins + 1
    counter.last_failed_at = now
    wait = wait_after(counter.failed_logins, allowance, cap)
    counter.locked_until = None if wait is None else now + wait
    return counter.locked_until


async def count_failure(session: AsyncSession, user: User, now: datetime) -> datetime | None:
    """Count one wrong password against the account; returns when the wait ends if this one
    started one. Counted in the database, so parallel guesses cannot overwrite each other's count."""
    forgotten = or_(col(User.last_failed_at).is_(None), col(User.last_failed_at) <= now - FORGET_AFTER)
    failures = await session.scalar(
        update(User)
        .where(col(User.id) == user.id)
        .values(failed_logins=case((forgotten, 1), else_=col(User.failed_logins) + 1), last_failed_at=now)
        .returning(col(User.failed_logins))
    )
    wait = wait_after(failures or 0, MAX_FAILED_LOGINS, NAME_WAIT_CAP)
    user.failed_logins, user.last_failed_at = failures or 0, now
    user.locked_until = None if wait is None else now + wait
    return user.locked_until
