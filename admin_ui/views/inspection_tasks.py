"""检查任务 (a department's tasks) and 我的检查任务 (an inspector's own, on a phone): a list behind
filters that travel in the URL, a task page with the result form item by item, and 公示.

Every read and write is a service's (services.spotchecks.task_sheet, .results, .publication),
the same as the API's: a refused form comes back with each message beside its field and what was
typed kept. Another department's task by address is 404, as the service's TASK_NOT_FOUND."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette_admin import flash, get_flashed_messages
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from admin_ui.formats import beijing
from admin_ui.record_ids import record_id
from models import InspectionTask, Inspector
from models.enums import InspectionFinding, InspectionTaskStatus, ResultConsequence
from services.platform import checks
from services.platform.access import may_handle
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import Collector, DomainError, Forbidden, Problem
from services.platform.ids import row_id
from services.platform.labels import label, labels_of
from services.registry.departments import list_departments
from services.spotchecks.consequences import RECTIFICATION_ORDERED
from services.spotchecks.publication import publish_inspection_result
from services.spotchecks.results import (
    PUBLISH_WITHIN,
    FindingReferralInput,
    ItemInput,
    ResultInput,
    record_inspection_result,
)
from services.spotchecks.task_sheet import (
    NOT_AN_INSPECTOR,
    TaskSheet,
    inspector_of_user,
    my_task_page,
    my_task_sheet,
    task_page,
    task_sheet,
    visible_plans,
)
from services.spotchecks.tasks import TaskFilter, is_overdue, is_publication_overdue

PAGE_SIZE = 20
STATUSES = labels_of(InspectionTaskStatus)
FINDINGS = labels_of(InspectionFinding)
OVERDUE = {"task": "检查逾期", "publication": "公示逾期"}
# What each consequence sets in motion, as the form explains it beside a category.
CONSEQUENCES = {
    ResultConsequence.NONE: "",
    ResultConsequence.ABNORMAL_LISTING_PROPOSAL: "录入后自动提请登记机关列入经营异常名录",
    ResultConsequence.FOLLOW_UP: "录入后生成后续检查任务",
}
RECTIFICATION_NOTE = "须填写整改期限；期限届满后自动生成复查任务"
READ_ONLY = "目录维护人员可以查看各部门的检查任务，但录入和公示检查结果须由任务所属部门的用户办理。"
REFERRAL_ROWS = 2


@dataclass(frozen=True)
class TaskQuery:
    """The list's filters and position, as they travel in the URL."""

    plan: str = ""
    status: str = ""
    overdue: str = ""
    uscc: str = ""
    after: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str]) -> TaskQuery:
        plan, status, overdue = params.get("plan", ""), params.get("status", ""), params.get("overdue", "")
        return cls(
            plan=plan if row_id(plan) is not None else "",
            status=status if status in InspectionTaskStatus.__members__ else "",
            overdue=overdue if overdue in OVERDUE else "",
            uscc=params.get("uscc", "").strip(),
            after=params.get("after", ""),
        )

    def filter(self) -> TaskFilter:
        status = InspectionTaskStatus(self.status) if self.status else None
        # A task is overdue while ASSIGNED, its publication while RECORDED (services.spotchecks.tasks).
        if self.overdue == "task":
            status = InspectionTaskStatus.ASSIGNED
        elif self.overdue == "publication":
            status = InspectionTaskStatus.RECORDED
        return TaskFilter(
            plan_id=int(self.plan) if self.plan else None,
            status=status,
            overdue=True if self.overdue else None,
            uscc=self.uscc or None,
        )

    def query_string(self, **changes: str) -> str:
        values = {**self.__dict__, **changes}
        return urlencode({f.name: values[f.name] for f in fields(self) if values[f.name]})


def _form_key(problem: Problem) -> str:
    """Where a service's problem is shown on the form: its field's first part (referrals.0.message → referrals)."""
    return (problem.field or "form").split(".")[0]


def _answers(form: FormData, sheet: TaskSheet) -> list[ItemInput]:
    """The items answered, in form order; an item left unanswered is left out, for the service to name."""
    answered = []
    for item in sheet.check_items:
        for entry in item.form_items:
            key = f"{item.code}/{entry['code']}"
            finding = str(form.get(f"finding:{key}", ""))
            note = str(form.get(f"note:{key}", "")).strip() or None
            if finding in InspectionFinding.__members__:
                answered.append(ItemInput(item.code, str(entry["code"]), InspectionFinding(finding), note))
    return answered


