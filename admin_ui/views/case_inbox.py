"""What the desk inboxes (告知收件箱, 联动告知) share: a page of cases behind filters that travel in the
URL, keyset paging both ways, and actions as CSRF-checked form POSTs.

Each action runs one service in one transaction (admin_ui.base.run_as), then redirects back to the
same filters with a message; a refusal re-renders the page with the service's message and the typed
input kept. Maintainers read every department's cases and act on none. A page supplies its query,
its desk (services.platform.desk), its actions and its own template context;
templates/_case_inbox.html holds the shared markup."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any, Generic, Protocol, Self, TypeVar
from urllib.parse import parse_qsl, urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette_admin import flash, get_flashed_messages
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from admin_ui.formats import beijing
from services.platform.access import may_handle
from services.platform.db import Database
from services.platform.desk import CasePage, Desk
from services.platform.errors import DomainError, Forbidden
from services.platform.ids import row_id
from services.registry.departments import list_departments

PAGE_SIZE = 20
MOST_AT_ONCE = 100  # a bulk action's cases: five pages' worth
F = TypeVar("F")  # a desk's filter in services
E = TypeVar("E", bound=Enum)


class Case(Protocol):
    @property
    def id(self) -> int | None: ...


@dataclass(frozen=True)
class DeskQuery(ABC, Generic[F]):
    """A page's filters and position, as they travel in the URL and in each form's `back` field: those
    every desk has here, a desk's own in a subclass."""

    department: str = ""  # for maintainers: a department sees only its own cases
    uscc: str = ""
    older: str = ""
    newer: str = ""

    @classmethod
    @abstractmethod
    def of(cls, params: Mapping[str, str], maintainer: bool) -> Self: ...

    @staticmethod
    def shared(params: Mapping[str, str], maintainer: bool) -> dict[str, str]:
        """The filters and position every desk reads from the URL, for `of`."""
        return {
            "department": params.get("department", "").strip() if maintainer else "",
            "uscc": params.get("uscc", "").strip(),
            "older": params.get("older", ""),
            "newer": params.get("newer", ""),
        }

    @abstractmethod
    def filter(self) -> F:
        """The service's filter."""

    def query_string(self, **changes: Any) -> str:
        """The fields as a query string (a true flag as 1, empty ones left out), a desk's own first."""
        values = {**self.__dict__, **changes}
        shared = [f.name for f in fields(DeskQuery)]
        names = [f.name for f in fields(self) if f.name not in shared] + shared
        return urlencode({name: ("1" if values[name] is True else values[name]) for name in names if values[name]})


Q = TypeVar("Q", bound=DeskQuery[Any])


def chosen(enum: type[E], value: str, message: str, field: str) -> E:
    """A select's value as the enum; REQUIRED with `message` beside `field` for anything else."""
    try:
        return enum(value)
    except ValueError:
        raise DomainError("REQUIRED", message, field) from None


@dataclass(frozen=True)
class Failure:
    """A refused action: which case (None: a form that creates one), which form, what was typed, and why."""

    case_id: int | None
    action: str
    form: dict[str, str]
    message: str


@dataclass(frozen=True)
class Bulk:
    """What a bulk action did: the cases done and those refused, each named as a message names it."""

    done: list[str]
    refused: list[tuple[str, str]]  # (the case, why)


@dataclass(frozen=True)
class Outcome:
    work: Callable[[AsyncSession], Awaitable[Case]]
    done: str


