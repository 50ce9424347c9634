"""抽查计划: departments create plans through the API, partners accept joint plans, the lead
approves; approval publishes the seed's commitment and never the seed."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import pytest
from sqlmodel import col, select

from models import AuditEvent
from models.spotchecks import SpotCheckPlan
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.draws import (
    ACCEPT,
    APPROVE,
    DISTRICT,
    DISTRICT_HEALTH,
    PLAN,
    PUBLIC,
    act,
    add_check_item,
    create,
)

JOINT = {
    "partnerDepartmentCodes": [DISTRICT_HEALTH],
    "checkItemCodes": ["SC-01", "WJ-01"],
    "inspectorsPerTarget": None,
    "inspectorsPerDepartment": [
        {"departmentCode": DISTRICT, "count": 2},
        {"departmentCode": DISTRICT_HEALTH, "count": 1},
    ],
}


@pytest.fixture
async def items(db: Database, city: DemoCity) -> None:
    await add_check_item(db, DISTRICT, "SC-01")
    await add_check_item(db, DISTRICT, "SC-OLD", active=False)
    await add_check_item(db, DISTRICT_HEALTH, "WJ-01")


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return sorted((e["field"], e["code"]) for e in payload["errors"])


async def test_a_department_creates_a_draft_plan_as_the_lead(api: Api, city: DemoCity, items: None) -> None:
    created = await create(api, city.tokens["district"], excludeCheckedWithinDays=180)
    assert created["errors"] == []
    plan = created["plan"]
    assert plan["status"] == "DRAFT"
    assert plan["leadDepartment"]["code"] == DISTRICT
    assert plan["checkItemCodes"] == ["SC-01"]
    assert plan["seedCommitment"] is None and plan["drawRecord"] is None
    assert plan["sample"] == {"kind": "COUNT", "count": 5, "ratio": None, "colourRatios": None}
    assert plan["excludeCheckedWithinDays"] == 180
    assert "210202" in plan["filterText"] and "存续" in plan["filterText"]
    # Another department does not see it; the maintainer does.
    assert (await api.data(PLAN, {"id": plan["id"]}, city.tokens["other_district"]))["spotCheckPlan"] is None
    seen = (await api.data(PLAN, {"id": plan["id"]}, city.tokens["maintainer"]))["spotCheckPlan"]
    assert seen["name"] == plan["name"]


async def test_each_bad_input_is_named(api: Api, city: DemoCity, items: None) -> None:
    token = city.tokens["district"]
    cases: list[tuple[dict[str, Any], list[tuple[str | None, str]]]] = [
        ({"name": " "}, [("name", "REQUIRED")]),
        ({"checkItemCodes": ["SC-OLD"]}, [("checkItemCodes", "UNKNOWN_CHECK_ITEM")]),
        ({"checkItemCodes": ["WJ-01"]}, [("checkItemCodes", "UNKNOWN_CHECK_ITEM")]),  # a partner's item, no partner
        ({"sample": {"count": 5, "ratio": "0.1"}}, [("sample", "INVALID_SAMPLE")]),
        ({"sample": {}}, [("sample", "INVALID_SAMPLE")]),
        ({"sample": {"count": 0}}, [("sample.count", "INVALID_COUNT")]),
        ({"sample": {"ratio": "0"}}, [("sample.ratio", "RATIO_OUT_OF_RANGE")]),
        ({"sample": {"ratio": "1.01"}}, [("sample.ratio", "RATIO_OUT_OF_RANGE")]),
        ({"sample": {"ratio": "百分之五"}}, [("sample.ratio", "INVALID_RATIO")]),
        (
            {"sample": {"colourRatios": [{"colour": "RED", "ratio": "2"}]}},
            [("sample.colourRatios.0.ratio", "RATIO_OUT_OF_RANGE")],
        ),
        ({"inspectorsPerTarget": 1}, [("inspectorsPerTarget", "TOO_FEW_INSPECTORS")]),
        ({"inspectorsPerTarget": 21}, [("inspectorsPerTarget", "INVALID_INSPECTORS")]),
        ({"periodEnd": "2020-01-01"}, [("periodEnd", "INVALID_RANGE")]),
        ({"excludeCheckedWithinDays": 0}, [("excludeCheckedWithinDays", "INVALID_DAYS")]),
        ({"filter": {"regionCode": "219999"}}, [("filter.regionCode", "UNKNOWN_REGION")]),
        ({"filter": {"industryPrefix": "Z9"}}, [("filter.industryPrefix", "INVALID_INDUSTRY_PREFIX")]),
        ({"filter": {"matterCode": "NO-SUCH"}}, [("filter.matterCode", "UNKNOWN_MATTER")]),
        ({"directoryId": "999"}, [("directoryId", "DIRECTORY_OR_FILTER")]),
        ({"directoryId": "999", "filter": None}, [("directoryId", "UNKNOWN_DIRECTORY")]),
        ({"partnerDepartmentCodes": ["NO-SUCH"]}, [("partnerDepartmentCodes", "UNKNOWN_DEPARTMENT")]),
        (
            {**JOINT, "inspectorsPerDepartment": [{"departmentCode": DISTRICT_HEALTH, "count": 0}]},
            [("inspectorsPerDepartment.0", "TOO_FEW_INSPECTORS")],
        ),
        (
            {**JOINT, "inspectorsPerDepartment": [{"departmentCode": DISTRICT, "count": 21}]},
            [("inspectorsPerDepartment.0", "INVALID_INSPECTORS")],
        ),
        ({**JOINT, "inspectorsPerTarget": 3}, [("inspectorsPerTarget", "INVALID_INSPECTORS")]),
    ]
    for changes, expected in cases:
        payload = await create(api, token, **changes)
        assert codes(payload) == expected, changes
        assert payload["plan"] is None
    plans = await api.data("{ spotCheckPlans { totalCount } }", token=token)
    assert plans["spotCheckPlans"]["totalCount"] == 0


async def test_a_maintainer_reads_plans_but_creates_none(api: Api, city: DemoCity, items: None) -> None:
    body = await api.gql(
        "mutation($i: CreateSpotCheckPlanInput!) { createSpotCheckPlan(input: $i) { errors { code } } }",
        {"i": {"name": "x", "checkItemCodes": ["SC-01"], "sample": {"count": 1}, "periodStart": "2026-01-01",
               "periodEnd": "2026-02-01"}},
        city.tokens["maintainer"],
    )  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_joint_plan_waits_for_its_partner(api: Api, city: DemoCity, items: None, db: Database) -> None:
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    created = await create(api, lead, **JOINT)
    assert created["errors"] == []
    plan = created["plan"]
    assert plan["inspectorsPerTarget"] == 3
    assert [(d["department"]["code"], d["role"], d["inspectorsPerTarget"]) for d in plan["departments"]] == [
        (DISTRICT, "LEAD", 2),
        (DISTRICT_HEALTH, "PARTNER", 1),
    ]
    assert plan["checkItemCodes"] == ["SC-01", "WJ-01"]
    # The partner reads it; a department outside reads nothing.
    assert (await api.data(PLAN, {"id": plan["id"]}, partner))["spotCheckPlan"]["status"] == "DRAFT"
    assert codes(await act(api, APPROVE, plan["id"], lead)) == [("id", "PARTNERS_PENDING")]
    assert codes(await act(api, ACCEPT, plan["id"], lead)) == [("id", "NOT_PARTNER")]
    assert codes(await act(api, ACCEPT, plan["id"], city.tokens["other_district"])) == [("id", "PLAN_NOT_FOUND")]
    accepted = await act(api, ACCEPT, plan["id"], partner)
    assert accepted["errors"] == []
    assert all(d["acceptedAt"] for d in accepted["plan"]["departments"])
    assert codes(await act(api, ACCEPT, plan["id"], partner)) == [("id", "ALREADY_ACCEPTED")]
    assert codes(await act(api, APPROVE, plan["id"], partner)) == [("id", "NOT_LEAD")]
    approved = await act(api, APPROVE, plan["id"], lead)
    assert approved["errors"] == [] and approved["plan"]["status"] == "APPROVED"


async def test_approval_publishes_the_commitment_and_never_the_seed(
    api: Api, city: DemoCity, items: None, db: Database
) -> None:
    token = city.tokens["district"]
    plan_id = (await create(api, token))["plan"]["id"]
    approved = await act(api, APPROVE, plan_id, token)
    assert approved["errors"] == []
    commitment = approved["plan"]["seedCommitment"]
    assert len(commitment) == 64
    record = approved["plan"]["drawRecord"]
    assert record["seed"] is None and record["seedCommitment"] == commitment and record["selections"] == []
    public = (await api.data(PUBLIC, {"id": plan_id}))["publicDrawRecord"]
    assert public["seed"] is None and public["seedCommitment"] == commitment and public["candidates"] == []
    async with db.session(Principal.system()) as session:
        stored = await session.get(SpotCheckPlan, int(plan_id))
        events = (await session.scalars(select(AuditEvent))).all()
    assert stored is not None and stored.seed_hex is not None
    assert hashlib.sha256(bytes.fromhex(stored.seed_hex)).hexdigest() == commitment
    # Nowhere before the draw: not in any audit event, not in any answer.
    assert all(stored.seed_hex not in json.dumps([e.before, e.after]) for e in events)
    for role in ("district", "maintainer"):
        body = await api.gql(PLAN, {"id": plan_id}, city.tokens[role])
        assert stored.seed_hex not in json.dumps(body)
    assert codes(await act(api, APPROVE, plan_id, token)) == [("id", "ALREADY_APPROVED")]
    assert codes(await act(api, ACCEPT, plan_id, city.tokens["district_health"])) == [("id", "PLAN_NOT_FOUND")]


async def test_two_approvals_at_once_one_wins(api: Api, city: DemoCity, items: None, db: Database) -> None:
    token = city.tokens["district"]
    plan_id = (await create(api, token))["plan"]["id"]
    first, second = await asyncio.gather(act(api, APPROVE, plan_id, token), act(api, APPROVE, plan_id, token))
    outcomes = sorted([[e["code"] for e in first["errors"]], [e["code"] for e in second["errors"]]])
    assert outcomes == [[], ["ALREADY_APPROVED"]]
    winner = first if not first["errors"] else second
    async with db.session(Principal.system()) as session:
        stored = await session.get(SpotCheckPlan, int(plan_id))
        approvals = await session.scalars(
            select(AuditEvent).where(col(AuditEvent.action) == "spot_check_plan.approved")
        )
        assert len(approvals.all()) == 1
    assert stored is not None and stored.seed_hex is not None
    assert hashlib.sha256(bytes.fromhex(stored.seed_hex)).hexdigest() == winner["plan"]["seedCommitment"]


async def test_plans_list_only_the_callers(api: Api, city: DemoCity, items: None) -> None:
    await create(api, city.tokens["district"])
    await create(api, city.tokens["district"], **JOINT)
    query = "{ spotCheckPlans { totalCount edges { node { id status } } } }"
    assert (await api.data(query, token=city.tokens["district"]))["spotCheckPlans"]["totalCount"] == 2
    assert (await api.data(query, token=city.tokens["district_health"]))["spotCheckPlans"]["totalCount"] == 1
    assert (await api.data(query, token=city.tokens["other_district"]))["spotCheckPlans"]["totalCount"] == 0
    assert (await api.data(query, token=city.tokens["maintainer"]))["spotCheckPlans"]["totalCount"] == 2
    drafts = "{ spotCheckPlans(filter: {status: APPROVED}) { totalCount } }"
    assert (await api.data(drafts, token=city.tokens["district"]))["spotCheckPlans"]["totalCount"] == 0
