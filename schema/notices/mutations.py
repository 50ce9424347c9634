"""双告知's mutations, each declared once."""

from __future__ import annotations

import strawberry

from schema.notices.inputs import NoticeFeedbackInput
from schema.notices.types import ClaimNoticePayload
from schema.platform.mutation import Arg, service_mutation
from services.notices import notices
from services.platform.access import Operation
from services.platform.ids import existing_id

_STATE = ("INVALID_NOTICE_STATE", "NOTICE_NOT_FOUND")
_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")  # a reason, a feedback note or license number


def notice_id(raw: strawberry.ID) -> int:
    return existing_id(raw, "NOTICE_NOT_FOUND", "告知{id}不存在", "id")


_ID = Arg(strawberry.ID, to="notice_id", parse=notice_id, description="告知标识 / The notice's id.")

claim_notice = service_mutation(
    service=notices.claim_notice,
    arguments={"id": _ID},
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.CLAIM_NOTICE,
    codes=_STATE,
    description="认领告知；同时认领时只有一个成功 / Claim a notice; of two claims at once exactly one wins.",
)

# The payload's notice is the new one, pushed to the receiving department.
forward_notice = service_mutation(
    service=notices.forward_notice,
    arguments={
        "id": _ID,
        "to_department_code": Arg(str, description="接收部门代码 / The department to forward it to."),
        "reason": Arg(str, description="转交理由 / Why it is forwarded."),
    },
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.FORWARD_NOTICE,
    codes=(*_STATE, *_TEXT, "ALREADY_NOTIFIED", "SAME_DEPARTMENT", "UNKNOWN_DEPARTMENT"),
    description="转交：原告知为 FORWARDED，向接收部门推送新告知 / Forward; returns the new notice.",
)

return_notice = service_mutation(
    service=notices.return_notice,
    arguments={"id": _ID, "reason": Arg(str, description="退回理由 / Why it is not this department's matter.")},
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.RETURN_NOTICE,
    codes=(*_STATE, *_TEXT),
    description="退回（非本部门事项）/ Return as not this department's matter.",
)

give_notice_feedback = service_mutation(
    service=notices.give_feedback,
    arguments={"id": _ID, "input": Arg(NoticeFeedbackInput)},
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.GIVE_NOTICE_FEEDBACK,
    codes=(*_STATE, *_TEXT),
    description="双反馈 / Feedback after claiming.",
)

claim_from_pool = service_mutation(
    service=notices.claim_from_pool,
    arguments={
        "uscc": Arg(str, to="code", description="待认领池中主体的统一社会信用代码 / The entity in the open pool."),
        "matter_code": Arg(str, description="认领所依据的监管事项代码 / The catalog matter it is claimed for."),
    },
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.CLAIM_FROM_POOL,
    codes=("NOT_IN_POOL", "UNKNOWN_MATTER"),
    description="从待认领池认领 / Claim an entity from the open pool for a catalog matter.",
)
