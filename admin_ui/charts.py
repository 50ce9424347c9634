"""The admin home's charts, drawn on the server as SVG: each breakdown of services.analysis.statistics
becomes bars laid out here (no script, no build step), shown by the `_charts.html` macros with the
same numbers as a table, and as a CSV download."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.analysis.statistics import Count, EntityStock, Statistics

# Geometry, in SVG user units; the SVG scales to its card's width.
WIDTH = 640
LABEL_WIDTH = 230  # Chinese labels of up to about 15 characters
VALUE_WIDTH = 90
ROW = 26
BAR = 18
TOP = 8
COLUMN_AREA = 180
COLUMN_FOOT = 34  # month labels under the columns


class Shape(StrEnum):
    BARS = "bars"  # one horizontal bar a row, labelled on the left
    COLUMNS = "columns"  # one column a month, left to right


@dataclass(frozen=True)
class ChartSpec:
    slug: str  # the breakdown's attribute on Statistics, and the CSV's name in ASCII
    title: str
    shape: Shape = Shape.BARS
    amount_title: str | None = None  # a second figure per row (fines in yuan)
    overlapping: bool = False  # one record may count under several bars: their sum counts no real total


# In the page's order. The colour chart paints each bar its own colour (class colour-<key>).
SPECS: tuple[ChartSpec, ...] = (
    ChartSpec("registrations_by_month", "每月新设市场主体", Shape.COLUMNS),
    ChartSpec("entities_by_region", "市场主体：按行政区划"),
    ChartSpec("entities_by_industry", "市场主体：按行业门类"),
    ChartSpec("entities_by_type", "市场主体：按主体类型"),
    ChartSpec("entities_by_status", "市场主体：按登记状态"),
    ChartSpec("entities_by_colour", "市场主体：按四色警示"),
    ChartSpec("licenses_by_department", "行政许可：按许可机关"),
    ChartSpec("licenses_by_category", "行政许可：按许可类别"),
    ChartSpec("penalties_by_department", "行政处罚：按处罚机关（不含已撤销）", amount_title="罚款金额（元）"),
    ChartSpec(
        "penalties_by_category", "行政处罚：按处罚类别（不含已撤销）", amount_title="罚款金额（元）", overlapping=True
    ),
    ChartSpec("withdrawn_penalties_by_department", "已撤销的行政处罚：按处罚机关", amount_title="罚款金额（元）"),
    ChartSpec("complaints_by_department", "投诉：按部门"),
    ChartSpec("complaints_by_category", "投诉：按类别"),
    ChartSpec("notices_by_department", "双告知：按接收部门"),
    ChartSpec("notices_by_status", "双告知：按状态"),
    ChartSpec("inspections_by_department", "检查任务（期间内到期）：按部门"),
    ChartSpec("inspections_by_status", "检查任务（期间内到期）：按状态"),
    ChartSpec("results_by_department", "检查结果：按部门"),
    ChartSpec("results_by_category", "检查结果：按结果类别", overlapping=True),
)
BY_SLUG = {spec.slug: spec for spec in SPECS}


@dataclass(frozen=True)
class Bar:
    count: Count
    x: float
    y: float
    width: float
    height: float
    label_x: float  # where the row's or column's label is written
    label_y: float
    value_x: float  # where its number is written
    value_y: float


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec
    bars: list[Bar]
    width: int
    height: int

    @property
    def total(self) -> int:
        return sum(bar.count.count for bar in self.bars)

    @property
    def total_amount(self) -> Decimal | None:
        if self.spec.amount_title is None:
            return None
        return sum((bar.count.amount or Decimal("0.00") for bar in self.bars), Decimal("0.00"))


def _bars(counts: list[Count]) -> tuple[list[Bar], int]:
    largest = max((c.count for c in counts), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, count in enumerate(counts):
        y = TOP + i * ROW
        width = room * count.count / largest
        bars.append(
            Bar(count, LABEL_WIDTH, y, round(width, 1), BAR, LABEL_WIDTH - 8, y + BAR - 4, LABEL_WIDTH + width + 6,
                y + BAR - 4)
        )  # fmt: skip
    return bars, TOP * 2 + max(len(counts), 1) * ROW


def _columns(counts: list[Count]) -> tuple[list[Bar], int]:
    largest = max((c.count for c in counts), default=0) or 1
    step = (WIDTH - 20) / max(len(counts), 1)
    bottom = TOP + 16 + COLUMN_AREA
    bars = []
    for i, count in enumerate(counts):
        height = COLUMN_AREA * count.count / largest
        x = 10 + i * step
        middle = x + step / 2
        bars.append(
            Bar(count, round(x + step * 0.15, 1), round(bottom - height, 1), round(step * 0.7, 1), round(height, 1),
                round(middle, 1), bottom + 18, round(middle, 1), round(bottom - height - 4, 1))
        )  # fmt: skip
    return bars, bottom + COLUMN_FOOT


def chart(spec: ChartSpec, counts: list[Count]) -> Chart:
    bars, height = _columns(counts) if spec.shape is Shape.COLUMNS else _bars(counts)
    return Chart(spec, bars, WIDTH, height)


def charts(stats: Statistics | EntityStock) -> list[Chart]:
    """Every chart the answer holds: all of them for a period's statistics, the entities' for the stock."""
    return [chart(spec, getattr(stats, spec.slug)) for spec in SPECS if hasattr(stats, spec.slug)]


def column_label(count: Count) -> str:
    """A month's short label under its column: 1月 … 12月, with the year in January."""
    year, month = count.key.split("-")
    return f"{year}年1月" if month == "01" else f"{int(month)}月"


def csv_table(chart_: Chart) -> tuple[list[str], list[list[object]]]:
    """The chart's numbers as a CSV gives them: code, name, count (and the amount)."""
    header = ["代码", "名称", "数量"]
    if chart_.spec.amount_title:
        header.append(chart_.spec.amount_title)
    rows: list[list[object]] = []
    for bar in chart_.bars:
        row: list[object] = [bar.count.key, bar.count.label, bar.count.count]
        if chart_.spec.amount_title:
            row.append(f"{bar.count.amount or Decimal('0.00'):.2f}")
        rows.append(row)
    return header, rows
