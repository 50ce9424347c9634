"""API tokens: issue (shown once), authenticate by hash, revoke."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import ApiToken, Department
from models.enums import Role
from models.types import utcnow
from services.platform import audit, checks, clock
from services.platform.access import principal_of, require_maintainer
from services.platform.bounded import Bounded
from services.platform.db import Database
from services.platform.errors import Collector, DomainError
from services.platform.principal import Principal

PREFIX = "jg_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(session: AsyncSession, department_code: str, role: Role, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the plain text is returned once and never stored."""
    require_maintainer(principal_of(session))
    problems = Collector()
    name = checks.text(name, "令牌名称", "name", problems, limit=128, missing_code="NAME_REQUIRED")
    problems.raise_if_any()
    department = await session.scalar(select(Department).where(col(Department.code) == department_code))
    if department is None:
        raise DomainError("UNKNOWN_DEPARTMENT", f"部门“{department_code}”不存在", "departmentCode")
    plain = PREFIX + secrets.token_urlsafe(32)
    assert department.id is not None
    token = ApiToken(name=name, token_hash=_hash(plain), department_id=department.id, role=role)
    session.add(token)
    await session.flush()
    await audit.record(
        session,
        "token.created",
        "ApiToken",
        str(token.id),
        None,
        {"name": name, "department": department_code, "role": role.value},
    )
    return token, plain


async def authenticate(session: AsyncSession, plain: str) -> Principal | None:
    """The principal a token stands for, or None when it is unknown or revoked."""
    if not plain.startswith(PREFIX):
        return None
    row = (
        await session.execute(
            select(ApiToken, Department)
            .join(Department, col(Department.id) == ApiToken.department_id)
            .where(col(ApiToken.token_hash) == _hash(plain), col(ApiToken.revoked_at).is_(None))
        )
    ).first()
    if row is None:
        return None
    token, department = row
    return Principal.acting_for(token.role, token.name, department, token.id)


class RecentTokens:
    """Tokens this process found valid in the last second, by database and hash (least recently used
    dropped first): an API call then skips the token-and-department lookup. The app is stateless, so
    another process (or machine) revoking a token cannot tell this one: an entry is trusted for one
    second at most, and a revoked token is refused within a second everywhere (at once in the process
    that revoked it). A token not found is never kept."""

    def __init__(self, size: int = 1024, seconds: float = 1.0) -> None:
        self.seconds = seconds
        self._entries: Bounded[tuple[str, str], tuple[float, Principal]] = Bounded(size)

    def get(self, key: tuple[str, str]) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if clock.seconds() >= entry[0]:
            self._entries.pop(key)
            return None
        return entry[1]

    def put(self, key: tuple[str, str], principal: Principal) -> None:
        self._entries.put(key, (clock.seconds() + self.seconds, principal))

    def forget(self, token_ids: Collection[int]) -> None:
        for key, (_, principal) in self._entries.items():
            if principal.token_id in token_ids:
                self._entries.pop(key)


recent = RecentTokens()


async def authenticate_recent(db: Database, plain: str) -> Principal | None:
    """authenticate, remembered for a second by this process (RecentTokens)."""
    key = (db.name, _hash(plain))
    found = recent.get(key)
    if found is None:
        async with db.session(Principal.anonymous()) as session:
            found = await authenticate(session, plain)
        if found is not None:
            recent.put(key, found)
    return found


async def revoke_tokens(session: AsyncSession, token_ids: list[int]) -> int:
    """Revoke these tokens, all or none; returns how many were still active."""
    require_maintainer(principal_of(session))
    tokens = (await session.scalars(select(ApiToken).where(col(ApiToken.id).in_(token_ids)))).all()
    missing = sorted(set(token_ids) - {t.id for t in tokens if t.id is not None})
    if missing:
        raise DomainError("UNKNOWN_TOKEN", f"令牌 {', '.join(map(str, missing))} 不存在", "id")
    revoked = 0
    for token in tokens:
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            revoked += 1
            await audit.record(
                session, "token.revoked", "ApiToken", str(token.id), {"revoked": False}, {"revoked": True}
            )
    recent.forget(token_ids)
    return revoked


async def still_valid(session: AsyncSession, principal: Principal) -> bool:
    """Whether the token a long-lived connection authenticated with is still unrevoked."""
    if principal.token_id is None:
        return True
    row = (await session.execute(select(ApiToken.revoked_at).where(col(ApiToken.id) == principal.token_id))).first()
    return row is not None and row[0] is None


async def active_token_named(session: AsyncSession, department_code: str, role: Role, name: str) -> ApiToken | None:
    """An unrevoked token of this department, role and name (the first run's token, to issue it once)."""
    query = (
        select(ApiToken)
        .join(Department, col(Department.id) == ApiToken.department_id)
        .where(
            col(Department.code) == department_code,
            col(ApiToken.role) == role,
            col(ApiToken.name) == name,
            col(ApiToken.revoked_at).is_(None),
        )
        .order_by(col(ApiToken.id))
    )
    return (await session.scalars(query)).first()
