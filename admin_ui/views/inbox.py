"""告知收件箱: a department's notices on one page, and claim, forward, return and feedback beside each;
the notices ticked claimed at once.

The page, its paging and how each action posts, redirects or is refused: admin_ui.views.case_inbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route

from admin_ui.record_ids import record_id
from admin_ui.views.case_inbox import CaseInboxView, DeskQuery, Outcome, chosen
from models import Notice
from models.enums import FeedbackKind, NoticeStatus
from services.notices.inbox import NOTICE_DESK
from services.notices.notices import (
    FeedbackInput,
    NoticeFilter,
    claim_notice,
    forward_notice,
    give_feedback,
    return_notice,
)
from services.platform.labels import NOTICE_REASONS, labels_of

STATUSES = labels_of(NoticeStatus)
FEEDBACK_KINDS = labels_of(FeedbackKind)
READ_ONLY = "目录维护人员可以查看各部门的告知，但认领、转交、退回和反馈须由收件部门的用户办理。"


@dataclass(frozen=True)
class InboxQuery(DeskQuery[NoticeFilter]):
    status: str = ""
    overdue: bool = False

    @classmethod
    def of(cls, params: Mapping[str, str], maintainer: bool) -> InboxQuery:
        status = params.get("status", "")
        return cls(
            status=status if status in NoticeStatus.__members__ else "",
            overdue=params.get("overdue") == "1",
            **cls.shared(params, maintainer),
        )

    def filter(self) -> NoticeFilter:
        return NoticeFilter(
            status=NoticeStatus(self.status) if self.status else None,
            overdue=True if self.overdue else None,
            department_code=self.department or None,
            uscc=self.uscc or None,
        )


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
            data = FeedbackInput(chosen(FeedbackKind, form.get("kind", ""), "请选择反馈类型", "kind"), number, note)
            return await give_feedback(session, notice_id, data)

        return Outcome(feedback, "已反馈")
    raise HTTPException(404)


class NoticeInboxView(CaseInboxView[InboxQuery, NoticeFilter]):
    desk = NOTICE_DESK
    query_type = InboxQuery
    url_name = "notice-inbox"
    case_param = "notice_id"
    template = "notice_inbox.html"
    read_only_reason = READ_ONLY
    refused = READ_ONLY

    def __init__(self) -> None:
        super().__init__(menu_label="告知收件箱", icon="fa fa-inbox", path="/notice-inbox")

    def _outcome(self, action: str, case_id: int | None, form: dict[str, str]) -> Outcome:
        assert case_id is not None  # the only action route carries a notice id
        return _outcome(action, case_id, form)

    def _context(self, request: Request, query: InboxQuery) -> dict[str, Any]:
        return {
            "statuses": STATUSES,
            "feedback_kinds": FEEDBACK_KINDS,
            "reasons": NOTICE_REASONS,
            "claim_selected_url": str(request.url_for("admin:notice-inbox-claim-selected")),
        }

    @route("", methods=["GET"], name="notice-inbox")
    async def index(self, request: Request) -> Response:
        return await self._index(request)

    @route("/claim-selected", methods=["POST"], name="notice-inbox-claim-selected")
    async def claim_selected(self, request: Request) -> Response:
        return await self._each(request, "claim", "认领")

    @route("/{notice_id:int}/{action:str}", methods=["POST"], name="notice-inbox-act")
    async def act(self, request: Request) -> Response:
        return await self._act(request, record_id(request.path_params["notice_id"]), str(request.path_params["action"]))
