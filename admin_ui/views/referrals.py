"""联动告知: a department's referrals on one page (received, sent, or both), acknowledge and handle
beside each received one, and a form to send one.

Every action is a CSRF-checked form POST (starlette-admin's CSRF middleware) that runs one service in
one transaction (admin_ui.base.run_as), then redirects back to the same filters with a message; a
refusal re-renders the page with the service's message and the typed input kept. Maintainers read
every department's referrals and act on none."""

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
from models import Referral
from models.enums import ReferralReason, ReferralStatus
from services.access import may_handle_notices
from services.clock import SHANGHAI
from services.db import Database
from services.departments import list_departments
from services.errors import DomainError, Forbidden
from services.labels import labels_of
from services.referral_inbox import ReferralPage, referral_page, title_of
from services.referrals import (
    MANUAL_REASONS,
    READ_ONLY,
    ReferralDirection,
    ReferralFilter,
    ReferralInput,
    acknowledge_referral,
    handle_referral,
    send_referral,
)

PAGE_SIZE = 20
STATUSES = labels_of(ReferralStatus)
REASONS = labels_of(ReferralReason)
DIRECTIONS = {"RECEIVED": "收到的", "SENT": "发出的", "ALL": "全部"}
MAINTAINER_NOTE = "目录维护人员可以查看各部门的联动告知，但发送、签收和办结须由部门的用户办理。"


@dataclass(frozen=True)
class ReferralQuery:
    """The page's filters and position, as they travel in the URL and in each form's `back` field."""

    direction: str = ""
    status: str = ""
    reason: str = ""
    department: str = ""
    uscc: str = ""
    older: str = ""
    newer: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str], maintainer: bool) -> ReferralQuery:
        direction, status, reason = params.get("direction", ""), params.get("status", ""), params.get("reason", "")
        return cls(
            # A desk opens on what it received; a maintainer on every department's.
            direction=direction if direction in DIRECTIONS else ("ALL" if maintainer else "RECEIVED"),
            status=status if status in ReferralStatus.__members__ else "",
            reason=reason if reason in ReferralReason.__members__ else "",
            department=params.get("department", "").strip() if maintainer else "",
            uscc=params.get("uscc", "").strip(),
            older=params.get("older", ""),
            newer=params.get("newer", ""),
        )

    def referral_filter(self) -> ReferralFilter:
        return ReferralFilter(
            direction=None if self.direction in ("", "ALL") else ReferralDirection(self.direction),
            status=ReferralStatus(self.status) if self.status else None,
            reason=ReferralReason(self.reason) if self.reason else None,
            uscc=self.uscc or None,
            department_code=self.department or None,
        )

    def query_string(self, **changes: Any) -> str:
        values = {**self.__dict__, **changes}
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Failure:
    """A refused action: which referral (None: sending a new one), which form, what was typed, and why."""

    referral_id: int | None
    action: str
    form: dict[str, str]
    message: str


@dataclass(frozen=True)
class Outcome:
    work: Callable[[AsyncSession], Awaitable[Referral]]
    done: str


def _reason(value: str) -> ReferralReason:
    try:
        return ReferralReason(value)
    except ValueError:
        raise DomainError("REQUIRED", "请选择告知事由", "reason") from None


def _outcome(action: str, referral_id: int | None, form: dict[str, str]) -> Outcome:
    if action == "send":

        async def send(session: AsyncSession) -> Referral:
            data = ReferralInput(form.get("uscc", ""), form.get("to_department_code", ""),
                                 _reason(form.get("reason", "")), form.get("message", ""))  # fmt: skip
            return await send_referral(session, data)

        return Outcome(send, "已发送联动告知")
    if referral_id is None:
        raise HTTPException(404)
    if action == "acknowledge":
        return Outcome(lambda session: acknowledge_referral(session, referral_id), "已签收")
    if action == "handle":
        outcome = form.get("outcome", "")
        return Outcome(lambda session: handle_referral(session, referral_id, outcome), "已办结")
    raise HTTPException(404)


