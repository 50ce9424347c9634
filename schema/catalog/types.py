"""The duty catalog's GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.catalog import catalog
from schema.enums import (
    ApprovalLevel,
    MatterMode,
)
from schema.platform.common import UserError
from schema.registry.types import Department


@strawberry.type(
    description="监管事项 / One duty-catalog entry: which line of departments supervises it, at which level."
)
class SupervisionMatter:
    code: str
    name: str
    mode: MatterMode
    legal_basis: str
    line: str
    approval_level: ApprovalLevel
    entry_codes: list[str]
    keywords: list[str]
    industry_codes: list[str]
    claim_deadline_days: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    handling_department = strawberry.field(
        resolver=catalog.handling_department,
        graphql_type=Department | None,
        description="承接部门（市级及以上审批）/ Takes the notices of matters approved above the district.",
    )


@strawberry.type(
    description="目录版本 / A published version of the duty catalog (e.g. 2026版); the newest routes new notices."
)
class CatalogVersion:
    name: str
    note: str | None
    matter_count: int = strawberry.field(description="所含监管事项数 / Matters in the version.")
    published_at: datetime.datetime
    published_by: str


@strawberry.type
class PublishCatalogVersionPayload:
    version: CatalogVersion | None
    errors: list[UserError]


@strawberry.type
class UpsertSupervisionMatterPayload:
    matter: SupervisionMatter | None
    errors: list[UserError]
