"""目录版本: a maintainer publishes the catalog as a version ("2026版"); routing reads
the newest published version, and every notice records the version that routed it.

Maintainers edit matters freely; nothing reaches the departments until it is published.
A published version is frozen (its matters are stored with it), which is also what lets
every worker keep its matcher in memory: a version never changes under it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import CatalogVersion, SupervisionMatter
from models.enums import ApprovalLevel
from services.catalog.catalog import in_force
from services.catalog.scope import MatchRule, ScopeMatcher
from services.platform import audit, checks
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.db import serialise_writers
from services.platform.errors import Collector, DomainError

MAX_NAME = 32
NOTE_LIMIT = 2000  # as long as any other free note
_PUBLISH_LOCK = 0x4A47_4356  # "JGCV"


@dataclass(frozen=True)
class PublishedMatter:
    """What routing needs of a matter, as it stood when its version was published."""

    id: int
    code: str
    name: str
    line: str
    approval_level: ApprovalLevel
    handling_department_id: int | None
    entry_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    claim_deadline_days: int
    effective_from: date
    effective_to: date | None

    def in_force(self, on: date) -> bool:
        return in_force(self.effective_from, self.effective_to, on)

    def frozen(self) -> dict[str, object]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "line": self.line,
            "approval_level": self.approval_level.value,
            "handling_department_id": self.handling_department_id,
            "entry_codes": list(self.entry_codes),
            "keywords": list(self.keywords),
            "claim_deadline_days": self.claim_deadline_days,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
        }

    @classmethod
    def of(cls, matter: SupervisionMatter) -> PublishedMatter:
        assert matter.id is not None
        return cls(
            matter.id,
            matter.code,
            matter.name,
            matter.line,
            matter.approval_level,
            matter.handling_department_id,
            tuple(matter.entry_codes),
            tuple(matter.keywords),
            matter.claim_deadline_days,
            matter.effective_from,
            matter.effective_to,
        )

    @classmethod
    def thawed(cls, data: dict[str, object]) -> PublishedMatter:
        to = data["effective_to"]
        return cls(
            int(str(data["id"])),
            str(data["code"]),
            str(data["name"]),
            str(data["line"]),
            ApprovalLevel(str(data["approval_level"])),
            int(str(data["handling_department_id"])) if data["handling_department_id"] is not None else None,
            tuple(str(c) for c in data["entry_codes"]),  # type: ignore[attr-defined]
            tuple(str(k) for k in data["keywords"]),  # type: ignore[attr-defined]
            int(str(data["claim_deadline_days"])),
            date.fromisoformat(str(data["effective_from"])),
            date.fromisoformat(str(to)) if to else None,
        )


@dataclass
class PublishedCatalog:
    """One published version, ready to route with."""

    version_id: int
    name: str
    matters: dict[str, PublishedMatter]
    _matchers: dict[date, ScopeMatcher] = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[int, PublishedMatter]:
        return {m.id: m for m in self.matters.values()}

    def matcher_on(self, on: date) -> ScopeMatcher:
        """The version's matters in force on a day; built once per day."""
        matcher = self._matchers.get(on)
        if matcher is None:
            matcher = ScopeMatcher(
                MatchRule(m.code, frozenset(m.entry_codes), m.keywords) for m in self.matters.values() if m.in_force(on)
            )
            self._matchers = {on: matcher}  # only today's is ever needed again
        return matcher


# Versions are immutable, so a worker may keep what it has read of them.
_loaded: dict[tuple[int, str, str], PublishedCatalog] = {}


def _digest(frozen: Sequence[dict[str, object]]) -> str:
    return hashlib.sha256(json.dumps(frozen, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


async def _frozen_catalog(session: AsyncSession) -> list[dict[str, object]]:
    matters = (await session.scalars(select(SupervisionMatter).order_by(col(SupervisionMatter.code)))).all()
    return [PublishedMatter.of(m).frozen() for m in matters]


async def publish(session: AsyncSession, name: str, note: str | None = None) -> CatalogVersion:
    """发布目录版本: freeze the catalog as it stands; from now on it routes new notices."""
    principal = principal_of(session)
    require_maintainer(principal)
    problems = Collector()
    cleaned = checks.text(name, "版本名称", "name", problems, limit=MAX_NAME, hint="（如“2026版”）")
    note = checks.optional_text(note, "版本说明", "note", problems, limit=NOTE_LIMIT)
    problems.raise_if_any()
    # Publications take turns, so "newest" is also the last one committed.
    await serialise_writers(session, _PUBLISH_LOCK)
    if await session.scalar(select(CatalogVersion.id).where(col(CatalogVersion.name) == cleaned)):
        raise DomainError("DUPLICATE_VERSION", f"目录版本“{cleaned}”已发布，请使用新的版本名称", "name")
    frozen = await _frozen_catalog(session)
    if not frozen:
        raise DomainError("EMPTY_CATALOG", "目录中还没有监管事项，不能发布", "name")
    digest = _digest(frozen)
    latest = await session.scalar(select(CatalogVersion).order_by(col(CatalogVersion.id).desc()).limit(1))
    if latest is not None and latest.digest == digest:
        raise DomainError("CATALOG_UNCHANGED", f"目录自“{latest.name}”发布以来没有变化，无须发布新版本", "name")
    version = CatalogVersion(
        name=cleaned,
        note=note,
        matters=frozen,
        matter_count=len(frozen),
        digest=digest,
        published_by=principal.name,
    )
    session.add(version)
    await session.flush()
    await audit.record(
        session,
        "catalog.published",
        "CatalogVersion",
        cleaned,
        None,
        {"matters": len(frozen), "digest": digest, "previous": latest.name if latest else None},
    )
    return version


async def _load(session: AsyncSession, version_id: int | None) -> PublishedCatalog | None:
    """The newest version (or the one asked for). Cached by id, digest and name, since one
    process may serve more than one database (the tests do)."""
    query = select(CatalogVersion.id, CatalogVersion.digest, CatalogVersion.name)
    query = (
        query.order_by(col(CatalogVersion.id).desc()).limit(1)
        if version_id is None
        else query.where(col(CatalogVersion.id) == version_id)
    )
    found = (await session.execute(query)).first()
    if found is None:
        return None
    key = (int(found[0]), str(found[1]), str(found[2]))
    cached = _loaded.get(key)
    if cached is None:
        version = await session.get(CatalogVersion, key[0])
        assert version is not None and version.id is not None
        matters = [PublishedMatter.thawed(m) for m in version.matters]
        cached = PublishedCatalog(version.id, version.name, {m.code: m for m in matters})
        _loaded[key] = cached
    return cached


async def current(session: AsyncSession) -> PublishedCatalog | None:
    """The newest published version; None before the first publication (nothing routes)."""
    return await _load(session, None)


async def version_by_id(session: AsyncSession, version_id: int) -> PublishedCatalog | None:
    return await _load(session, version_id)


async def list_versions(session: AsyncSession) -> list[CatalogVersion]:
    require_authenticated(principal_of(session))
    return list((await session.scalars(select(CatalogVersion).order_by(col(CatalogVersion.id).desc()))).all())


async def versions_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[CatalogVersion | None]:
    rows = await session.scalars(select(CatalogVersion).where(col(CatalogVersion.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]
