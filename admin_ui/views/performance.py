"""绩效考核: every department's measures over a period, ranked (services.analysis.performance); each
number links to the records behind it (services.analysis.performance_records): a count to the records it
counted, a rate to its denominator's, a median to the records it is the median of; CSV and XLSX export.

Ranked by 按期认领率 unless a column header is clicked (?sort=<measure>&desc=0|1); a measure with no
value (nothing counted) ranks last either way. Maintainers see every department, a department its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from admin_ui.export import sheet_download
from services.analysis.performance import DepartmentPerformance, ranking
from services.analysis.performance_records import MEASURES, records_behind
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError, Forbidden
from services.platform.exports import record_export
from services.platform.sheets import write_csv, write_xlsx


@dataclass(frozen=True)
class Column:
    key: str  # "group.measure", as services.analysis.performance names it
    label: str
    group: str
    kind: str = "count"  # count, rate (%), days (a median in working days)
    # The records a rate or a median links to: the rate's denominator, the records the median is taken over.
    behind: str | None = None

    def value(self, row: DepartmentPerformance) -> int | Decimal | None:
        group, name = self.key.split(".")
        found: int | Decimal | None = getattr(getattr(row, group), name)
        return found

    def records(self, value: int | Decimal | None) -> str | None:
        """The measure (of performance_records.MEASURES) whose records the cell links to; None where nothing is
        behind it: no value, or a count of 0. A rate of 0 % or a median of 0 days has records behind it."""
        if value is None or (self.kind == "count" and not value):
            return None
        key = self.behind or self.key
        return key if key in MEASURES else None


def _columns() -> list[Column]:
    notices, checks, referrals = "双告知", "双随机、一公开", "联动告知"
    found = [
        Column("notices.received", "收到", notices),
        Column("notices.claimed", "已认领", notices),
        Column("notices.claimed_rate", "认领率", notices, "rate", "notices.to_claim"),
        Column("notices.claimed_in_time", "按期认领", notices),
        Column("notices.claimed_in_time_rate", "按期认领率", notices, "rate", "notices.to_claim"),
        Column("notices.median_claim_days", "认领用时中位数", notices, "days", "notices.claimed"),
        Column("notices.forwarded", "转交", notices),
        Column("notices.returned", "退回", notices),
        Column("notices.overdue", "逾期未认领", notices),
        Column("notices.claimed_from_pool", "从待认领池认领", notices),
        Column("notices.feedback_given", "已反馈", notices),
        Column("notices.feedback_rate", "反馈率", notices, "rate", "notices.feedback_due"),
        Column("spot_checks.plans_run", "抽查计划", checks),
        Column("spot_checks.tasks_due", "到期任务", checks),
        Column("spot_checks.tasks_done_by_due", "按期完成", checks),
        Column("spot_checks.tasks_done_rate", "按期完成率", checks, "rate", "spot_checks.tasks_due"),
        Column("spot_checks.results_recorded", "录入结果", checks),
        Column("spot_checks.results_published_in_time", "按期公示", checks),
        Column("spot_checks.results_published_rate", "按期公示率", checks, "rate", "spot_checks.results_to_publish"),
    ]
    for group, name in (("licenses", "行政许可归集"), ("penalties", "行政处罚归集")):
        found += [
            Column(f"{group}.aggregated", "归集", name),
            Column(f"{group}.within_deadline", "7 个工作日内", name),
            Column(f"{group}.within_deadline_rate", "按期归集率", name, "rate", f"{group}.aggregated"),
            Column(f"{group}.median_lag_days", "滞后中位数", name, "days", f"{group}.aggregated"),
        ]
    return [
        *found,
        Column("referrals.received", "收到", referrals),
        Column("referrals.acknowledged", "已签收", referrals),
        Column("referrals.acknowledged_rate", "签收率", referrals, "rate", "referrals.received"),
        Column("referrals.handled", "已办结", referrals),
        Column("referrals.handled_rate", "办结率", referrals, "rate", "referrals.received"),
        Column("referrals.median_acknowledge_days", "签收用时中位数", referrals, "days", "referrals.acknowledged"),
        Column("referrals.median_handle_days", "办结用时中位数", referrals, "days", "referrals.handled"),
    ]


COLUMNS = _columns()
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_SORT = "notices.claimed_in_time_rate"


def last_quarter(on: date) -> tuple[date, date]:
    """The last full calendar quarter before `on`."""
    first_this = date(on.year, (on.month - 1) // 3 * 3 + 1, 1)
    end = first_this - timedelta(days=1)
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


@dataclass(frozen=True)
class PageQuery:
    start: date
    end: date
    sort: str
    desc: bool
    problem: str | None  # a date that could not be read

    @classmethod
    def of(cls, params: Any) -> PageQuery:
        start, end = last_quarter(today())
        problem = None
        try:
            start = date.fromisoformat(params.get("from") or start.isoformat())
            end = date.fromisoformat(params.get("to") or end.isoformat())
        except ValueError:
            problem = "日期格式应为 YYYY-MM-DD"
        sort = params.get("sort", DEFAULT_SORT)
        return cls(start, end, sort if sort in BY_KEY else DEFAULT_SORT, params.get("desc", "1") != "0", problem)

    def period(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def ranked(rows: list[DepartmentPerformance], sort: str, desc: bool) -> list[DepartmentPerformance]:
    """By the column, then by department code; a row without a value last either way."""
    column = BY_KEY[sort]
    by_code = sorted(rows, key=lambda row: row.department.code)
    valued = [row for row in by_code if column.value(row) is not None]
    empty = [row for row in by_code if column.value(row) is None]
    return sorted(valued, key=lambda row: column.value(row) or 0, reverse=desc) + empty


def shown(column: Column, value: int | Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value}%" if column.kind == "rate" else str(value)


def _sheet(rows: list[DepartmentPerformance]) -> tuple[list[str], list[list[Any]]]:
    header = ["名次", "部门代码", "部门名称"] + [f"{c.group}：{c.label}" + ("（%）" if c.kind == "rate" else "")
                                         + ("（工作日）" if c.kind == "days" else "") for c in COLUMNS]  # fmt: skip
    body = [
        [n, row.department.code, row.department.name, *(c.value(row) for c in COLUMNS)]
        for n, row in enumerate(rows, start=1)
    ]
    return header, body


class PerformanceView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="绩效考核", icon="fa fa-ranking-star", path="/performance")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    async def _ranking(self, request: Request, query: PageQuery) -> tuple[list[DepartmentPerformance], list[str]]:
        if query.problem:
            return [], [query.problem]
        try:
            rows = await ranking(request.state.session, query.start, query.end)
        except DomainError as error:
            return [], [problem.message for problem in error.problems]
        return ranked(rows, query.sort, query.desc), []

    @route("", methods=["GET"], name="performance")
    async def index(self, request: Request) -> Response:
        query = PageQuery.of(request.query_params)
        rows, problems = await self._ranking(request, query)
        base = str(request.url_for("admin:performance"))
        records = str(request.url_for("admin:performance-records"))

        def sort_url(key: str) -> str:
            desc = "0" if key == query.sort and query.desc else "1"
            return f"{base}?{urlencode({**query.period(), 'sort': key, 'desc': desc})}"

        def cell_url(row: DepartmentPerformance, measure: str) -> str:
            wanted = {**query.period(), "department": row.department.code, "measure": measure}
            return f"{records}?{urlencode(wanted)}"

        exports = {ext: str(request.url_for("admin:performance-export", ext=ext)) + "?" + urlencode(query.period())
                   for ext in ("csv", "xlsx")}  # fmt: skip
        groups: list[tuple[str, int]] = []
        for column in COLUMNS:
            if groups and groups[-1][0] == column.group:
                groups[-1] = (column.group, groups[-1][1] + 1)
            else:
                groups.append((column.group, 1))
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="performance.html",
            context={
                "title": "绩效考核",
                "query": query,
                "rows": rows,
                "problems": problems,
                "columns": COLUMNS,
                "groups": groups,
                "shown": shown,
                "sort_url": sort_url,
                "cell_url": cell_url,
                "exports": exports,
                "sorted_by": BY_KEY[query.sort],
            },
            status_code=400 if problems else 200,
        )

    @route("/records", methods=["GET"], name="performance-records")
    async def records(self, request: Request) -> Response:
        query = PageQuery.of(request.query_params)
        problems = [query.problem] if query.problem else []
        behind, status = None, 200
        if not problems:
            try:
                department, measure = (
                    request.query_params.get("department", ""),
                    request.query_params.get("measure", ""),
                )
                behind = await records_behind(request.state.session, department, query.start, query.end, measure)
            except DomainError as error:
                problems = [problem.message for problem in error.problems]
                status = 403 if isinstance(error, Forbidden) else 400
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="performance_records.html",
            context={
                "title": behind.title if behind else "绩效考核",
                "behind": behind,
                "problems": problems,
                "back_url": str(request.url_for("admin:performance")) + "?" + urlencode(query.period()),
                "task_url": lambda task_id: str(request.url_for("admin:inspection-tasks-task", task_id=task_id)),
                "plan_url": lambda plan_id: str(request.url_for("admin:spot-check-plan", plan_id=plan_id)),
                "entity_url": lambda entity_id: str(
                    request.url_for("admin:detail", key="market-entity").include_query_params(pk=entity_id)
                ),
            },
            status_code=400 if query.problem else status,
        )

    @route("/export.{ext:str}", methods=["GET"], name="performance-export")
    async def export(self, request: Request) -> Response:
        ext = str(request.path_params["ext"])
        if ext not in ("csv", "xlsx"):
            return Response("不支持的格式", status_code=404)
        query = PageQuery.of(request.query_params)
        rows, problems = await self._ranking(request, query)
        if problems:
            return Response("；".join(problems), status_code=400, media_type="text/plain; charset=utf-8")
        header, body = _sheet(rows)
        if ext == "csv":
            content = await anyio.to_thread.run_sync(write_csv, header, body)
        else:
            content = await anyio.to_thread.run_sync(write_xlsx, "绩效考核", header, body)
        assert self.db is not None
        await run_as(self.db, request, lambda session: record_export(session, "DepartmentPerformance", "绩效考核", ext,
                                                                     urlencode(query.period()), len(body)))  # fmt: skip
        return sheet_download(content, ext, f"绩效考核-{query.start:%Y%m%d}-{query.end:%Y%m%d}", "performance")