def _referrals(form: FormData) -> list[FindingReferralInput]:
    wanted = []
    for n in range(REFERRAL_ROWS):
        to, message = str(form.get(f"referral_to_{n}", "")).strip(), str(form.get(f"referral_message_{n}", ""))
        if to or message.strip():
            wanted.append(FindingReferralInput(to, message))
    return wanted


def _result_input(form: FormData, sheet: TaskSheet) -> ResultInput:
    problems = Collector()
    due_text = str(form.get("rectification_due_on", "")).strip()
    due: date | None = checks.day(due_text, "整改期限", "rectificationDueOn", problems, required=False)
    problems.raise_if_any()
    return ResultInput(
        items=_answers(form, sheet),
        categories=[str(code) for code in form.getlist("category")],
        notes=str(form.get("notes", "")),
        attachments=[line.strip() for line in str(form.get("attachments", "")).splitlines() if line.strip()],
        rectification_due_on=due,
        referrals=_referrals(form),
    )


class TaskPagesView(CustomView):
    """What 检查任务 and 我的检查任务 share; `mine` narrows every read to the signed-in inspector's tasks."""

    mine = False
    url_name = "inspection-tasks"
    list_template = "inspection_tasks.html"
    task_template = "inspection_task.html"

    def __init__(self, menu_label: str, icon: str, path: str) -> None:
        super().__init__(menu_label=menu_label, icon=icon, path=path)
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    async def _inspector(self, request: Request) -> Inspector | None:
        user_id = request.session.get("user_id")
        if not self.mine or not isinstance(user_id, int):
            return None
        return await inspector_of_user(request.state.session, user_id)

    def _task_url(self, request: Request, task_id: int) -> str:
        return str(request.url_for(f"admin:{self.url_name}-task", task_id=task_id))

    def _context(self, request: Request) -> dict[str, Any]:
        return {
            "flashed_messages": get_flashed_messages(request),
            "beijing": beijing,
            "statuses": STATUSES,
            "findings": FINDINGS,
            "label": label,
            "is_overdue": is_overdue,
            "is_publication_overdue": is_publication_overdue,
            "task_url": lambda task_id: self._task_url(request, task_id),
            "list_url": str(request.url_for(f"admin:{self.url_name}")),
            "plan_page_url": lambda plan_id: str(request.url_for("admin:spot-check-plan", plan_id=plan_id)),
            "read_only": not may_handle(principal_of_request(request)),
            "read_only_reason": READ_ONLY,
            "mine": self.mine,
        }

    async def _list(self, request: Request) -> Response:
        session: AsyncSession = request.state.session
        query = TaskQuery.of(request.query_params)
        inspector = await self._inspector(request)
        problems: list[str] = []
        page = None
        if not self.mine or inspector is not None:
            try:
                page = await self._page(session, inspector, query)
            except DomainError as error:
                problems.append(error.problems[0].message)
                query = TaskQuery(**{**query.__dict__, "after": ""})
                page = await self._page(session, inspector, query)
        base = str(request.url_for(f"admin:{self.url_name}"))
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name=self.list_template,
            context={
                **self._context(request),
                "title": self.title(request),
                "query": query,
                "page": page,
                "problems": problems,
                "inspector": inspector,
                "not_an_inspector": NOT_AN_INSPECTOR,
                "plans": await visible_plans(session),
                "overdue_kinds": OVERDUE,
                "first_url": f"{base}?{query.query_string(after='')}" if query.after else None,
                "next_url": f"{base}?{query.query_string(after=page.cursors[-1])}"
                if page and page.has_next_page
                else None,
            },
        )

    async def _page(self, session: AsyncSession, inspector: Inspector | None, query: TaskQuery) -> Any:
        if inspector is not None:
            return await my_task_page(session, inspector, query.filter(), PAGE_SIZE, query.after or None)
        return await task_page(session, query.filter(), PAGE_SIZE, query.after or None)

    async def _sheet(self, session: AsyncSession, request: Request, task_id: int) -> TaskSheet:
        """The task as the signed-in user may read it: 404 for one it may not (as TASK_NOT_FOUND)."""
        try:
            if self.mine:
                inspector = await self._inspector(request)
                if inspector is None:
                    raise HTTPException(404, NOT_AN_INSPECTOR)
                return await my_task_sheet(session, inspector, task_id)
            return await task_sheet(session, task_id)
        except DomainError as error:
            raise HTTPException(404, error.problems[0].message) from None

    async def _task(
        self,
        request: Request,
        task_id: int,
        typed: FormData | None = None,
        problems: list[Problem] | None = None,
        status_code: int = 200,
    ) -> Response:
        session: AsyncSession = request.state.session
        sheet = await self._sheet(session, request, task_id)
        errors: dict[str, list[str]] = {}
        for problem in problems or []:
            errors.setdefault(_form_key(problem), []).append(problem.message)
        chosen = [str(code) for code in typed.getlist("category")] if typed is not None else []
        departments = await list_departments(session)
        own = principal_of_request(request).department_id
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name=self.task_template,
            status_code=status_code,
            context={
                **self._context(request),
                "title": f"检查任务 {task_id}",
                "sheet": sheet,
                "task": sheet.task,
                "row": sheet.row,
                "typed": typed,
                "errors": errors,
                "chosen": chosen,
                "consequences": CONSEQUENCES,
                "rectification_code": RECTIFICATION_ORDERED,
                "rectification_note": RECTIFICATION_NOTE,
                "publish_within": PUBLISH_WITHIN,
                "referral_rows": range(REFERRAL_ROWS),
                "targets": [d for d in departments if d.id != own],
                "today": today(),
                "record_url": str(request.url_for(f"admin:{self.url_name}-record", task_id=task_id)),
                "publish_url": str(request.url_for(f"admin:{self.url_name}-publish", task_id=task_id)),
                "may_act": may_handle(principal_of_request(request)) and sheet.task.department_id == own,
            },
        )

    async def _record(self, request: Request, task_id: int) -> Response:
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        assert self.db is not None
        form = await request.form()
        sheet = await self._sheet(request.state.session, request, task_id)
        inspector = await self._inspector(request)

        async def record(session: AsyncSession) -> InspectionTask:
            if inspector is not None:  # still this inspector's task, in the writing transaction
                await my_task_sheet(session, inspector, task_id)
            return await record_inspection_result(session, task_id, _result_input(form, sheet))

        return await self._done(request, task_id, record, form, "检查结果已录入")

    async def _publish(self, request: Request, task_id: int) -> Response:
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        await self._sheet(request.state.session, request, task_id)
        return await self._done(
            request, task_id, lambda session: publish_inspection_result(session, task_id), None, "检查结果已公示"
        )

    async def _done(self, request: Request, task_id: int, work: Any, form: FormData | None, message: str) -> Response:
        assert self.db is not None
        try:
            done, problems = await run_as(self.db, request, work)
        except Forbidden as refused:
            done, problems = None, refused.problems
        if problems or done is None:
            return await self._task(request, task_id, form, problems, status_code=400)
        flash(request, message, "success")
        return RedirectResponse(self._task_url(request, task_id), status_code=303)


