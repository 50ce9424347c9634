"""The duty catalog's mutations, each declared once."""

from __future__ import annotations

from schema.catalog.inputs import UpsertSupervisionMatterInput
from schema.catalog.types import PublishCatalogVersionPayload, UpsertSupervisionMatterPayload
from schema.platform.mutation import Arg, service_mutation
from services.catalog import catalog, catalog_versions
from services.platform.access import Operation

upsert_supervision_matter = service_mutation(
    service=catalog.upsert_supervision_matter,
    input=UpsertSupervisionMatterInput,
    payload=UpsertSupervisionMatterPayload,
    returns={"matter": "row"},
    permission=Operation.UPSERT_SUPERVISION_MATTER,
    codes=(
        "HANDLING_DEPARTMENT_REQUIRED",
        "INVALID_DEADLINE",
        "INVALID_ENTRY_CODE",
        "INVALID_INDUSTRY_CODE",
        "INVALID_MATTER_CODE",
        "INVALID_RANGE",
        "INVALID_TEXT",
        "MATCH_RULE_REQUIRED",
        "REQUIRED",
        "TOO_LONG",
        "UNKNOWN_DEPARTMENT",
        "UNKNOWN_LINE",
    ),
    description="维护监管事项 / Keep a duty-catalog entry (maintainers).",
)

publish_catalog_version = service_mutation(
    service=catalog_versions.publish,
    arguments={
        "name": Arg(
            str, description="版本名称，如“2026版”，不能与已发布的重复 / The version's name, such as 2026版; new."
        ),
        "note": Arg(str | None, default=None, description="版本说明 / What changed, for the record."),
    },
    payload=PublishCatalogVersionPayload,
    returns="version",
    permission=Operation.PUBLISH_CATALOG_VERSION,
    codes=("CATALOG_UNCHANGED", "DUPLICATE_VERSION", "EMPTY_CATALOG", "INVALID_TEXT", "REQUIRED", "TOO_LONG"),
    description="发布目录版本（如“2026版”），此后新告知按该版本推送 / Publish the catalog (maintainers).",
)
