"""首页: entities by district, status and colour (tables, map and charts), and, once the period form is
submitted, the statistics of that period as charts (each with its table and a CSV), as the signed-in
user may see them.

Everyone lands here after signing in, so by default the page costs one grouped statement (the stock);
a period's statistics (seconds at a million entities) are read only when asked for, and kept a few
minutes (services.analysis.cache)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui import charts
from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from admin_ui.district_map import district_map
from admin_ui.export import sheet_download
from models.enums import EntityStatus, NoticeStatus, RiskColour
from services.analysis.statistics import EntityStock, Statistics, districts, statistics, stock
from services.notices.inbox import inbox_counts
from services.platform.access import may_handle
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.exports import record_export
from services.platform.labels import label
from services.platform.sheets import write_csv


@dataclass(frozen=True)
class Asked:
    """The period picker as the page's query string gives it (the last 12 months by default)."""

    start: date
    end: date
    region: str
    problems: list[str]
    given: bool  # the period form was submitted (or a link carries a period): the period's charts wanted


def default_period(day: date) -> tuple[date, date]:
    """The last 12 calendar months, this one included: the monthly chart shows whole months."""
    month = day.year * 12 + day.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1), day


def asked(request: Request) -> Asked:
    start, end = default_period(today())
    problems: list[str] = []
    for name, fallback in (("from", start), ("to", end)):
        given = request.query_params.get(name, "").strip()
        try:
            value = date.fromisoformat(given) if given else fallback
        except ValueError:
            problems.append(f"日期“{given[:20]}”应为 YYYY-MM-DD 格式")
            value = fallback
        if name == "from":
            start = value
        else:
            end = value
    submitted = any(name in request.query_params for name in ("from", "to", "region"))
    return Asked(start, end, request.query_params.get("region", "").strip(), problems, submitted)


class DashboardView(CustomView):
    def __init__(self, db: Database) -> None:
        super().__init__(menu_label="首页", icon="fa fa-chart-bar", path="/")
        self.db = db

    @route("")
    async def index(self, request: Request) -> Response:
        session = request.state.session
        wanted = asked(request)
        problems = list(wanted.problems)
        stats: EntityStock
        if not wanted.given:
            stats = await stock(session)
        else:
            try:
                stats = await statistics(session, wanted.start, wanted.end, wanted.region)
            except DomainError as error:  # the page stays useful: the default period, the reasons shown
                problems += [p.message for p in error.problems]
                stats = await statistics(session, *default_period(today()))
        period = (stats.start, stats.end) if isinstance(stats, Statistics) else (wanted.start, wanted.end)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="dashboard.html",
            context={
                "title": "首页",
                "statuses": [(status, label(status)) for status in EntityStatus],
                "colours": [(colour, label(colour)) for colour in RiskColour],
                "counts": stats.districts,
                "district_map": district_map(request, stats.districts),
                "total": stats.total_entities,
                "stats": stats,
                "charts": charts.charts(stats),
                "column_label": charts.column_label,
                "problems": problems,
                "asked": wanted,
                "period": period,
                "with_period": isinstance(stats, Statistics),
                "districts": await districts(session),
                "notices": await inbox_counts(session),
                "notice_statuses": {status.value: label(status) for status in NoticeStatus},
                "handles_notices": may_handle(principal_of_request(request)),
                "inbox_url": str(request.url_for("admin:notice-inbox")),
                "csv_url": str(request.url_for("admin:statistics-csv")),
            },
        )

    @route("/statistics.csv", name="statistics-csv")
    async def csv(self, request: Request) -> Response:
        """One chart's numbers: the same period and district as the page that links to it."""
        spec = charts.BY_SLUG.get(request.query_params.get("chart", ""))
        wanted = asked(request)
        if spec is None or wanted.problems:
            return PlainTextResponse("没有这个图表，或日期格式不对", status_code=400)
        session = request.state.session
        try:
            stats = await statistics(session, wanted.start, wanted.end, wanted.region)
        except DomainError as error:
            return PlainTextResponse("；".join(p.message for p in error.problems), status_code=400)
        header, rows = charts.csv_table(charts.chart(spec, getattr(stats, spec.slug)))
        name = f"{spec.title}-{stats.start:%Y%m%d}至{stats.end:%Y%m%d}"
        content = write_csv(header, rows)
        # One audit event per exported file, as for every list and the 绩效考核 ranking.
        query = urlencode({"chart": spec.slug, "from": stats.start, "to": stats.end, "region": stats.region_code or ""})
        await run_as(self.db, request, lambda s: record_export(s, "Statistics", spec.title, "csv", query, len(rows)))
        return sheet_download(content, "csv", name, f"statistics-{spec.slug}")