class InspectionTasksView(TaskPagesView):
    def __init__(self) -> None:
        super().__init__(menu_label="检查任务", icon="fa fa-clipboard-check", path="/inspection-tasks")

    @route("", methods=["GET"], name="inspection-tasks")
    async def index(self, request: Request) -> Response:
        return await self._list(request)

    @route("/{task_id:int}", methods=["GET"], name="inspection-tasks-task")
    async def task(self, request: Request) -> Response:
        return await self._task(request, record_id(request.path_params["task_id"]))

    @route("/{task_id:int}/record", methods=["POST"], name="inspection-tasks-record")
    async def record(self, request: Request) -> Response:
        return await self._record(request, record_id(request.path_params["task_id"]))

    @route("/{task_id:int}/publish", methods=["POST"], name="inspection-tasks-publish")
    async def publish(self, request: Request) -> Response:
        return await self._publish(request, record_id(request.path_params["task_id"]))


class MyInspectionTasksView(TaskPagesView):
    """我的检查任务: built for a phone 390 px wide (one column, 44 px tap targets)."""

    mine = True
    url_name = "my-inspection-tasks"
    list_template = "my_inspection_tasks.html"

    def __init__(self) -> None:
        super().__init__(menu_label="我的检查任务", icon="fa fa-mobile-alt", path="/my-inspection-tasks")

    @route("", methods=["GET"], name="my-inspection-tasks")
    async def index(self, request: Request) -> Response:
        return await self._list(request)

    @route("/{task_id:int}", methods=["GET"], name="my-inspection-tasks-task")
    async def task(self, request: Request) -> Response:
        return await self._task(request, record_id(request.path_params["task_id"]))

    @route("/{task_id:int}/record", methods=["POST"], name="my-inspection-tasks-record")
    async def record(self, request: Request) -> Response:
        return await self._record(request, record_id(request.path_params["task_id"]))

    @route("/{task_id:int}/publish", methods=["POST"], name="my-inspection-tasks-publish")
    async def publish(self, request: Request) -> Response:
        return await self._publish(request, record_id(request.path_params["task_id"]))
