"""Following the notices pushed to a department: who may follow what, catching up, and each notice once.

A department follows its own notices; a maintainer follows one department's
(`department_code`) or every department's. Each pushed notice is read back from
the database as the follower, through its session's row policy
(services.platform.access.restrict), so only what is committed and visible to it
reaches it; the followed department only saves reading back what it did not ask for.
With `after_id` the follower first catches up on its notices with a larger id
(any status, oldest first), so a client that reconnects, or that read its inbox
with `notices` just before, misses nothing. When pushes may have been missed
(PostgreSQL's LISTEN connection was lost and is back, or the follower fell far
behind), it catches up the same way from the last notice it sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from models import Department, Notice
from services.accounts import tokens
from services.notices import notice_events
from services.notices.notice_events import Pushed, Resync
from services.platform import checks
from services.platform.access import principal_of, require_authenticated
from services.platform.db import Database
from services.platform.errors import DomainError, Forbidden, Unauthenticated
from services.platform.principal import Principal

_CATCH_UP_PAGE = 100
_REMEMBERED = 1000  # ids recently sent, so a push seen both live and while catching up goes out once


async def followed_department(session: AsyncSession, department_code: str | None) -> int | None:
    """The department whose notices the caller follows; None means every department (maintainers)."""
    principal = principal_of(session)
    require_authenticated(principal)
    if department_code is None or not department_code.strip():
        return None if principal.is_maintainer else principal.department_id
    department = await session.scalar(select(Department).where(col(Department.code) == department_code.strip()))
    if department is None or department.id is None:
        raise DomainError("UNKNOWN_DEPARTMENT", f"部门{checks.quoted(department_code.strip())}不存在", "departmentCode")
    if not principal.is_maintainer and department.id != principal.department_id:
        raise Forbidden("只能订阅本部门的告知")
    return department.id


class _Follower:
    def __init__(self, db: Database, principal: Principal, department_id: int | None, mark: int) -> None:
        self.db = db
        self.principal = principal
        self.department_id = department_id
        self.mark = mark  # the highest id sent (or known when following began)
        self.sent: dict[int, None] = {}

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.db.session(self.principal) as session:
            # A connection lives for hours; a token revoked meanwhile ends what it follows.
            if not await tokens.still_valid(session, self.principal):
                raise Unauthenticated("令牌已被吊销，订阅已结束")
            yield session

    def wants(self, pushed: Pushed) -> bool:
        followed = self.department_id is None or pushed.department_id == self.department_id
        return followed and pushed.notice_id not in self.sent

    def sending(self, notice: Notice) -> Notice:
        assert notice.id is not None
        self.mark = max(self.mark, notice.id)
        self.sent[notice.id] = None
        if len(self.sent) > _REMEMBERED:
            del self.sent[next(iter(self.sent))]
        return notice

    async def reload(self, notice_id: int) -> Notice | None:
        async with self.session() as session:
            notice = await session.scalar(self._mine().where(col(Notice.id) == notice_id))
        return notice

    async def catch_up(self) -> AsyncIterator[Notice]:
        while True:
            async with self.session() as session:
                query = self._mine().where(col(Notice.id) > self.mark).order_by(col(Notice.id))
                page = list((await session.scalars(query.limit(_CATCH_UP_PAGE))).all())
            for notice in page:
                if notice.id not in self.sent:
                    yield self.sending(notice)
            if len(page) < _CATCH_UP_PAGE:
                return

    def _mine(self) -> SelectOfScalar[Notice]:
        query = select(Notice)
        if self.department_id is not None:
            query = query.where(col(Notice.department_id) == self.department_id)
        return query


async def _newest(db: Database, principal: Principal, department_id: int | None) -> int:
    async with db.session(principal) as session:
        query = select(func.max(col(Notice.id)))
        if department_id is not None:
            query = query.where(col(Notice.department_id) == department_id)
        return int(await session.scalar(query) or 0)


async def follow(
    db: Database, principal: Principal, department_code: str | None = None, after_id: int | None = None
) -> AsyncIterator[Notice]:
    """Each notice pushed to the followed department, as it is committed."""
    async with db.session(principal) as session:
        department_id = await followed_department(session, department_code)
    async with notice_events.hub_for(db.url).subscribe(db) as queue:
        # Listening first, reading second: a push committed in between is heard, not lost.
        mark = after_id if after_id is not None else await _newest(db, principal, department_id)
        follower = _Follower(db, principal, department_id, mark)
        catch_up = after_id is not None
        while True:
            if catch_up:
                async for notice in follower.catch_up():
                    yield notice
            event = await queue.get()
            catch_up = isinstance(event, Resync)
            if isinstance(event, Pushed) and follower.wants(event):
                fresh = await follower.reload(event.notice_id)
                if fresh is not None:
                    yield follower.sending(fresh)
