"""联动告知: a department's referrals on one page (received, sent, or both), acknowledge and handle
beside each received one, and a form to send one.

The page, its paging and how each action posts, redirects or is refused: admin_ui.views.case_inbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route

from admin_ui.record_ids import record_id
from admin_ui.views.case_inbox import CaseInboxView, DeskQuery, Outcome, chosen
from models import Referral
from models.enums import ReferralReason, ReferralStatus
from services.credit.referral_inbox import REFERRAL_DESK
from services.credit.referrals import (
    MANUAL_REASONS,
    ReferralDirection,
    ReferralFilter,
    ReferralInput,
    acknowledge_referral,
    handle_referral,
    send_referral,
)
from services.platform.access import Permission, refusal
from services.platform.labels import labels_of

STATUSES = labels_of(ReferralStatus)
REASONS = labels_of(ReferralReason)
DIRECTIONS = {"RECEIVED": "收到的", "SENT": "发出的", "ALL": "全部"}
MAINTAINER_NOTE = "目录维护人员可以查看各部门的联动告知，但发送、签收和办结须由部门的用户办理。"


@dataclass(frozen=True)
class ReferralQuery(DeskQuery[ReferralFilter]):
    direction: str = ""
    status: str = ""
    reason: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str], maintainer: bool) -> ReferralQuery:
        direction, status, reason = params.get("direction", ""), params.get("status", ""), params.get("reason", "")
        return cls(
            # A desk opens on what it received; a maintainer on every department's.
            direction=direction if direction in DIRECTIONS else ("ALL" if maintainer else "RECEIVED"),
            status=status if status in ReferralStatus.__members__ else "",
            reason=reason if reason in ReferralReason.__members__ else "",
            **cls.shared(params, maintainer),
        )

    def filter(self) -> ReferralFilter:
        return ReferralFilter(
            direction=None if self.direction in ("", "ALL") else ReferralDirection(self.direction),
            status=ReferralStatus(self.status) if self.status else None,
            reason=ReferralReason(self.reason) if self.reason else None,
            uscc=self.uscc or None,
            department_code=self.department or None,
        )


def _outcome(action: str, referral_id: int | None, form: dict[str, str]) -> Outcome:
    if action == "send":

        async def send(session: AsyncSession) -> Referral:
            reason = chosen(ReferralReason, form.get("reason", ""), "请选择告知事由", "reason")
            data = ReferralInput(
                form.get("uscc", ""), form.get("to_department_code", ""), reason, form.get("message", "")
            )
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


class ReferralInboxView(CaseInboxView[ReferralQuery, ReferralFilter]):
    desk = REFERRAL_DESK
    query_type = ReferralQuery
    url_name = "referral-inbox"
    case_param = "referral_id"
    template = "referral_inbox.html"
    read_only_reason = MAINTAINER_NOTE
    refused = refusal(Permission.HANDLER)
    new_case_title = "发送联动告知"

    def __init__(self) -> None:
        super().__init__(menu_label="联动告知", icon="fa fa-share-square", path="/referral-inbox")

    def _restart(self, query: ReferralQuery) -> ReferralQuery:
        return replace(query, direction="ALL", older="", newer="")

    def _outcome(self, action: str, case_id: int | None, form: dict[str, str]) -> Outcome:
        return _outcome(action, case_id, form)

    def _after(self, back: ReferralQuery, action: str) -> ReferralQuery:
        # Show the new referral where it now stands: among what this department sent.
        return replace(back, direction="SENT", older="", newer="") if action == "send" else back

    def _context(self, request: Request, query: ReferralQuery) -> dict[str, Any]:
        return {
            "directions": DIRECTIONS,
            "statuses": STATUSES,
            "reasons": REASONS,
            "manual_reasons": {reason: REASONS[reason] for reason in MANUAL_REASONS},
            "tab_url": lambda direction: self._url(request, query, direction=direction, older="", newer=""),
            "send_url": str(request.url_for("admin:referral-inbox-send")),
        }

    @route("", methods=["GET"], name="referral-inbox")
    async def index(self, request: Request) -> Response:
        return await self._index(request)

    @route("/send", methods=["POST"], name="referral-inbox-send")
    async def send(self, request: Request) -> Response:
        return await self._act(request, None, "send")

    @route("/{referral_id:int}/{action:str}", methods=["POST"], name="referral-inbox-act")
    async def act(self, request: Request) -> Response:
        return await self._act(
            request, record_id(request.path_params["referral_id"]), str(request.path_params["action"])
        )
