"""The registry's mutations, each declared once."""

from __future__ import annotations

from schema.platform.mutation import service_mutation
from schema.registry.inputs import RegisterEntityInput, UpsertDepartmentInput, UpsertRegionInput
from schema.registry.types import RegisterEntityPayload, UpsertDepartmentPayload, UpsertRegionPayload
from services.platform.access import Operation
from services.registry import departments, regions, registry

register_entity = service_mutation(
    service=registry.register_entity,
    input=RegisterEntityInput,
    rename={"scope_entry_codes": "business_scope_codes"},
    payload=RegisterEntityPayload,
    permission=Operation.REGISTER_ENTITY,
    codes=(
        "AMOUNT_TOO_LARGE",
        "COORDINATES_INCOMPLETE",
        "COORDINATE_OUT_OF_RANGE",
        "DATE_IN_FUTURE",
        "DEPARTMENT_REQUIRED",
        "INVALID_AMOUNT",
        "INVALID_ENTRY_CODE",
        "INVALID_INDUSTRY_CODE",
        "INVALID_ROLE",
        "INVALID_SHARE",
        "INVALID_TEXT",
        "INVALID_USCC",
        "NOT_REGISTRATION_AUTHORITY",
        "REGION_OUT_OF_JURISDICTION",
        "REQUIRED",
        "SHARES_EXCEED_100",
        "TOO_LONG",
        "TOO_MANY_PERSONS",
        "UNKNOWN_DEPARTMENT",
        "UNKNOWN_REGION",
    ),
    description="登记机关报送新设立或变更登记 / Registry intake from the registration authority.",
)

upsert_region = service_mutation(
    service=regions.upsert_region,
    input=UpsertRegionInput,
    payload=UpsertRegionPayload,
    returns={"region": "row", "created": "created"},
    permission=Operation.UPSERT_REGION,
    codes=("INVALID_PARENT", "INVALID_REGION_CODE", "INVALID_TEXT", "NAME_REQUIRED", "TOO_LONG", "UNKNOWN_REGION"),
    description="维护行政区划 / Keep a region.",
)

upsert_department = service_mutation(
    service=departments.upsert_department,
    input=UpsertDepartmentInput,
    payload=UpsertDepartmentPayload,
    returns={"department": "row", "created": "created"},
    permission=Operation.UPSERT_DEPARTMENT,
    codes=(
        "INVALID_DEPARTMENT_CODE",
        "INVALID_LINE",
        "INVALID_TEXT",
        "LEVEL_REGION_MISMATCH",
        "NAME_REQUIRED",
        "TOO_LONG",
        "UNKNOWN_REGION",
    ),
    description="维护部门 / Keep a department.",
)