def _beijing(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


class ReferralInboxView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="联动告知", icon="fa fa-share-square", path="/referral-inbox")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    def _url(self, request: Request, query: ReferralQuery, **changes: Any) -> str:
        base = str(request.url_for("admin:referral-inbox"))
        qs = query.query_string(**changes)
        return f"{base}?{qs}" if qs else base

    async def _render(
        self, request: Request, query: ReferralQuery, failure: Failure | None = None, status_code: int = 200
    ) -> Response:
        principal = principal_of_request(request)
        session: AsyncSession = request.state.session
        problems: list[str] = []
        try:
            page = await referral_page(
                session, query.referral_filter(), PAGE_SIZE, query.older or None, query.newer or None
            )
        except DomainError as error:
            problems.append(error.problems[0].message)
            query = replace(query, direction="ALL", older="", newer="")
            page = await referral_page(session, query.referral_filter(), PAGE_SIZE)
        if failure is not None and failure.referral_id is not None:
            problems.append(f"{await title_of(session, failure.referral_id)}：{failure.message}")
        elif failure is not None:
            problems.append(f"发送联动告知：{failure.message}")
        departments = await list_departments(session)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="referral_inbox.html",
            status_code=status_code,
            context={
                "title": "联动告知",
                "flashed_messages": get_flashed_messages(request),
                "problems": problems,
                "failure": failure,
                "query": query,
                "page": page,
                "read_only": not may_handle_notices(principal),
                "read_only_reason": MAINTAINER_NOTE,
                "own_department": next((d for d in departments if d.id == principal.department_id), None),
                "departments": departments,
                "targets": [d for d in departments if d.id != principal.department_id],
                "directions": DIRECTIONS,
                "statuses": STATUSES,
                "reasons": REASONS,
                "manual_reasons": {reason: REASONS[reason] for reason in MANUAL_REASONS},
                "beijing": _beijing,
                "back": query.query_string(),
                "links": self._links(request, query, page),
                "tab_url": lambda direction: self._url(request, query, direction=direction, older="", newer=""),
                "send_url": str(request.url_for("admin:referral-inbox-send")),
                "act_url": lambda referral_id, action: str(
                    request.url_for("admin:referral-inbox-act", referral_id=referral_id, action=action)
                ),
                "entity_url": lambda entity_id: str(
                    request.url_for("admin:detail", key="market-entity").include_query_params(pk=entity_id)
                ),
            },
        )

    def _links(self, request: Request, query: ReferralQuery, page: ReferralPage) -> dict[str, str | None]:
        return {
            "first": self._url(request, query, older="", newer="") if query.older or query.newer else None,
            "newer": self._url(request, query, older="", newer=page.newer) if page.newer else None,
            "older": self._url(request, query, older=page.older, newer="") if page.older else None,
        }

    @route("", methods=["GET"], name="referral-inbox")
    async def index(self, request: Request) -> Response:
        maintainer = principal_of_request(request).is_maintainer
        return await self._render(request, ReferralQuery.of(request.query_params, maintainer))

    async def _act(self, request: Request, referral_id: int | None, action: str) -> Response:
        if not may_handle_notices(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        assert self.db is not None
        form = {key: str(value).strip() for key, value in (await request.form()).items() if key != "csrftoken"}
        back = ReferralQuery.of(dict(parse_qsl(form.get("back", ""))), maintainer=False)
        outcome = _outcome(action, referral_id, form)
        try:
            done, problems = await run_as(self.db, request, outcome.work)
        except Forbidden as refused:
            done, problems = None, refused.problems
        if problems or done is None or done.id is None:
            failure = Failure(referral_id, action, form, "；".join(p.message for p in problems))
            return await self._render(request, back, failure, status_code=400)
        flash(request, f"{await title_of(request.state.session, done.id)}：{outcome.done}", "success")
        if action == "send":
            # Show the new referral where it now stands: among what this department sent.
            back = replace(back, direction="SENT", older="", newer="")
        return RedirectResponse(self._url(request, back), status_code=303)

    @route("/send", methods=["POST"], name="referral-inbox-send")
    async def send(self, request: Request) -> Response:
        return await self._act(request, None, "send")

    @route("/{referral_id:int}/{action:str}", methods=["POST"], name="referral-inbox-act")
    async def act(self, request: Request) -> Response:
        return await self._act(request, int(request.path_params["referral_id"]), str(request.path_params["action"]))
