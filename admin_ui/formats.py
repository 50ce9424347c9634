"""How the admin writes numbers, money and places for people: separators, units, names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from starlette.requests import Request

from services.platform import clock
from services.registry.industries import section_name
from services.registry.regions import regions_by_codes


def amount(value: Decimal | None) -> str:
    """Money in a column headed with its unit: `10,000,000.00`."""
    return f"{value:,.2f}" if value is not None else ""


def yuan(value: Decimal | None) -> str:
    """注册资本 and the like: `10,000,000.00 元`."""
    return f"{amount(value)} 元" if value is not None else ""


def percent(value: Decimal | None) -> str:
    """A share as people write it: `10%`, `33.33%`, never `1E+1%`."""
    if value is None:
        return ""
    return f"{format(value.normalize(), 'f')}%"


def named(name: str, code: str) -> str:
    """`中山区（210202）`; the bare code when it has no name."""
    return f"{name}（{code}）" if name else code


def industry(code: str) -> str:
    """`住宿和餐饮业（H6241）`: the code's section of GB/T 4754-2017 by name, the code beside it."""
    return named(section_name(code), code)


async def region_names(request: Request, codes: Iterable[str]) -> dict[str, str]:
    """Regions' names by code, each looked up once in a request (a list page asks for its rows at once)."""
    known: dict[str, str] | None = getattr(request.state, "region_names", None)
    if known is None:
        known = request.state.region_names = {}
    missing = sorted({code for code in codes if code and code not in known})
    if missing:
        found = await regions_by_codes(request.state.session, missing)
        known.update({code: region.name if region else "" for code, region in zip(missing, found, strict=True)})
    return known


def beijing(moment: datetime | None) -> str:
    """A stored moment as the pages show it: Beijing time, to the minute."""
    return clock.beijing(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
