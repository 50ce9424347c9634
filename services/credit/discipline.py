"""联合惩戒: the discipline-measure catalog, and what discipline follows for an entity now.

The level follows from the lists the entity stands on today: BANNED on the serious-dishonest
list, else RESTRICTED on the abnormal-operation list, else NONE. The reasons are those standing
listings; the measures are the active catalog entries of every kind it stands on.

Any authenticated caller may ask about any entity of the city, whatever its jurisdiction: joint
discipline is applied by every department (a procurement or licensing desk checks each bidder
or applicant), and the verdict shows no more than the public sees of the listings, plus the
catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import DisciplineMeasure, Listing, MarketEntity
from models.enums import DisciplineLevel, ListingKind
from services.credit.listing_rules import standing_on
from services.platform import checks
from services.platform.access import UNRESTRICTED, principal_of, require_authenticated, require_maintainer
from services.platform.clock import today
from services.platform.errors import Collector, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import Upserted, upsert
from services.registry import uscc

# The most severe list decides the level.
_LEVELS = (
    (ListingKind.SERIOUS_DISHONEST, DisciplineLevel.BANNED),
    (ListingKind.ABNORMAL_OPERATION, DisciplineLevel.RESTRICTED),
)


@dataclass(frozen=True)
class DisciplineVerdict:
    level: DisciplineLevel
    as_of: date
    reasons: list[Listing] = field(default_factory=list)  # the listings that stand, newest first
    measures: list[DisciplineMeasure] = field(default_factory=list)


def verdict(standing: Sequence[Listing], measures: Sequence[DisciplineMeasure], on: date) -> DisciplineVerdict:
    """From the listings that stand and the active catalog: the level, its reasons and measures."""
    kinds = {listing.kind for listing in standing}
    level = next((level for kind, level in _LEVELS if kind in kinds), DisciplineLevel.NONE)
    return DisciplineVerdict(level, on, list(standing), [m for m in measures if m.listing_kind in kinds])


async def _active_measures(session: AsyncSession) -> list[DisciplineMeasure]:
    query = select(DisciplineMeasure).where(col(DisciplineMeasure.active)).order_by(col(DisciplineMeasure.code))
    return list((await session.scalars(query)).all())


async def verdicts_of(session: AsyncSession, entity_ids: Sequence[int]) -> list[DisciplineVerdict]:
    """For a DataLoader: each entity's verdict today, in two statements whatever the batch."""
    require_authenticated(principal_of(session))
    on = today()
    rows = await session.scalars(
        select(Listing)
        .where(col(Listing.entity_id).in_(list(entity_ids)), standing_on(on))
        .order_by(col(Listing.listed_on).desc(), col(Listing.id).desc())
    )
    standing: dict[int, list[Listing]] = {key: [] for key in entity_ids}
    for row in rows:
        standing[row.entity_id].append(row)
    measures = await _active_measures(session) if any(standing.values()) else []
    return [verdict(standing[key], measures, on) for key in entity_ids]


async def discipline(session: AsyncSession, code: str) -> DisciplineVerdict | None:
    """discipline(uscc): the verdict for one entity of the city now; None when it is unknown."""
    require_authenticated(principal_of(session))
    problems = Collector()
    normalised = uscc.checked_uscc(code, problems).code
    problems.raise_if_any()
    entity_id = await session.scalar(
        select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == normalised).execution_options(**UNRESTRICTED)
    )
    if entity_id is None:
        return None
    [found] = await verdicts_of(session, [entity_id])
    return found


# -- the catalog (惩戒措施), kept by maintainers -------------------------------------------------------


@dataclass(frozen=True)
class MeasureInput:
    code: str
    name: str
    listing_kind: ListingKind
    legal_basis: str
    applied_by: str  # 实施部门
    active: bool = True


async def upsert_discipline_measure(
    session: AsyncSession, data: MeasureInput, expect: Expect = Expect.ANY
) -> Upserted[DisciplineMeasure]:
    """One catalog entry by its code, audited when it changes."""
    require_maintainer(principal_of(session))
    problems = Collector()
    code = checks.code(data.code, checks.MEASURE_CODE, "code", problems)
    name = checks.text(data.name, "措施名称", "name", problems, limit=column_limit(DisciplineMeasure.name))
    basis = checks.text(data.legal_basis, "法律依据", "legalBasis", problems, limit=4000)
    applied_by = checks.text(
        data.applied_by, "实施部门", "appliedBy", problems, limit=column_limit(DisciplineMeasure.applied_by)
    )
    problems.raise_if_any()

    values: dict[str, object] = {"name": name, "listing_kind": data.listing_kind, "legal_basis": basis,
                                 "applied_by": applied_by, "active": data.active}  # fmt: skip
    return await upsert(
        session,
        DisciplineMeasure,
        {"code": code},
        values,
        expect=expect,
        label="惩戒措施",
        action="discipline_measure.upserted",
        exclude=("id", "created_at", "updated_at"),
        stamp="updated_at",
    )


async def list_measures(
    session: AsyncSession, listing_kind: ListingKind | None = None, active: bool | None = None
) -> list[DisciplineMeasure]:
    require_authenticated(principal_of(session))
    query = select(DisciplineMeasure).order_by(col(DisciplineMeasure.code))
    if listing_kind is not None:
        query = query.where(col(DisciplineMeasure.listing_kind) == listing_kind)
    if active is not None:
        query = query.where(col(DisciplineMeasure.active) == active)
    return list((await session.scalars(query)).all())
