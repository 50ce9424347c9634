"""The dashboard's district map: a choropleth drawn on the server as SVG (templates/_district_map.html).

Each district of the outlines file (services.registry.outlines) is one link to the registry
filtered to it, shaded by the share of its entities rated RED or BLACK, with the counts of each
colour in its title; the same counts stand in a table below it. Counts are the caller's own
(services.analysis.statistics, its stock by district), so a district user's map names and links only its
district: the others are drawn as unnamed grey shapes, the outline of the city.

The projection is equirectangular with longitude scaled by the cosine of the middle latitude:
at a city's size that is as true as any map projection. The city's districts differ in size by a
hundredfold, so the small central ones are drawn again, enlarged, in a panel of their own."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from starlette.requests import Request

from models.enums import RiskColour
from services.analysis.statistics import DistrictCounts
from services.platform.labels import label
from services.registry import outlines

MAP_WIDTH = 560.0  # the whole city, in SVG units
INSET_WIDTH = 220.0  # the enlarged centre
GAP = 16.0
MARGIN = 4.0
# The city centre, enlarged: west, south, east, north.
INSET_BOUNDS = (121.505, 38.852, 121.735, 38.955)
# Below this width (SVG units) a district is labelled in the enlarged panel only.
LABEL_MIN_WIDTH = 40.0
ALERT_COLOURS = (RiskColour.RED, RiskColour.BLACK)
# Shades by the share of RED and BLACK entities: (upper bound, exclusive; legend text).
SHADES: tuple[tuple[float, str], ...] = (
    (0.0, "无红色、黑色"),
    (0.05, "5% 以下"),
    (0.10, "5%–10%"),
    (0.20, "10%–20%"),
    (math.inf, "20% 及以上"),
)


@dataclass(frozen=True)
class ColourCount:
    colour: RiskColour
    label: str
    count: int


@dataclass(frozen=True)
class MapDistrict:
    code: str
    name: str
    href: str | None  # none when the caller sees none of its entities
    total: int
    colours: list[ColourCount]
    alerted: int  # RED and BLACK
    shade: int | None  # index into SHADES; none without entities
    path: str  # in the whole city's map
    inset_path: str | None  # in the enlarged centre, when it reaches there
    label_at: tuple[float, float] | None  # in the whole map, when it is large enough there
    inset_label_at: tuple[float, float] | None

    @property
    def share_text(self) -> str:
        return f"{self.alerted / self.total:.1%}" if self.total else "—"

    @property
    def title(self) -> str:
        counts = "，".join(f"{c.label} {c.count}" for c in self.colours)
        return f"{self.name}（{self.code}）：共 {self.total} 户；{counts}；红色和黑色占 {self.share_text}"


@dataclass(frozen=True)
class Panel:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class DistrictMap:
    width: float
    height: float
    districts: list[MapDistrict]
    inset: Panel  # where the enlarged centre is drawn
    inset_marker: Panel  # the centre's box on the whole map
    legend: list[tuple[int, str]]
    unmapped: list[DistrictCounts]  # counted, but not in the outlines file
    colours: list[tuple[RiskColour, str]]


class _Projection:
    """Longitude/latitude to SVG units inside a panel, north up."""

    def __init__(self, bounds: tuple[float, float, float, float], x: float, y: float, width: float) -> None:
        west, south, east, north = bounds
        self.west, self.north = west, north
        self.scale_x = math.cos(math.radians((south + north) / 2))
        self.unit = width / ((east - west) * self.scale_x)
        self.x, self.y = x, y
        self.height = (north - south) * self.unit

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            self.x + (longitude - self.west) * self.scale_x * self.unit,
            self.y + (self.north - latitude) * self.unit,
        )

    def path(self, outline: outlines.Outline) -> str:
        parts = []
        for polygon in outline.polygons:
            for ring in polygon:
                points = [self.point(lon, lat) for lon, lat in ring]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
        return " ".join(parts)

    def label_at(self, outline: outlines.Outline) -> tuple[float, float]:
        """The middle of the largest ring's points: inside for the shapes a district has."""
        ring = max((polygon[0] for polygon in outline.polygons), key=_area)
        x, y = self.point(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
        return round(x, 1), round(y, 1)

    def width_of(self, outline: outlines.Outline) -> float:
        west, _, east, _ = outline.bounds
        return (east - west) * self.scale_x * self.unit


def _area(ring: outlines.Ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _overlaps(bounds: tuple[float, float, float, float], other: tuple[float, float, float, float]) -> bool:
    return bounds[0] < other[2] and other[0] < bounds[2] and bounds[1] < other[3] and other[1] < bounds[3]


def _union(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    found = list(boxes)
    return (min(b[0] for b in found), min(b[1] for b in found), max(b[2] for b in found), max(b[3] for b in found))


def shade_of(alerted: int, total: int) -> int | None:
    if not total:
        return None
    share = alerted / total
    if share == 0:
        return 0
    return next(index for index, (bound, _) in enumerate(SHADES) if index and share < bound)


def registry_url(request: Request, region_code: str) -> str:
    """The registry's list page with its district quick filter set (admin_ui.quick_filters)."""
    listed = request.url_for("admin:list", key="market-entity").include_query_params(
        filter=f"region_code__eq={region_code}"
    )
    return f"{listed.path}?{listed.query}"


def district_map(
    request: Request, counts: Sequence[DistrictCounts], drawn: dict[str, outlines.Outline] | None = None
) -> DistrictMap:
    """The map of every district in the outlines file, shaded by the caller's counts."""
    shapes = outlines.load() if drawn is None else drawn
    by_code = {row.region_code: row for row in counts}
    whole = _Projection(_union(o.bounds for o in shapes.values()), MARGIN, MARGIN, MAP_WIDTH)
    inset = _Projection(INSET_BOUNDS, MARGIN + MAP_WIDTH + GAP, MARGIN, INSET_WIDTH)
    marker_x, marker_y = whole.point(INSET_BOUNDS[0], INSET_BOUNDS[3])
    marker_right, marker_bottom = whole.point(INSET_BOUNDS[2], INSET_BOUNDS[1])
    districts = []
    for code, outline in shapes.items():
        row = by_code.get(code)
        by_colour = row.by_colour if row else {}
        colours = [ColourCount(c, label(c), by_colour.get(c, 0)) for c in RiskColour]
        total = sum(c.count for c in colours)
        alerted = sum(c.count for c in colours if c.colour in ALERT_COLOURS)
        in_inset = _overlaps(outline.bounds, INSET_BOUNDS)
        small = whole.width_of(outline) < LABEL_MIN_WIDTH
        districts.append(
            MapDistrict(
                code=code,
                name=row.region_name if row else outline.name,
                href=registry_url(request, code) if total else None,
                total=total,
                colours=colours,
                alerted=alerted,
                shade=shade_of(alerted, total),
                path=whole.path(outline),
                inset_path=inset.path(outline) if in_inset else None,
                label_at=None if small else whole.label_at(outline),
                inset_label_at=inset.label_at(outline) if in_inset and small else None,
            )
        )
    return DistrictMap(
        width=MARGIN * 2 + MAP_WIDTH + GAP + INSET_WIDTH,
        height=MARGIN * 2 + max(whole.height, inset.height),
        districts=districts,
        inset=Panel(inset.x, inset.y, INSET_WIDTH, round(inset.height, 1)),
        inset_marker=Panel(
            round(marker_x, 1),
            round(marker_y, 1),
            round(marker_right - marker_x, 1),
            round(marker_bottom - marker_y, 1),
        ),
        legend=list(enumerate(text for _, text in SHADES)),
        unmapped=[row for row in counts if row.region_code not in shapes],
        colours=[(c, label(c)) for c in RiskColour],
    )
