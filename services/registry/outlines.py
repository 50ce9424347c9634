"""District outlines (data/districts.geojson): what the dashboard's map draws and the demo city
places its entities in. Schematic, drawn by hand; a city replaces the file with its own
(data/README.md says how).

Plain floats: an outline is a picture and a sampling area, never a rule about a record. Point in
polygon is the even-odd ray test over every ring, so a ring inside another is a hole."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

OUTLINES = Path(__file__).parent / "data" / "districts.geojson"

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude), closed or not


@dataclass(frozen=True)
class Outline:
    code: str  # GB/T 2260
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each: its outer ring, then any holes

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """West, south, east, north."""
        points = [point for polygon in self.polygons for ring in polygon for point in ring]
        return (
            min(p[0] for p in points),
            min(p[1] for p in points),
            max(p[0] for p in points),
            max(p[1] for p in points),
        )

    def contains(self, longitude: float, latitude: float) -> bool:
        return any(_inside(polygon, longitude, latitude) for polygon in self.polygons)


def _inside(polygon: tuple[Ring, ...], x: float, y: float) -> bool:
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _polygons(geometry: dict[str, object]) -> tuple[tuple[Ring, ...], ...]:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    shapes = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(shapes, list):
        raise ValueError(f"an outline is a Polygon or MultiPolygon, not {kind}")
    return tuple(tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in shape) for shape in shapes)


@cache
def load(path: Path = OUTLINES) -> dict[str, Outline]:
    """The outlines by region code, in the file's order (a GeoJSON FeatureCollection whose
    features carry `code` and `name` properties)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, Outline] = {}
    for feature in document["features"]:
        properties = feature["properties"]
        code = str(properties["code"])
        found[code] = Outline(code, str(properties.get("name", code)), _polygons(feature["geometry"]))
    return found
