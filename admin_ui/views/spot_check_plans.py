"""抽查计划: a department's plans (those it leads or joins), the create form, and a plan's page
with its state and actions: 接受 (a partner), 审批 (the lead; the seed's commitment is then
published), 抽取 (the draw), the draw record and the platform's own verification of it, and 替补
on a task.

Every write is a service's (services.spotchecks.plans, .draw), the same as the API's; the page
reads through services.spotchecks.plan_sheet. A refused form comes back with each message beside
its field and what was typed kept; another department's plan by address is 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

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
from models.enums import EntityStatus, EntityType, InspectionTaskStatus, RiskColour, SpotCheckPlanStatus
from services.platform import checks
from services.platform.access import may_handle
from services.platform.db import Database
from services.platform.errors import Collector, DomainError, Forbidden, Problem
from services.platform.ids import row_id, whole_number
from services.platform.labels import label, labels_of
from services.spotchecks.directory import DirectoryFilter
from services.spotchecks.draw import draw_spot_check, replace_drawn_entity
from services.spotchecks.plan_sheet import PlanSheet, plan_choices, plan_sheet, plans_led_or_joined
from services.spotchecks.plans import (
    ColourRatioInput,
    DepartmentInspectorsInput,
    PlanFilter,
    PlanInput,
    SampleInput,
    accept_spot_check_plan,
    approve_spot_check_plan,
    count_plans,
    create_spot_check_plan,
    list_plans,
)

PAGE_SIZE = 20
STATUSES = labels_of(SpotCheckPlanStatus)
TASK_STATUSES = labels_of(InspectionTaskStatus)
READ_ONLY = "目录维护人员可以查看各部门的抽查计划，但制定、确认、审批、抽取和替补须由部门的用户办理。"


def _number(form: FormData, key: str, label_text: str, field: str, problems: Collector) -> int | None:
    raw = str(form.get(key, "")).strip()
    if not raw:
        return None
    number = whole_number(raw.removeprefix("-"))
    if number is None:
        problems.add("INVALID_NUMBER", f"{label_text}须为整数", field)
        return None
    return -number if raw.startswith("-") else number


def _per_department(text: str, problems: Collector) -> list[DepartmentInspectorsInput]:
    """Lines of "部门编码 人数" (a joint plan's inspectors per target, per department)."""
    wanted = []
    for line in text.splitlines():
        parts = line.replace("：", " ").replace(":", " ").split()
        if not parts:
            continue
        count = whole_number(parts[1]) if len(parts) == 2 else None
        if count is None:
            problems.add("INVALID_INSPECTORS", f"“{line.strip()}”应写作“部门编码 人数”", "inspectorsPerDepartment")
            continue
        wanted.append(DepartmentInspectorsInput(parts[0], count))
    return wanted


def plan_input(form: FormData) -> PlanInput:
    """The create form as the service's input; what only the form can get wrong (a number, a
    date) is said here, beside the same fields."""
    problems = Collector()
    kind = str(form.get("sample_kind", ""))
    sample = SampleInput()
    if kind == "COUNT":
        sample = SampleInput(count=_number(form, "sample_count", "抽取数量", "sample.count", problems) or 0)
    elif kind == "RATIO":
        sample = SampleInput(ratio=str(form.get("sample_ratio", "")))
    elif kind == "COLOUR_RATIO":
        ratios = [
            ColourRatioInput(colour, str(form.get(f"ratio_{colour.value}", "")).strip())
            for colour in RiskColour
            if str(form.get(f"ratio_{colour.value}", "")).strip()
        ]
        sample = SampleInput(colour_ratios=ratios)
    target = str(form.get("target", "filter"))
    flt = None
    if target != "directory":
        entity_type, status = str(form.get("entity_type", "")), str(form.get("status", ""))
        flt = DirectoryFilter(
            region_code=str(form.get("region_code", "")) or None,
            industry_prefix=str(form.get("industry_prefix", "")) or None,
            entity_type=EntityType(entity_type) if entity_type in EntityType.__members__ else None,
            status=EntityStatus(status) if status in EntityStatus.__members__ else None,
            matter_code=str(form.get("matter_code", "")) or None,
            colours=[RiskColour(str(c)) for c in form.getlist("colour") if str(c) in RiskColour.__members__] or None,
        )
    partners = [str(code) for code in form.getlist("partner") if str(code).strip()]
    per_target = _number(form, "inspectors_per_target", "每个对象的检查人员数", "inspectorsPerTarget", problems)
    per_department = _per_department(str(form.get("inspectors_per_department", "")), problems)
    start = checks.day(str(form.get("period_start", "")), "检查期限开始日", "periodStart", problems)
    end = checks.day(str(form.get("period_end", "")), "检查期限截止日", "periodEnd", problems)
    days = _number(form, "exclude_days", "排除天数", "excludeCheckedWithinDays", problems)
    problems.raise_if_any()
    assert start is not None and end is not None  # required: refused above otherwise
    return PlanInput(
        name=str(form.get("name", "")),
        check_item_codes=[str(code) for code in form.getlist("check_item")],
        sample=sample,
        period_start=start,
        period_end=end,
        partner_department_codes=partners,
        directory_id=str(form.get("directory_id", "")) if target == "directory" else None,
        filter=flt,
        inspectors_per_target=None if partners else per_target,
        inspectors_per_department=per_department if partners else None,
        exclude_checked_within_days=days,
    )


def _errors(problems: list[Problem]) -> dict[str, list[str]]:
    """Each message under its field's first part (sample.colourRatios.0.ratio → sample)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault((problem.field or "form").split(".")[0], []).append(problem.message)
    return errors


class SpotCheckPlansView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="抽查计划", icon="fa fa-random", path="/spot-check-plans")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    def _plan_url(self, request: Request, plan_id: int) -> str:
        return str(request.url_for("admin:spot-check-plan", plan_id=plan_id))

    def _shared(self, request: Request) -> dict[str, Any]:
        return {
            "flashed_messages": get_flashed_messages(request),
            "beijing": beijing,
            "statuses": STATUSES,
            "task_statuses": TASK_STATUSES,
            "label": label,
            "read_only": not may_handle(principal_of_request(request)),
            "read_only_reason": READ_ONLY,
            "plan_url": lambda plan_id: self._plan_url(request, plan_id),
            "list_url": str(request.url_for("admin:spot-check-plans")),
            "new_url": str(request.url_for("admin:spot-check-plan-new")),
        }

    @route("", methods=["GET"], name="spot-check-plans")
    async def index(self, request: Request) -> Response:
        session: AsyncSession = request.state.session
        status = request.query_params.get("status", "")
        flt = PlanFilter(SpotCheckPlanStatus(status) if status in SpotCheckPlanStatus.__members__ else None)
        after = request.query_params.get("after") or None
        problems = []
        try:
            page = await list_plans(session, flt, PAGE_SIZE, after)
        except DomainError as error:
            problems.append(error.problems[0].message)
            page = await list_plans(session, flt, PAGE_SIZE, None)
        ids = [p.id for p in page.items if p.id is not None]
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="spot_check_plans.html",
            context={
                **self._shared(request),
                "title": "抽查计划",
                "page": page,
                "total": await count_plans(session, flt),
                "roles": await plans_led_or_joined(session, ids),
                "status": flt.status.value if flt.status else "",
                "problems": problems,
                "next_url": f"{request.url_for('admin:spot-check-plans')}?status={status}&after={page.cursors[-1]}"
                if page.has_next_page
                else None,
            },
        )

    async def _new_page(
        self, request: Request, typed: FormData | None = None, problems: list[Problem] | None = None
    ) -> Response:
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        choices = await plan_choices(request.state.session)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="spot_check_plan_new.html",
            status_code=400 if problems else 200,
            context={
                **self._shared(request),
                "title": "制定抽查计划",
                "choices": choices,
                "own": principal_of_request(request).department_code,
                "typed": typed,
                "picked": lambda key: [str(v) for v in typed.getlist(key)] if typed is not None else [],
                "errors": _errors(problems or []),
                "colours": labels_of(RiskColour),
                "entity_types": labels_of(EntityType),
                "entity_statuses": labels_of(EntityStatus),
            },
        )

    @route("/new", methods=["GET", "POST"], name="spot-check-plan-new")
    async def new(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._new_page(request)
        if not may_handle(principal_of_request(request)):
            raise HTTPException(403, READ_ONLY)
        assert self.db is not None
        form = await request.form()

        async def create(session: AsyncSession) -> Any:
            return await create_spot_check_plan(session, plan_input(form))

        try:
            plan, problems = await run_as(self.db, request, create)
        except Forbidden as refused:
            plan, problems = None, refused.problems
        if problems or plan is None or plan.id is None:
            return await self._new_page(request, form, problems)
        flash(request, "抽查计划已制定（草拟）", "success")
        return RedirectResponse(self._plan_url(request, plan.id), status_code=303)

    async def _sheet(self, request: Request, plan_id: int) -> PlanSheet:
        try:
            return await plan_sheet(request.state.session, plan_id)
        except DomainError as error:
            raise HTTPException(404, error.problems[0].message) from None

    async def _plan_page(
        self, request: Request, plan_id: int, action: str = "", problems: list[Problem] | None = None, **kept: Any
    ) -> Response:
        sheet = await self._sheet(request, plan_id)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="spot_check_plan.html",
            status_code=400 if problems else 200,
            context={
                **self._shared(request),
                "title": sheet.plan.name,
                "sheet": sheet,
                "plan": sheet.plan,
                "record": sheet.record,
                "refused_action": action,
                "refusals": [p.message for p in problems or []],
                "kept": kept,
                "may_act": may_handle(principal_of_request(request)) and sheet.own is not None,
                "act_url": lambda name: str(request.url_for("admin:spot-check-plan-act", plan_id=plan_id, action=name)),
                "task_url": lambda task_id: str(request.url_for("admin:inspection-tasks-task", task_id=task_id)),
                "public_url": f"/public/draws/{plan_id}",
            },
        )

    @route("/{plan_id:int}", methods=["GET"], name="spot-check-plan")
    async def plan(self, request: Request) -> Response:
        return await self._plan_page(request, record_id(request.path_params["plan_id"]))

    @route("/{plan_id:int}/{action:str}", methods=["POST"], name="spot-check-plan-act")
    async def act(self, request: Request) -> Response:
        plan_id, action = record_id(request.path_params["plan_id"]), str(request.path_params["action"])
        principal = principal_of_request(request)
        if not may_handle(principal):
            raise HTTPException(403, READ_ONLY)
        assert self.db is not None
        await self._sheet(request, plan_id)  # 404 for a plan the department neither leads nor joins
        form = await request.form()
        kept: dict[str, Any] = {}
        if action == "draw":
            try:
                record, problems = await draw_spot_check(self.db, principal, plan_id)
            except Forbidden as refused:
                record, problems = None, refused.problems
            done, message = record, "已抽取：检查任务已生成，抽取记录已公开"
        else:
            work, message = self._work(action, plan_id, form, kept)
            try:
                done, problems = await run_as(self.db, request, work)
            except Forbidden as refused:
                done, problems = None, refused.problems
        if problems or done is None:
            return await self._plan_page(request, plan_id, action, problems, **kept)
        flash(request, message, "success")
        return RedirectResponse(self._plan_url(request, plan_id), status_code=303)

    def _work(
        self, action: str, plan_id: int, form: FormData, kept: dict[str, Any]
    ) -> tuple[Callable[[AsyncSession], Awaitable[Any]], str]:
        if action == "accept":
            return (lambda session: accept_spot_check_plan(session, plan_id)), "本部门已确认参加该联合抽查"
        if action == "approve":
            return (lambda session: approve_spot_check_plan(session, plan_id)), "计划已审批，种子承诺值已公布"
        if action == "replace":
            task, reason = str(form.get("task_id", "")), str(form.get("reason", ""))
            kept.update(task_id=task, reason=reason)
            task_id = row_id(task)
            if task_id is None:
                raise HTTPException(404)
            return (lambda session: replace_drawn_entity(session, task_id, reason)), "已按规则替补抽中对象"
        raise HTTPException(404)
