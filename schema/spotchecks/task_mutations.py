"""The mutations of inspection results, each declared once."""

from __future__ import annotations

import strawberry

from schema.platform.mutation import Arg, service_mutation
from schema.spotchecks.task_inputs import RecordInspectionResultInput
from schema.spotchecks.tasks import InspectionTaskPayload
from services.platform.access import Operation
from services.platform.ids import existing_id
from services.spotchecks import publication, results


def task_id(raw: strawberry.ID) -> int:
    return existing_id(raw, "TASK_NOT_FOUND", "检查任务{id}不存在", "taskId")


_TASK = Arg(strawberry.ID, to="task_id", parse=task_id, description="检查任务标识 / The task's id.")
_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")
# A finding referred to another department (services.credit.referrals.send_referral).
_REFERRAL = ("OUTSIDE_RECIPIENT_JURISDICTION", "SAME_DEPARTMENT", "UNKNOWN_DEPARTMENT", "UNKNOWN_ENTITY")

record_inspection_result = service_mutation(
    service=results.record_inspection_result,
    arguments={"taskId": _TASK},
    input=RecordInspectionResultInput,
    payload=InspectionTaskPayload,
    returns="task",
    permission=Operation.RECORD_INSPECTION_RESULT,
    codes=(
        *_TEXT,
        *_REFERRAL,
        "ALREADY_RECORDED",
        "CONTRADICTORY_CATEGORIES",
        "DUPLICATE_FORM_ITEM",
        "INVALID_ATTACHMENT_NAME",
        "INVALID_RANGE",
        "MISSING_FORM_ITEMS",
        "RECTIFICATION_DUE_NOT_ALLOWED",
        "RECTIFICATION_DUE_REQUIRED",
        "TASK_NOT_FOUND",
        "TASK_REPLACED",
        "TOO_MANY_ATTACHMENTS",
        "UNKNOWN_CATEGORY",
        "UNKNOWN_FORM_ITEM",
    ),
    description=(
        "录入检查结果（任务所属部门；逐项结论、结果类别、整改期限、联动告知；结果类别可引起提请列入"
        "经营异常名录和后续检查）/ "
        "Record a task's result (its own department): item by item, its categories and their consequences."
    ),
)

publish_inspection_result = service_mutation(
    service=publication.publish_inspection_result,
    arguments={"taskId": _TASK},
    payload=InspectionTaskPayload,
    returns="task",
    permission=Operation.PUBLISH_INSPECTION_RESULT,
    codes=("ALREADY_PUBLISHED", "NOT_RECORDED", "TASK_NOT_FOUND", "TASK_REPLACED"),
    description=(
        "公示检查结果（任务所属部门；全部抽取任务公示后计划完成）/ "
        "Publish a recorded result (its own department); the plan is DONE once every drawn task is."
    ),
)