class CaseInboxView(CustomView, Generic[Q, F]):
    desk: Desk[Any, F, Any]
    query_type: type[Q]  # its filters and position
    url_name: str  # the page's route; its actions post to "<url_name>-act"
    case_param: str  # the path parameter naming the case in the action route
    template: str
    read_only_reason: str  # shown to maintainers on the page
    refused: str  # the 403 for a maintainer who posts anyway
    new_case_title: str = ""  # how a refusal names a case not made yet

    def __init__(self, menu_label: str, icon: str, path: str) -> None:
        super().__init__(menu_label=menu_label, icon=icon, path=path)
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    def _restart(self, query: Q) -> Q:
        """Where the page starts over when its cursor is refused."""
        return replace(query, older="", newer="")

    @abstractmethod
    def _outcome(self, action: str, case_id: int | None, form: dict[str, str]) -> Outcome: ...

    @abstractmethod
    def _context(self, request: Request, query: Q) -> dict[str, Any]:
        """What only this page's template uses."""

    def _after(self, back: Q, action: str) -> Q:
        """Where a successful action leads."""
        return back

    def _url(self, request: Request, query: Q, **changes: Any) -> str:
        base = str(request.url_for(f"admin:{self.url_name}"))
        qs = query.query_string(**changes)
        return f"{base}?{qs}" if qs else base

    def _links(self, request: Request, query: Q, page: CasePage[Any]) -> dict[str, str | None]:
        return {
            "first": self._url(request, query, older="", newer="") if query.older or query.newer else None,
            "newer": self._url(request, query, older="", newer=page.newer) if page.newer else None,
            "older": self._url(request, query, older=page.older, newer="") if page.older else None,
        }

    async def _render(
        self, request: Request, query: Q, failure: Failure | None = None, status_code: int = 200
    ) -> Response:
        principal = principal_of_request(request)
        session: AsyncSession = request.state.session
        problems: list[str] = []
        try:
            page = await self.desk.page(session, query.filter(), PAGE_SIZE, query.older or None, query.newer or None)
        except DomainError as error:
            problems.append(error.problems[0].message)
            query = self._restart(query)
            page = await self.desk.page(session, query.filter(), PAGE_SIZE)
        if failure is not None:
            named = self.new_case_title if failure.case_id is None else await self.desk.title(session, failure.case_id)
            problems.append(f"{named}：{failure.message}")
        departments = await list_departments(session)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name=self.template,
            status_code=status_code,
            context={
                "title": self.title(request),
                "flashed_messages": get_flashed_messages(request),
                "problems": problems,
                "failure": failure,
                "query": query,
                "page": page,
                "read_only": not may_handle(principal),
                "read_only_reason": self.read_only_reason,
                "own_department": next((d for d in departments if d.id == principal.department_id), None),
                "departments": departments,
                "targets": [d for d in departments if d.id != principal.department_id],
                "beijing": beijing,
                "back": query.query_string(),
                "links": self._links(request, query, page),
                "act_url": lambda case_id, action: str(
                    request.url_for(f"admin:{self.url_name}-act", **{self.case_param: case_id, "action": action})
                ),
                "entity_url": lambda entity_id: str(
                    request.url_for("admin:detail", key="market-entity").include_query_params(pk=entity_id)
                ),
                **self._context(request, query),
            },
        )

    async def _index(self, request: Request) -> Response:
        maintainer = principal_of_request(request).is_maintainer
        return await self._render(request, self.query_type.of(request.query_params, maintainer))

    async def _act(self, request: Request, case_id: int | None, action: str) -> Response:
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, self.refused)
        assert self.db is not None
        form = {key: str(value).strip() for key, value in (await request.form()).items() if key != "csrftoken"}
        back = self.query_type.of(dict(parse_qsl(form.get("back", ""))), maintainer=False)
        outcome = self._outcome(action, case_id, form)
        try:
            done, problems = await run_as(self.db, request, outcome.work)
        except Forbidden as refused:
            done, problems = None, refused.problems
        if problems or done is None or done.id is None:
            failure = Failure(case_id, action, form, "；".join(p.message for p in problems))
            return await self._render(request, back, failure, status_code=400)
        # The case acted on, not what the action returned: a forwarded notice returns the new one.
        named = await self.desk.title(request.state.session, done.id if case_id is None else case_id)
        flash(request, f"{named}：{outcome.done}", "success")
        return RedirectResponse(self._url(request, self._after(back, action)), status_code=303)

    async def _each(self, request: Request, action: str, verb: str) -> Response:
        """One action on each case ticked: each through the same service, in its own transaction, with
        its own checks and audit event as when clicked alone, so one refused leaves the rest done."""
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, self.refused)
        assert self.db is not None
        posted = await request.form()
        back = self.query_type.of(dict(parse_qsl(str(posted.get("back", "")))), maintainer=False)
        picked = list(dict.fromkeys(str(value).strip() for value in posted.getlist("case")))
        if not picked:
            flash(request, f"请先勾选要{verb}的{self.desk.noun}", "error")
            return RedirectResponse(self._url(request, back), status_code=303)
        if len(picked) > MOST_AT_ONCE:
            flash(request, f"一次最多{verb} {MOST_AT_ONCE} 件，已勾选 {len(picked)} 件", "error")
            return RedirectResponse(self._url(request, back), status_code=303)
        bulk = Bulk([], [])
        session: AsyncSession = request.state.session
        for value in picked:
            case_id = row_id(value)
            if case_id is None:
                bulk.refused.append((f"“{value}”", f"不是有效的{self.desk.noun}编号"))
                continue
            outcome = self._outcome(action, case_id, {})
            try:
                done, problems = await run_as(self.db, request, outcome.work)
            except Forbidden as refused:
                done, problems = None, refused.problems
            named = await self.desk.title(session, case_id)
            if problems or done is None:
                bulk.refused.append((named, "；".join(p.message for p in problems)))
            else:
                bulk.done.append(named)
        if bulk.done:
            flash(request, f"已{verb} {len(bulk.done)} 件：{'、'.join(bulk.done)}", "success")
        if bulk.refused:
            reasons = "；".join(f"{named}：{why}" for named, why in bulk.refused)
            flash(request, f"{len(bulk.refused)} 件未能{verb}（{reasons}）", "error")
        return RedirectResponse(self._url(request, back), status_code=303)
