"""A desk (the admin inboxes: 告知收件箱, 联动告知): the cases a caller may see, newest first, a page at
a time in both directions with their total, each case beside what the page shows of it; and how a
message names one case. A domain declares its desk once (services.notices.inbox,
services.credit.referral_inbox); the admin pages call it (admin_ui.views.case_inbox)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from services.platform.paging import Key, both_ways, count_rows

C = TypeVar("C")  # a case: a notice, a referral
F = TypeVar("F")  # the desk's filter
R = TypeVar("R")  # a row of the page: a case and what is shown beside it


@dataclass(frozen=True)
class CasePage(Generic[R]):
    rows: list[R]
    total: int  # every case the filter selects, not only this page's
    older: str | None  # cursor of the next page (older cases), if there is one
    newer: str | None  # cursor of the previous page (newer cases), if there is one


@dataclass(frozen=True)
class Desk(Generic[C, F, R]):
    """One kind of case. `cases` is the only rule for which cases the caller sees: the page, its
    total and a message's title all start from it."""

    cases: Callable[[AsyncSession, F], Select[C]]  # the cases the caller may see, narrowed by the filter
    unfiltered: F  # the filter that narrows nothing
    key: Key  # the cases' id column: pages run from the largest down
    kind: str  # the kind of the desk's cursors
    noun: str  # names a case the caller may not see, or whose subject it may not see: "告知 12"
    rows: Callable[[AsyncSession, list[C]], Awaitable[list[R]]]  # a page's rows, fetched a kind at a time
    # A case's subject (its entity's name; None where the caller may not see it) and what it is about.
    describe: Callable[[AsyncSession, C], Awaitable[tuple[str | None, str]]]

    async def page(
        self, session: AsyncSession, flt: F, size: int, older: str | None = None, newer: str | None = None
    ) -> CasePage[R]:
        """`size` cases to a page, from the one older than the cursor `older` or newer than `newer`."""
        cases = self.cases(session, flt)
        page = await both_ways(session, cases, self.key, self.kind, size, older, newer)
        rows = await self.rows(session, page.items)
        return CasePage(rows, await count_rows(session, cases, self.key), page.older, page.newer)

    async def title(self, session: AsyncSession, case_id: int) -> str:
        """How a message names one case: its subject and what it is about, as far as the caller
        may see them."""
        case = await session.scalar(self.cases(session, self.unfiltered).where(self.key == case_id))
        subject, about = (None, "") if case is None else await self.describe(session, case)
        return "·".join(part for part in (subject or f"{self.noun} {case_id}", about) if part)
