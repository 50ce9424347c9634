"""Inputs of inspection tasks and results (kept apart from the types: the entity's resolvers
import them, and the task types import the entity's)."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import InspectionFinding, InspectionTaskStatus


@strawberry.input(description="检查任务筛选 / Inspection task filter.")
class InspectionTaskFilter:
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="抽查计划 / The plan.")
    department_code: str | None = strawberry.field(default=None, description="检查部门 / The inspecting department.")
    inspector_certificate_no: str | None = strawberry.field(
        default=None, description="执法证号（调用方可见的检查人员）/ An inspector's certificate (one the caller sees)."
    )
    status: InspectionTaskStatus | None = strawberry.field(
        default=None, description="任务状态 / Only tasks in this state."
    )
    overdue: bool | None = strawberry.field(
        default=None,
        description=(
            "true：检查逾期或公示逾期；false：两者皆否 / True: inspection or publication overdue; false: neither."
        ),
    )
    uscc: str | None = strawberry.field(default=None, description="检查对象 / The inspected entity.")


@strawberry.input(description="一个检查项的结论 / The finding on one item of a result form.")
class InspectionItemInput:
    check_item_code: str = strawberry.field(description="抽查事项代码 / The check item.")
    form_item_code: str = strawberry.field(description="检查表中的检查项代码 / The form item.")
    finding: InspectionFinding = strawberry.field(description="结论 / Conforming, not, or not checked.")
    note: str | None = strawberry.field(default=None, description="说明（最多 2000 字）/ Note, 2,000 at most.")


@strawberry.input(description="检查发现属其他部门职责的问题 / A finding for another department (联动告知).")
class InspectionReferralInput:
    to_department_code: str = strawberry.field(description="接收部门代码 / The receiving department.")
    message: str = strawberry.field(description="告知内容 / What it should know.")


@strawberry.input(description="检查结果 / An inspection's result.")
class RecordInspectionResultInput:
    items: list[InspectionItemInput] = strawberry.field(
        description=(
            "逐项结论：本次抽查每个抽查事项检查表的每一项恰好一次 / Every form item of every check item of the "
            "plan, exactly once."
        )
    )
    categories: list[str] = strawberry.field(
        description="检查结果类别代码（现行版本，至少一项）/ Result category codes in force; one or more."
    )
    notes: str | None = strawberry.field(
        default=None, description="检查情况说明（内部，不公示；最多 4000 字）/ Notes; internal, never public."
    )
    attachments: list[str] = strawberry.field(
        default_factory=list, description="附件文件名（不含路径）/ Attachment file names only."
    )
    rectification_due_on: datetime.date | None = strawberry.field(
        default=None,
        description=(
            "整改期限：结果为“发现问题已责令改正”时必填，须晚于检查日期；其他结果不填 / "
            "Required with RECTIFICATION_ORDERED, after the inspection; not given otherwise."
        ),
    )
    referrals: list[InspectionReferralInput] = strawberry.field(
        default_factory=list, description="联动告知其他部门 / Referrals to other departments."
    )
