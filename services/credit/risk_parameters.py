"""The colour rules' thresholds (四色警示), kept by catalog maintainers.

Each setting is a new row, audited; the newest is in force from the next evaluation, and
services.credit.risk re-rates every stored colour by it at once.
Until a maintainer sets any, the values of domain.md hold."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import RiskParameters
from services.platform import audit
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.errors import Collector

MAX_WINDOW_DAYS = 3650
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Parameters:
    window_days: int = 730
    yellow_penalties: int = 1  # from 1 effective penalty in the window: YELLOW
    red_penalties: int = 3  # from 3: RED
    complaint_count: int = 4  # the resolution rate counts from 4 complaints in the window
    red_resolution_rate: Decimal = Decimal(50)  # percent: below it, RED
    yellow_resolution_rate: Decimal = Decimal(80)  # percent: below it (and not below red), YELLOW


DEFAULTS = Parameters()


async def current_parameters(session: AsyncSession) -> Parameters:
    row = await session.scalar(select(RiskParameters).order_by(col(RiskParameters.id).desc()).limit(1))
    if row is None:
        return DEFAULTS
    return Parameters(
        row.window_days,
        row.yellow_penalties,
        row.red_penalties,
        row.complaint_count,
        row.red_resolution_rate,
        row.yellow_resolution_rate,
    )


async def parameters_in_force(session: AsyncSession) -> Parameters:
    """What the rules use now: internal, for any signed-in caller."""
    require_authenticated(principal_of(session))
    return await current_parameters(session)


@dataclass(frozen=True)
class InForce:
    """One threshold as the rules use it now, and where its value came from."""

    name: str  # a Parameters field
    value: int | Decimal
    default: int | Decimal  # domain.md's
    set_by: str | None  # None: domain.md's default, no maintainer has changed it
    set_at: datetime | None


async def parameters_with_source(session: AsyncSession) -> list[InForce]:
    """Every threshold in force, each with the setting that gave it its value: each setting stores all
    six, so a value's source is the oldest of the newest settings that all hold it; a value no setting
    has moved from domain.md's is the default, even after other thresholds were set."""
    require_authenticated(principal_of(session))
    settings = list(await session.scalars(select(RiskParameters).order_by(col(RiskParameters.id).desc())))
    found: list[InForce] = []
    for field in fields(Parameters):
        default = getattr(DEFAULTS, field.name)
        value = getattr(settings[0], field.name) if settings else default
        source: RiskParameters | None = None
        for setting in settings:  # newest first, back to the setting that last changed it
            if getattr(setting, field.name) != value:
                break
            source = setting
        if source is not None and source is settings[-1] and value == default:
            source = None  # the first setting kept domain.md's value
        found.append(InForce(field.name, value, default, source.set_by if source else None,
                             source.set_at if source else None))  # fmt: skip
    return found


def checked(parameters: Parameters) -> Parameters:
    """Thresholds that make sense together: a yellow limit never above the red one."""
    problems = Collector()
    p = parameters
    if not 1 <= p.window_days <= MAX_WINDOW_DAYS:
        problems.add("OUT_OF_RANGE", f"统计窗口须为 1 至 {MAX_WINDOW_DAYS} 天", "windowDays")
    if p.yellow_penalties < 1:
        problems.add("OUT_OF_RANGE", "黄色的处罚次数下限至少为 1", "yellowPenalties")
    if p.red_penalties <= p.yellow_penalties:
        problems.add("CONTRADICTORY_THRESHOLDS", "红色的处罚次数下限须大于黄色的下限", "redPenalties")
    if p.complaint_count < 1:
        problems.add("OUT_OF_RANGE", "投诉件数下限至少为 1", "complaintCount")
    rates = {"redResolutionRate": p.red_resolution_rate, "yellowResolutionRate": p.yellow_resolution_rate}
    for field, rate in rates.items():
        # NaN and sNaN compare by raising, Infinity is no rate: finite before anything else.
        if not rate.is_finite() or not 0 < rate <= HUNDRED or rate != rate.quantize(Decimal("0.01")):
            problems.add("OUT_OF_RANGE", "办结率须大于 0、不超过 100，最多两位小数", field)
    finite = all(rate.is_finite() for rate in rates.values())
    if finite and p.red_resolution_rate >= p.yellow_resolution_rate:
        problems.add("CONTRADICTORY_THRESHOLDS", "红色的办结率界限须低于黄色的界限", "redResolutionRate")
    problems.raise_if_any()
    return parameters


async def store_parameters(session: AsyncSession, parameters: Parameters) -> bool:
    """A maintainer's new thresholds, checked and audited (services.credit.risk.set_rule_parameters
    re-rates by them); False when they are the ones in force."""
    principal = principal_of(session)
    require_maintainer(principal)
    checked(parameters)
    before = await current_parameters(session)
    if before == parameters:
        return False
    session.add(RiskParameters(**asdict(parameters), set_by=principal.name[:128]))
    await session.flush()
    await audit.record(session, "risk.parameters_set", "RiskParameters", "current",
                       audit.jsonable(asdict(before)), audit.jsonable(asdict(parameters)))  # fmt: skip
    return True
