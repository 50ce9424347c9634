"""Per-request DataLoaders, one per relation: a page costs one statement per relation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from models import (
    CatalogVersion,
    Complaint,
    Department,
    InspectionResult,
    InspectionTask,
    Inspector,
    License,
    Listing,
    MarketEntity,
    Notice,
    Penalty,
    Referral,
    Region,
    RiskColourChange,
    SupervisionMatter,
)
from services.catalog.catalog_versions import versions_by_ids
from services.credit.discipline import DisciplineVerdict, verdicts_of
from services.credit.listings import listings_of_entities
from services.credit.referrals import licenses_by_ids, referrals_of_entities
from services.credit.risk import Assessment, assessments_of, colour_history
from services.notices.notices import entities_by_ids, matters_by_ids, notices_of_entities
from services.platform.db import Database
from services.platform.principal import Principal
from services.records.records import records_of_entities
from services.registry.departments import departments_by_ids
from services.registry.persons import links_of
from services.registry.regions import regions_by_codes
from services.registry.registry import former_names
from services.registry.registry_view import PersonInEntity
from services.spotchecks import publication, tasks
from services.spotchecks.publication import PublishedResult

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R", License, Penalty, Complaint)


async def _notices(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[Notice]]:
    grouped: dict[int, list[Notice]] = defaultdict(list)
    for notice in await notices_of_entities(session, entity_ids):
        grouped[notice.entity_id].append(notice)
    return [grouped.get(key, []) for key in entity_ids]


async def _persons(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[PersonInEntity]]:
    grouped: dict[int, list[PersonInEntity]] = defaultdict(list)
    for person in await links_of(session, entity_ids):
        grouped[person.entity_id].append(person)
    return [grouped.get(key, []) for key in entity_ids]


async def _former_names(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[str]]:
    found = await former_names(session, entity_ids)
    return [found.get(key, []) for key in entity_ids]


async def _referrals(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[Referral]]:
    grouped: dict[int, list[Referral]] = defaultdict(list)
    for referral in await referrals_of_entities(session, entity_ids):
        grouped[referral.entity_id].append(referral)
    return [grouped.get(key, []) for key in entity_ids]


def _records(model: type[R]) -> Callable[[AsyncSession, Sequence[int]], Awaitable[list[list[R]]]]:
    async def fetch(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[R]]:
        return await records_of_entities(session, model, entity_ids)  # type: ignore[return-value]

    return fetch


class Loaders:
    def __init__(self, db: Database, principal: Principal) -> None:
        self._db = db
        self._principal = principal
        self.department_by_id: DataLoader[int, Department | None] = self._loader(departments_by_ids)
        self.region_by_code: DataLoader[str, Region | None] = self._loader(regions_by_codes)
        self.persons_by_entity_id: DataLoader[int, list[PersonInEntity]] = self._loader(_persons)
        self.former_names_by_entity_id: DataLoader[int, list[str]] = self._loader(_former_names)
        self.entity_by_id: DataLoader[int, MarketEntity | None] = self._loader(entities_by_ids)
        self.matter_by_id: DataLoader[int, SupervisionMatter | None] = self._loader(matters_by_ids)
        self.notices_by_entity_id: DataLoader[int, list[Notice]] = self._loader(_notices)
        self.licenses_by_entity_id: DataLoader[int, list[License]] = self._loader(_records(License))
        self.penalties_by_entity_id: DataLoader[int, list[Penalty]] = self._loader(_records(Penalty))
        self.complaints_by_entity_id: DataLoader[int, list[Complaint]] = self._loader(_records(Complaint))
        self.catalog_version_by_id: DataLoader[int, CatalogVersion | None] = self._loader(versions_by_ids)
        self.assessment: DataLoader[tuple[int, date], Assessment] = self._loader(assessments_of)
        self.colour_history_by_entity_id: DataLoader[int, list[RiskColourChange]] = self._loader(colour_history)
        self.listings_by_entity_id: DataLoader[int, list[Listing]] = self._loader(listings_of_entities)
        self.discipline_by_entity_id: DataLoader[int, DisciplineVerdict] = self._loader(verdicts_of)
        self.referrals_by_entity_id: DataLoader[int, list[Referral]] = self._loader(_referrals)
        self.license_by_id: DataLoader[int, License | None] = self._loader(licenses_by_ids)
        self.tasks_by_entity_id: DataLoader[int, list[InspectionTask]] = self._loader(tasks.tasks_of_entities)
        self.task_by_id: DataLoader[int, InspectionTask | None] = self._loader(tasks.tasks_by_ids)
        self.follow_up_by_task_id: DataLoader[int, InspectionTask | None] = self._loader(tasks.follow_ups_of)
        self.task_plan_by_id: DataLoader[int, tasks.TaskPlan | None] = self._loader(tasks.plans_of)
        self.inspectors_by_task_id: DataLoader[int, list[Inspector]] = self._loader(tasks.inspectors_of)
        self.result_by_task_id: DataLoader[int, InspectionResult | None] = self._loader(tasks.results_of)
        self.category_name: DataLoader[tuple[int, str], str | None] = self._loader(tasks.category_names)
        self.public_results_by_uscc: DataLoader[str, list[PublishedResult]] = self._loader(
            publication.public_results_of_entities
        )

    def _loader(self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        async def batch(keys: Sequence[K]) -> list[V]:
            # Each batch has its own session: batches of different loaders run concurrently.
            async with self._db.session(self._principal) as session:
                return await fetch(session, keys)

        return DataLoader(load_fn=batch)
