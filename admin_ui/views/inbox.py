"""告知收件箱: a department's notices on one page, and claim, forward, return and feedback beside each.

Every action is a CSRF-checked form POST that runs one service in one transaction
(admin_ui.base.run_as), then redirects back to the same filters with a message;
a refusal re-renders the page with the service's message and the typed input kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette_admin import flash, get_flashed_messages
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from models import Notice
from models.enums import FeedbackKind, NoticeStatus
from services.access import may_handle_notices
from services.clock import SHANGHAI
from services.db import Database
from services.departments import list_departments
from services.errors import DomainError, Forbidden
from services.inbox import InboxPage, inbox_page, title_of
from services.labels import NOTICE_REASONS, labels_of
from services.notices import FeedbackInput, NoticeFilter, claim_notice, forward_notice, give_feedback, return_notice

PAGE_SIZE = 20
STATUSES = labels_of(NoticeStatus)
FEEDBACK_KINDS = labels_of(FeedbackKind)
READ_ONLY = "目录维护人员可以查看各部门的告知，但认领、转交、退回和反馈须由收件部门的用户办理。"


@dataclass(frozen=True)
class InboxQuery:
    """The page's filters and position, as they travel in the URL and in each form's `back` field."""

    status: str = ""
    overdue: bool = False
    department: str = ""
    uscc: str = ""
    older: str = ""
    newer: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str], maintainer: bool) -> InboxQuery:
        status = params.get("status", "")
        return cls(
            status=status if status in NoticeStatus.__members__ else "",
            overdue=params.get("overdue") == "1",
            # A department sees only its own notices; the filter by department is for maintainers.
            department=params.get("department", "").strip() if maintainer else "",
            uscc=params.get("uscc", "").strip(),
            older=params.get("older", ""),
            newer=params.get("newer", ""),
        )

    def notice_filter(self) -> NoticeFilter:
        return NoticeFilter(
            status=NoticeStatus(self.status) if self.status else None,
            overdue=True if self.overdue else None,
            department_code=self.department or None,
            uscc=self.uscc or None,
        )

    def query_string(self, **changes: Any) -> str:
        values = {**self.__dict__, **changes}
        return urlencode({k: ("1" if v is True else v) for k, v in values.items() if v})


@dataclass(frozen=True)
class Failure:
    """A refused action: which form, what was typed, and the service's message."""

    notice_id: int
    action: str
    form: dict[str, str]
    message: str


@dataclass(frozen=True)
class Outcome:
    work: Callable[[AsyncSession], Awaitable[Notice]]
    done: str


def _feedback_kind(value: str) -> FeedbackKind:
    try:
        return FeedbackKind(value)
    except ValueError:
        raise DomainError("REQUIRED", "请选择反馈类型", "kind") from None


def _outcome(action: str, notice_id: int, form: dict[str, str]) -> Outcome:
    if action == "claim":
        return Outcome(lambda session: claim_notice(session, notice_id), "已认领")
    if action == "forward":
        target, reason = form.get("to_department_code", ""), form.get("reason", "")

        return Outcome(
            lambda session: forward_notice(session, notice_id, target, reason), "已转交，接收部门已收到新的告知"
        )
    if action == "return":
        return Outcome(lambda session: return_notice(session, notice_id, form.get("reason", "")), "已退回")
    if action == "feedback":
        note, number = form.get("note", ""), form.get("license_number", "")

        async def feedback(session: AsyncSession) -> Notice:
            data = FeedbackInput(_feedback_kind(form.get("kind", "")), number, note)
            return await give_feedback(session, notice_id, data)

        return Outcome(feedback, "已反馈")
    raise HTTPException(404)


def _beijing(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


class NoticeInboxView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="告知收件箱", icon="fa fa-inbox", path="/notice-inbox")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    def _url(self, request: Request, query: InboxQuery, **changes: Any) -> str:
        base = str(request.url_for("admin:notice-inbox"))
        qs = query.query_string(**changes)
        return f"{base}?{qs}" if qs else base

    async def _render(
        self, request: Request, query: InboxQuery, failure: Failure | None = None, status_code: int = 200
    ) -> Response:
        principal = principal_of_request(request)
        session: AsyncSession = request.state.session
        problems: list[str] = []
        try:
            page = await inbox_page(session, query.notice_filter(), PAGE_SIZE, query.older or None, query.newer or None)
        except DomainError as error:
            problems.append(error.problems[0].message)
            query = replace(query, older="", newer="")
            page = await inbox_page(session, query.notice_filter(), PAGE_SIZE)
        if failure is not None:
            problems.append(f"{await title_of(session, failure.notice_id)}：{failure.message}")
        departments = await list_departments(session)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="notice_inbox.html",
            status_code=status_code,
            context={
                "title": "告知收件箱",
                "flashed_messages": get_flashed_messages(request),
                "problems": problems,
                "failure": failure,
                "query": query,
                "page": page,
                "read_only": not may_handle_notices(principal),
                "read_only_reason": READ_ONLY,
                "own_department": next((d for d in departments if d.id == principal.department_id), None),
                "departments": departments,
                "targets": [d for d in departments if d.id != principal.department_id],
                "statuses": STATUSES,
                "feedback_kinds": FEEDBACK_KINDS,
                "reasons": NOTICE_REASONS,
                "beijing": _beijing,
                "back": query.query_string(),
                "links": self._links(request, query, page),
                "act_url": lambda notice_id, action: str(
                    request.url_for("admin:notice-inbox-act", notice_id=notice_id, action=action)
                ),
                "entity_url": lambda entity_id: str(
                    request.url_for("admin:detail", key="market-entity").include_query_params(pk=entity_id)
                ),
            },
        )

    def _links(self, request: Request, query: InboxQuery, page: InboxPage) -> dict[str, str | None]:
        return {
            "first": self._url(request, query, older="", newer="") if query.older or query.newer else None,
            "newer": self._url(request, query, older="", newer=page.newer) if page.newer else None,
            "older": self._url(request, query, older=page.older, newer="") if page.older else None,
        }

    @route("", methods=["GET"], name="notice-inbox")
    async def index(self, request: Request) -> Response:
        maintainer = principal_of_request(request).is_maintainer
        return await self._render(request, InboxQuery.of(request.query_params, maintainer))

    @route("/{notice_id:int}/{action:str}", methods=["POST"], name="notice-inbox-act")
    async def act(self, request: Request) -> Response:
        if not may_handle_notices(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        assert self.db is not None
        notice_id, action = int(request.path_params["notice_id"]), str(request.path_params["action"])
        form = {key: str(value).strip() for key, value in (await request.form()).items() if key != "csrftoken"}
        back = InboxQuery.of(dict(parse_qsl(form.get("back", ""))), maintainer=False)
        outcome = _outcome(action, notice_id, form)
        try:
            _, problems = await run_as(self.db, request, outcome.work)
        except Forbidden as refused:
            problems = refused.problems
        if problems:
            failure = Failure(notice_id, action, form, "；".join(p.message for p in problems))
            return await self._render(request, back, failure, status_code=400)
        flash(request, f"{await title_of(request.state.session, notice_id)}：{outcome.done}", "success")
        return RedirectResponse(self._url(request, back), status_code=303)
