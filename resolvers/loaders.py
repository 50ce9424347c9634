"""Per-request DataLoaders, one per relation: a page costs one statement per relation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from models import Department, Region
from services.db import Database
from services.persons import links_of
from services.principal import Principal
from services.registry_view import PersonInEntity

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    def __init__(self, db: Database, principal: Principal) -> None:
        self._db = db
        self._principal = principal
        self.department_by_id = self._loader(self._departments)
        self.region_by_code = self._loader(self._regions)
        self.persons_by_entity_id = self._loader(self._persons)

    def _loader(self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        async def batch(keys: Sequence[K]) -> list[V]:
            async with self._db.session(self._principal) as session:
                return await fetch(session, keys)

        return DataLoader(load_fn=batch)

    @staticmethod
    async def _departments(session: AsyncSession, ids: Sequence[int]) -> list[Department | None]:
        rows = await session.scalars(select(Department).where(col(Department.id).in_(list(ids))))
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in ids]

    @staticmethod
    async def _regions(session: AsyncSession, codes: Sequence[str]) -> list[Region | None]:
        rows = await session.scalars(select(Region).where(col(Region.code).in_(list(codes))))
        by_code = {row.code: row for row in rows}
        return [by_code.get(key) for key in codes]

    @staticmethod
    async def _persons(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[PersonInEntity]]:
        grouped: dict[int, list[PersonInEntity]] = defaultdict(list)
        for person in await links_of(session, entity_ids):
            grouped[person.entity_id].append(person)
        return [grouped.get(key, []) for key in entity_ids]
