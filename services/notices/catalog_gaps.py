"""目录缺口: what the duty catalog misses, for its maintainers (domain.md, 双告知 steps 4–5).

Two lists: the business-scope phrases of entities in the open pool that no matter answers
to (grouped by phrase, most entities first), and the notices departments returned as not
theirs (grouped by matter and department, with the reasons they gave)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import NoticeStatus
from services.catalog import catalog_versions
from services.catalog.scope import ScopeMatcher
from services.notices.notices import count_pool, in_pool
from services.platform.access import principal_of, require_maintainer
from services.platform.clock import today

SCAN_LIMIT = 5_000
SAMPLES = 3
REASONS = 5
MAX_GROUPS = 200


@dataclass(frozen=True)
class EntitySample:
    id: int
    uscc: str
    name: str


@dataclass(frozen=True)
class PhraseGap:
    phrase: str
    entities: int
    samples: list[EntitySample]


@dataclass(frozen=True)
class UnmatchedPhrases:
    phrases: list[PhraseGap]  # most entities first, at most MAX_GROUPS
    distinct: int  # how many phrases there were in all
    scanned: int  # pool entities read (the newest, at most scan_limit)
    pool_size: int
    matched_on: date
    version: str | None  # the published catalog version matched against; None before the first


@dataclass(frozen=True)
class ReturnedGroup:
    matter_id: int
    matter_code: str
    matter_name: str
    department_code: str
    department_name: str
    notices: int
    reasons: list[tuple[str, int]]  # the most given first, at most REASONS
    samples: list[EntitySample]


async def unmatched_phrases(session: AsyncSession, scan_limit: int = SCAN_LIMIT) -> UnmatchedPhrases:
    """The phrases the published catalog (the one routing uses) does not match, in the
    business scopes of the newest `scan_limit` entities of the open pool: a matter added
    but not yet published has not closed its gap, since new registrations still miss it."""
    require_maintainer(principal_of(session))
    on = today()
    published = await catalog_versions.current(session)
    matcher = published.matcher_on(on) if published else ScopeMatcher([])
    pool_size = await count_pool(session)
    rows = await session.execute(
        sa_select(
            col(MarketEntity.id),
            col(MarketEntity.uscc),
            col(MarketEntity.name),
            col(MarketEntity.business_scope),
            col(MarketEntity.scope_entry_codes),
        )
        .where(in_pool())
        .order_by(col(MarketEntity.id).desc())
        .limit(scan_limit)
    )
    counts: Counter[str] = Counter()
    samples: dict[str, list[EntitySample]] = {}
    scanned = 0
    for entity_id, uscc, name, scope, entry_codes in rows:
        scanned += 1
        for phrase in matcher.match(scope, entry_codes or ()).unmatched:
            counts[phrase] += 1
            found = samples.setdefault(phrase, [])
            if len(found) < SAMPLES:
                found.append(EntitySample(entity_id or 0, uscc, name))  # a primary key: never 0
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_GROUPS]
    return UnmatchedPhrases(
        [PhraseGap(phrase, count, samples[phrase]) for phrase, count in ranked],
        len(counts),
        scanned,
        pool_size,
        on,
        published.name if published else None,
    )


async def returned_notices(session: AsyncSession) -> list[ReturnedGroup]:
    """Returned notices by matter and department, the most returned first; three queries
    (groups, reasons, samples), each ranked in SQL, whatever the number of notices."""
    require_maintainer(principal_of(session))
    returned = col(Notice.status) == NoticeStatus.RETURNED
    groups = (
        await session.execute(
            sa_select(
                col(Notice.matter_id),
                col(Notice.department_id),
                col(SupervisionMatter.code),
                col(SupervisionMatter.name),
                col(Department.code),
                col(Department.name),
                func.count(col(Notice.id)).label("notices"),
            )
            .join(SupervisionMatter, col(SupervisionMatter.id) == Notice.matter_id)
            .join(Department, col(Department.id) == Notice.department_id)
            .where(returned)
            .group_by(
                col(Notice.matter_id),
                col(Notice.department_id),
                col(SupervisionMatter.code),
                col(SupervisionMatter.name),
                col(Department.code),
                col(Department.name),
            )
            .order_by(func.count(col(Notice.id)).desc(), col(SupervisionMatter.code), col(Department.code))
            .limit(MAX_GROUPS)
        )
    ).all()
    if not groups:
        return []
    keys = [(int(g[0]), int(g[1])) for g in groups]
    reasons = await _top_reasons(session, keys)
    samples = await _returned_samples(session, keys)
    return [
        ReturnedGroup(int(g[0]), g[2], g[3], g[4], g[5], int(g[6]), reasons.get(key, []), samples.get(key, []))
        for g, key in zip(groups, keys, strict=True)
    ]


def _of_groups(keys: list[tuple[int, int]]) -> ColumnElement[bool]:
    matters = {m for m, _ in keys}
    departments = {d for _, d in keys}
    return col(Notice.matter_id).in_(matters) & col(Notice.department_id).in_(departments)


async def _top_reasons(
    session: AsyncSession, keys: list[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[str, int]]]:
    given = func.count(col(Notice.id))
    ranked = (
        sa_select(
            col(Notice.matter_id),
            col(Notice.department_id),
            col(Notice.note),
            given.label("given"),
            func.row_number()
            .over(
                partition_by=(col(Notice.matter_id), col(Notice.department_id)),
                order_by=(given.desc(), col(Notice.note)),
            )
            .label("rank"),
        )
        .where(col(Notice.status) == NoticeStatus.RETURNED, _of_groups(keys))
        .group_by(col(Notice.matter_id), col(Notice.department_id), col(Notice.note))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.matter_id, ranked.c.department_id, ranked.c.note, ranked.c.given)
        .where(ranked.c.rank <= REASONS)
        .order_by(ranked.c.matter_id, ranked.c.department_id, ranked.c.rank)
    )
    found: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for matter_id, department_id, note, count in rows:
        found.setdefault((int(matter_id), int(department_id)), []).append((note or "", int(count)))
    return found


async def _returned_samples(
    session: AsyncSession, keys: list[tuple[int, int]]
) -> dict[tuple[int, int], list[EntitySample]]:
    ranked = (
        select(
            col(Notice.matter_id),
            col(Notice.department_id),
            col(Notice.entity_id),
            func.row_number()
            .over(partition_by=(col(Notice.matter_id), col(Notice.department_id)), order_by=col(Notice.id).desc())
            .label("rank"),
        )
        .where(col(Notice.status) == NoticeStatus.RETURNED, _of_groups(keys))
        .subquery()
    )
    rows = await session.execute(
        sa_select(
            ranked.c.matter_id,
            ranked.c.department_id,
            ranked.c.entity_id,
            col(MarketEntity.uscc),
            col(MarketEntity.name),
        )
        .join(MarketEntity, col(MarketEntity.id) == ranked.c.entity_id)
        .where(ranked.c.rank <= SAMPLES)
        .order_by(ranked.c.matter_id, ranked.c.department_id, ranked.c.rank)
    )
    found: dict[tuple[int, int], list[EntitySample]] = {}
    for matter_id, department_id, entity_id, uscc, name in rows:
        found.setdefault((int(matter_id), int(department_id)), []).append(EntitySample(int(entity_id), uscc, name))
    return found
