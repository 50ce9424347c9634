"""检查结果: recording a task's result, item by item against its plan's result forms, with
categories of the version in force, and what the categories set in motion.

Only the task's own department records (a task it does not own is "not found", whether it
exists or not), and only once: the task moves ASSIGNED → RECORDED in one conditional UPDATE
and the result's task is unique, so of two recordings at once exactly one is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import CheckItem, InspectionResult, InspectionTask, MarketEntity, ResultCategory, SpotCheckPlanItem
from models.enums import InspectionFinding, InspectionTaskStatus, ReferralReason, ResultConsequence
from models.types import utcnow
from services.credit import referrals
from services.platform import audit, calendar, checks
from services.platform.access import UNRESTRICTED, Operation, principal_of, require, require_handler, seeing_all
from services.platform.clock import today
from services.platform.errors import Collector, DomainError
from services.platform.labels import label
from services.platform.transitions import transition
from services.spotchecks import consequences, plan_progress
from services.spotchecks.result_categories import categories_in_force

PUBLISH_WITHIN = 20  # working days from recording (domain.md)
NOTE_LIMIT = 2000
NOTES_LIMIT = 4000
ATTACHMENT_NAME_LIMIT = 255
MAX_ATTACHMENTS = 50


@dataclass(frozen=True)
class ItemInput:
    check_item_code: str
    form_item_code: str
    finding: InspectionFinding
    note: str | None = None


@dataclass(frozen=True)
class FindingReferralInput:
    """A finding for another department (reason INSPECTION_FINDING)."""

    to_department_code: str
    message: str


@dataclass(frozen=True)
class ResultInput:
    items: list[ItemInput] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    notes: str | None = None
    attachments: list[str] = field(default_factory=list)
    rectification_due_on: date | None = None
    referrals: list[FindingReferralInput] = field(default_factory=list)


def task_not_found(task_id: int) -> DomainError:
    # Another department's task, readable or not, is not the caller's business to act on.
    return DomainError("TASK_NOT_FOUND", f"检查任务 {task_id} 不存在或不属于本部门", "taskId")


def wrong_state(task: InspectionTask) -> DomainError:
    if task.status is InspectionTaskStatus.REPLACED:
        return DomainError("TASK_REPLACED", "该检查对象已注销或关闭并已替补，不能再录入结果", "taskId")
    return DomainError("ALREADY_RECORDED", f"该检查任务{label(task.status)}，不能重复录入结果", "taskId")


async def own_task(session: AsyncSession, task_id: int, department_id: int) -> InspectionTask:
    """The caller's department's task, or TASK_NOT_FOUND (a lead reads its partners' tasks but acts on none)."""
    task = await session.scalar(
        select(InspectionTask).where(
            col(InspectionTask.id) == task_id, col(InspectionTask.department_id) == department_id
        )
    )
    if task is None:
        raise task_not_found(task_id)
    return task


async def plan_of(session: AsyncSession, task: InspectionTask) -> int | None:
    """The plan whose forms a task answers: its own, or (a follow-up made without one) its parent's."""
    current: InspectionTask | None = task
    while current is not None:
        if current.plan_id is not None:
            return current.plan_id
        if current.parent_task_id is None:
            return None
        current = await session.get(InspectionTask, current.parent_task_id, execution_options=UNRESTRICTED)
    return None


async def form_of(session: AsyncSession, plan_id: int | None) -> list[tuple[str, str, str]]:
    """(check item code, form item code, form item name) of every form item of every check item
    of the plan, in form order. The task is the caller's own: its plan's form is what it answers."""
    if plan_id is None:
        return []
    rows = await session.scalars(
        select(CheckItem)
        .join(SpotCheckPlanItem, col(SpotCheckPlanItem.check_item_id) == col(CheckItem.id))
        .where(col(SpotCheckPlanItem.plan_id) == plan_id)
        .order_by(col(CheckItem.code))
        .execution_options(**seeing_all(SpotCheckPlanItem))
    )
    return [
        (item.code, str(form["code"]), str(form.get("name", form["code"])))
        for item in rows.all()
        for form in item.form_items
    ]


def _checked_items(
    given: Sequence[ItemInput], form: list[tuple[str, str, str]], problems: Collector
) -> list[dict[str, Any]]:
    """Every form item answered exactly once, in form order."""
    names = {(check, code): name for check, code, name in form}
    answers: dict[tuple[str, str], ItemInput] = {}
    unknown, twice = [], []
    for n, item in enumerate(given):
        key = (item.check_item_code.strip(), item.form_item_code.strip())
        if key not in names:
            unknown.append(f"{key[0]}/{key[1]}")
        elif key in answers:
            twice.append(f"{key[0]}/{key[1]}")
        else:
            answers[key] = item
        if item.note is not None:
            checks.optional_text(item.note, f"第 {n + 1} 项的说明", "items", problems, limit=NOTE_LIMIT)
    if unknown:
        problems.add("UNKNOWN_FORM_ITEM", f"以下检查项不在本次抽查的检查表中：{'、'.join(unknown)}", "items")
    if twice:
        problems.add("DUPLICATE_FORM_ITEM", f"以下检查项填写了不止一次：{'、'.join(twice)}", "items")
    missing = [f"{check}/{code}（{name}）" for check, code, name in form if (check, code) not in answers]
    if missing:
        problems.add("MISSING_FORM_ITEMS", f"以下检查项未填写：{'、'.join(missing)}", "items")
    return [
        {
            "checkItemCode": check,
            "formItemCode": code,
            "formItemName": name,
            "finding": answers[(check, code)].finding.value,
            "note": (answers[(check, code)].note or "").strip() or None,
        }
        for check, code, name in form
        if (check, code) in answers
    ]


def _checked_categories(
    given: Sequence[str], in_force: dict[str, ResultCategory], items: list[dict[str, Any]], problems: Collector
) -> list[ResultCategory]:
    codes = list(dict.fromkeys(code.strip() for code in given if code.strip()))
    if not codes:
        problems.add("REQUIRED", "检查结果类别不能为空（至少选择一项）", "categories")
        return []
    unknown = [code for code in codes if code not in in_force]
    if unknown:
        problems.add("UNKNOWN_CATEGORY", f"检查结果类别“{'、'.join(unknown)}”不在现行结果类别表中", "categories")
    chosen = [in_force[code] for code in codes if code in in_force]
    if consequences.NO_PROBLEM in codes:
        problems_found = [c.name for c in chosen if c.consequence is not ResultConsequence.NONE]
        non_conforming = any(item["finding"] == InspectionFinding.NON_CONFORMING.value for item in items)
        if problems_found:
            problems.add(
                "CONTRADICTORY_CATEGORIES", f"“未发现问题”不能与“{'、'.join(problems_found)}”同时选择", "categories"
            )
        elif non_conforming:
            problems.add("CONTRADICTORY_CATEGORIES", "有检查项不符合，结果类别不能为“未发现问题”", "categories")
    return chosen


def _checked_attachments(given: Sequence[str], problems: Collector) -> list[str]:
    """File names only: the files themselves are kept in the department's own system."""
    names = []
    for n, raw in enumerate(given):
        name = checks.text(raw, f"第 {n + 1} 个附件名", "attachments", problems, limit=ATTACHMENT_NAME_LIMIT)
        if name and any(ch in name for ch in "/\\\n\r\t"):
            problems.add("INVALID_ATTACHMENT_NAME", f"附件名“{name}”只能是文件名，不能含路径或换行", "attachments")
        names.append(name)
    if len(names) > MAX_ATTACHMENTS:
        problems.add("TOO_MANY_ATTACHMENTS", f"最多 {MAX_ATTACHMENTS} 个附件", "attachments")
    return names


def _checked_rectification(due: date | None, codes: set[str], inspected_on: date, problems: Collector) -> None:
    ordered = consequences.RECTIFICATION_ORDERED in codes
    if ordered and due is None:
        problems.add("RECTIFICATION_DUE_REQUIRED", "结果为“发现问题已责令改正”时须填写整改期限", "rectificationDueOn")
    elif not ordered and due is not None:
        problems.add(
            "RECTIFICATION_DUE_NOT_ALLOWED", "只有结果为“发现问题已责令改正”时才填写整改期限", "rectificationDueOn"
        )
    elif due is not None and due <= inspected_on:
        problems.add(
            "INVALID_RANGE", f"整改期限（{due.isoformat()}）须晚于检查日期（{inspected_on.isoformat()}）",
            "rectificationDueOn",
        )  # fmt: skip


async def record_inspection_result(session: AsyncSession, task_id: int, data: ResultInput) -> InspectionTask:
    """Record the result of one of the caller's department's ASSIGNED tasks; then its
    consequences: the plan in progress, a listing proposal, a follow-up task, referrals."""
    principal = principal_of(session)
    require(principal, Operation.RECORD_INSPECTION_RESULT)
    own = require_handler(principal)
    task = await own_task(session, task_id, own)
    if task.status is not InspectionTaskStatus.ASSIGNED:
        raise wrong_state(task)
    problems = Collector()
    items = _checked_items(data.items, await form_of(session, await plan_of(session, task)), problems)
    version, in_force = await categories_in_force(session)
    chosen = _checked_categories(data.categories, in_force, items, problems)
    notes = checks.optional_text(data.notes, "检查情况说明", "notes", problems, limit=NOTES_LIMIT)
    attachments = _checked_attachments(data.attachments, problems)
    inspected_on = today()
    _checked_rectification(data.rectification_due_on, {c.code for c in chosen}, inspected_on, problems)
    problems.raise_if_any()

    deadline = await calendar.for_deadline(session, inspected_on, PUBLISH_WITHIN)
    publish_due_on = deadline.add_working_days(inspected_on, PUBLISH_WITHIN)
    now = utcnow()
    values = {"recorded_at": now, "publish_due_on": publish_due_on, "updated_at": now}
    task = await transition(
        session, InspectionTask, task_id, (InspectionTaskStatus.ASSIGNED,), InspectionTaskStatus.RECORDED, values,
        where=[col(InspectionTask.department_id) == own], not_found=lambda _: task_not_found(task_id),
        wrong_state=wrong_state,
    )  # fmt: skip
    result = InspectionResult(
        task_id=task_id,
        items=items,
        categories=[c.code for c in chosen],
        category_version=version,
        notes=notes,
        attachments=attachments,
        rectification_due_on=data.rectification_due_on,
        recorded_at=now,
        recorded_by=principal.name,
    )
    session.add(result)
    await session.flush()
    after = {
        "status": task.status.value,
        "categories": result.categories,
        "category_version": version,
        "publish_due_on": publish_due_on,
        "rectification_due_on": result.rectification_due_on,
        "items": len(items),
    }
    await audit.record(session, "inspection_result.recorded", "InspectionTask", str(task_id),
                       {"status": InspectionTaskStatus.ASSIGNED.value}, after)  # fmt: skip
    await plan_progress.mark_started(session, task.plan_id)
    await _set_in_motion(session, task, chosen, inspected_on)
    await _refer_findings(session, task, data.referrals)
    return task


async def _set_in_motion(
    session: AsyncSession, task: InspectionTask, chosen: list[ResultCategory], inspected_on: date
) -> None:
    proposals = [c for c in chosen if c.consequence is ResultConsequence.ABNORMAL_LISTING_PROPOSAL]
    if proposals:
        entity = await session.get(MarketEntity, task.entity_id, execution_options=UNRESTRICTED)
        assert entity is not None
        await consequences.propose_listing(session, task, entity, proposals)
    follow_ups = [c for c in chosen if c.consequence is ResultConsequence.FOLLOW_UP]
    if any(c.code != consequences.RECTIFICATION_ORDERED for c in follow_ups):
        await consequences.open_follow_up(session, task, inspected_on)


async def _refer_findings(session: AsyncSession, task: InspectionTask, given: Sequence[FindingReferralInput]) -> None:
    if not given:
        return
    entity = await session.get(MarketEntity, task.entity_id, execution_options=UNRESTRICTED)
    assert entity is not None
    for n, referral in enumerate(given):
        data = referrals.ReferralInput(
            uscc=entity.uscc,
            to_department_code=referral.to_department_code,
            reason=ReferralReason.INSPECTION_FINDING,
            message=referral.message,
        )
        try:
            await referrals.send_referral(session, data)
        except DomainError as error:
            # Name the referral of the input that is wrong.
            named = [replace(p, field=f"referrals.{n}.{p.field or 'toDepartmentCode'}") for p in error.problems]
            raise DomainError.many(named) from error
