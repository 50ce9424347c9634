"""双随机: the draw of an approved plan, once, recomputable by anyone from the published record
alone (tools/draw_record.md), with its inspectors, recusals and replacements; every attempt logged."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from models import AuditEvent, MarketEntity
from models.enums import DrawAttemptOutcome, EntityStatus, InspectionTaskKind, InspectionTaskStatus
from models.spotchecks import DrawAttempt, DrawRecord, DrawSelection, InspectionTask, InspectionTaskInspector
from models.types import utcnow
from services.accounts.tokens import authenticate
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks import candidate_list_hash, key_of, recompute, seed_commitment
from services.spotchecks.draw import draw_plan as draw_in
from services.spotchecks.draw import draw_spot_check
from services.spotchecks.draw_rule import smallest
from tests.conftest import Api, DemoCity
from tests.support.draws import (
    ACCEPT,
    APPROVE,
    DISTRICT,
    DISTRICT_HEALTH,
    DRAW,
    OTHER_DISTRICT,
    PUBLIC,
    REPLACE,
    act,
    add_check_item,
    add_conflict,
    add_inspectors,
    approved_plan,
    create,
    department_id,
    drawn_plan,
    naive_selections,
)


@pytest.fixture
async def district(db: Database, city: DemoCity) -> list[str]:
    """中山区市场监督管理局 with a check item and 4 inspectors (one of them expired, one inactive: 4 eligible)."""
    await add_check_item(db, DISTRICT)
    await add_inspectors(db, DISTRICT, 1, "EXPIRED", valid_to=utcnow().date().replace(year=2020))
    await add_inspectors(db, DISTRICT, 1, "RETIRED", active=False)
    return await add_inspectors(db, DISTRICT, 4, "21020200")


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def assert_recomputed(record: dict[str, Any]) -> None:
    again = recompute(record)
    assert again["seedCommitmentOk"]
    assert again["candidateListHash"] == record["candidateListHash"]
    assert again["strata"] == record["strata"]
    assert again["selections"] == record["selections"]
    # And a plain second reading of the rule agrees.
    fields = ("order", "uscc", "colour", "key", "inspectors", "recused", "replaces")
    assert naive_selections(record) == [{f: s[f] for f in fields} for s in record["selections"]]


async def test_a_count_draw_is_recomputed_from_its_record_alone(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    plan_id, record = await drawn_plan(api, city.tokens["district"])
    assert seed_commitment(record["seed"]) == record["seedCommitment"]
    assert record["candidates"] == sorted(set(record["candidates"]))
    assert set(record["candidates"]) <= set(city.zhongshan)
    assert record["candidateCount"] == len(record["candidates"])
    assert record["candidateListHash"] == candidate_list_hash(record["candidates"])
    assert record["candidateColours"] is None
    assert record["strata"] == [{"colour": None, "size": record["candidateCount"], "sampleSize": 5}]
    assert record["inspectorPool"] == [{"departmentCode": DISTRICT, "perTarget": 2, "certificateNos": district}]
    assert [s["order"] for s in record["selections"]] == [1, 2, 3, 4, 5]
    assert all(len(s["inspectors"]) == 2 and s["colour"] is None for s in record["selections"])
    # 10 assignments over 4 inspectors: nobody more than ceil(10 / 4) = 3.
    loads: dict[str, int] = {}
    for s in record["selections"]:
        for i in s["inspectors"]:
            loads[i["certificateNo"]] = loads.get(i["certificateNo"], 0) + 1
    assert max(loads.values()) <= 3
    assert_recomputed(record)
    assert await count(db, InspectionTask, col(InspectionTask.plan_id) == int(plan_id)) == 5
    tasks_of = "query($id: ID!) { spotCheckPlan(id: $id) { tasks { totalCount edges { node { status } } } } }"
    listed = (await api.data(tasks_of, {"id": plan_id}, city.tokens["district"]))["spotCheckPlan"]["tasks"]
    assert listed["totalCount"] == 5 and {e["node"]["status"] for e in listed["edges"]} == {"ASSIGNED"}
    assert await count(db, InspectionTaskInspector) == 10
    async with db.session(Principal.system()) as session:
        task = await session.scalar(select(InspectionTask).where(col(InspectionTask.plan_id) == int(plan_id)))
    assert task is not None and task.status is InspectionTaskStatus.ASSIGNED and task.kind.value == "DRAWN"
    plans = await api.data("{ spotCheckPlans { edges { node { periodEnd } } } }", token=city.tokens["district"])
    assert task.due_on.isoformat() == plans["spotCheckPlans"]["edges"][0]["node"]["periodEnd"]
    # The record the plan shows, the public one and the one the draw answered are one record.
    public = (await api.data(PUBLIC, {"id": plan_id}))["publicDrawRecord"]
    assert public == record
    drawn = await last_event(db, "spot_check_plan.drawn")
    assert drawn["seed"] == record["seed"] and drawn["selected"] == 5


async def last_event(db: Database, action: str) -> dict[str, Any]:
    async with db.session(Principal.system()) as session:
        event = await session.scalar(
            select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id).desc()).limit(1)
        )
    assert event is not None and event.after is not None
    return event.after


async def test_a_ratio_draw_rounds_up_exactly(api: Api, city: DemoCity, db: Database, district: list[str]) -> None:
    _, record = await drawn_plan(api, city.tokens["district"], sample={"ratio": "0.05"})
    size = record["candidateCount"]
    assert record["sample"] == {"kind": "RATIO", "count": None, "ratio": "0.05", "colourRatios": None}
    assert record["strata"][0]["sampleSize"] == -(-size * 5 // 100)
    assert_recomputed(record)


async def test_a_colour_draw_publishes_the_colours_it_stratified_by(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    # Give the district some colour: a few entities rated RED and YELLOW.
    session = await db.write_session(Principal.system())
    async with session:
        for uscc, colour in zip(city.zhongshan[:3], ("RED", "RED", "YELLOW"), strict=True):
            await session.execute(
                sa.update(MarketEntity).where(col(MarketEntity.uscc) == uscc).values(risk_colour=colour)
            )
        await session.commit()
    ratios = [{"colour": "RED", "ratio": "1"}, {"colour": "GREEN", "ratio": "0.03"}]
    _, record = await drawn_plan(api, city.tokens["district"], sample={"colourRatios": ratios})
    assert record["sample"]["kind"] == "COLOUR_RATIO"
    assert record["sample"]["colourRatios"] == [{"colour": "GREEN", "ratio": "0.03"}, {"colour": "RED", "ratio": "1"}]
    assert len(record["candidateColours"]) == record["candidateCount"]
    strata = {s["colour"]: s for s in record["strata"]}
    assert [s["colour"] for s in record["strata"]] == [c for c in ("GREEN", "YELLOW", "RED", "BLACK") if c in strata]
    assert strata["YELLOW"]["sampleSize"] == 0  # a colour without a ratio takes none
    assert strata["RED"]["sampleSize"] == strata["RED"]["size"] > 0  # a ratio of 1 takes the whole stratum
    reds = {s["uscc"] for s in record["selections"] if s["colour"] == "RED"}
    colours = dict(zip(record["candidates"], record["candidateColours"], strict=True))
    assert reds == {uscc for uscc, colour in colours.items() if colour == "RED"}
    assert all(colours[s["uscc"]] == s["colour"] for s in record["selections"])
    assert_recomputed(record)


async def test_a_joint_draw_staffs_each_target_from_each_department(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    await add_check_item(db, DISTRICT_HEALTH, "WJ-01")
    health = await add_inspectors(db, DISTRICT_HEALTH, 3, "WJ210202")
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    joint = {
        "partnerDepartmentCodes": [DISTRICT_HEALTH],
        "checkItemCodes": ["SC-01", "WJ-01"],
        "inspectorsPerTarget": None,
        "inspectorsPerDepartment": [{"departmentCode": DISTRICT_HEALTH, "count": 1}],
    }
    created = await act_create(api, lead, joint)
    assert (await act(api, ACCEPT, created, partner))["errors"] == []
    await approve(api, created, lead)
    drawn = await act(api, DRAW, created, lead)
    assert drawn["errors"] == []
    record = drawn["drawRecord"]
    assert [p["departmentCode"] for p in record["inspectorPool"]] == [DISTRICT, DISTRICT_HEALTH]
    assert record["inspectorPool"][1]["certificateNos"] == health
    for selection in record["selections"]:
        assert [i["departmentCode"] for i in selection["inspectors"]] == [DISTRICT, DISTRICT_HEALTH]
    assert_recomputed(record)
    lead_id, partner_id = await department_id(db, DISTRICT), await department_id(db, DISTRICT_HEALTH)
    for department in (lead_id, partner_id):
        assert await count(db, InspectionTask, col(InspectionTask.department_id) == department) == 5
    # The partner reads the record of a plan it joins.
    assert (await api.data(PUBLIC, {"id": created}, partner))["publicDrawRecord"]["seed"] == record["seed"]


async def act_create(api: Api, token: str, changes: dict[str, Any]) -> str:
    created = await create(api, token, **changes)
    assert created["errors"] == [], created["errors"]
    plan_id: str = created["plan"]["id"]
    return plan_id


async def approve(api: Api, plan_id: str, token: str) -> None:
    assert (await act(api, APPROVE, plan_id, token))["errors"] == []


async def test_a_recused_inspector_is_never_sent(api: Api, city: DemoCity, db: Database, district: list[str]) -> None:
    more = await add_inspectors(db, DISTRICT, 4, "21020299")
    plan_id = await approved_plan(api, city.tokens["district"])
    for uscc in city.zhongshan:  # declared after approval: the seed was already fixed
        await add_conflict(db, district[0], uscc)
    drawn = await act(api, DRAW, plan_id, city.tokens["district"])
    assert drawn["errors"] == []
    record = drawn["drawRecord"]
    assert record["inspectorPool"][0]["certificateNos"] == sorted([*district, *more])
    for selection in record["selections"]:
        assert selection["recused"] == [district[0]]
        assert district[0] not in [i["certificateNo"] for i in selection["inspectors"]]
    assert_recomputed(record)


async def test_a_replacement_is_the_next_by_key_and_recomputable(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    token = city.tokens["district"]
    plan_id, record = await drawn_plan(api, token)
    first = record["selections"][0]
    async with db.session(Principal.system()) as session:
        task_id = await session.scalar(
            select(col(InspectionTask.id))
            .join(DrawSelection, col(DrawSelection.id) == InspectionTask.selection_id)
            .where(col(DrawSelection.uscc) == first["uscc"], col(InspectionTask.plan_id) == int(plan_id))
        )
    refused = await replace(api, token, task_id, "已注销")
    assert [e["code"] for e in refused["errors"]] == ["ENTITY_STILL_ACTIVE"]
    await set_status(db, first["uscc"], EntityStatus.DEREGISTERED)
    assert [e["code"] for e in (await replace(api, token, task_id, " "))["errors"]] == ["REQUIRED"]
    done = await replace(api, token, task_id, "该主体已于 2026 年 11 月注销登记")
    assert done["errors"] == [] and done["replacedUscc"] == first["uscc"] and done["order"] == 6
    after = (await api.data(PUBLIC, {"id": plan_id}))["publicDrawRecord"]
    replacement = after["selections"][5]
    assert replacement["replaces"] == first["uscc"] and replacement["uscc"] == done["replacementUscc"]
    assert replacement["replacementReason"] == "该主体已于 2026 年 11 月注销登记"
    assert after["selections"][0]["replacedBy"] == replacement["uscc"]
    # The next by key that was not selected: the sixth of the whole list by key.
    ranked = sorted(after["candidates"], key=lambda u: (recompute_key(after["seed"], u), u))
    assert replacement["uscc"] == ranked[5]
    assert_recomputed(after)
    async with db.session(Principal.system()) as session:
        statuses = dict(
            (
                await session.execute(
                    select(col(InspectionTask.selection_id), col(InspectionTask.status)).where(
                        col(InspectionTask.plan_id) == int(plan_id)
                    )
                )
            ).all()
        )
    assert sorted(s.value for s in statuses.values()).count("REPLACED") == 1
    assert len(statuses) == 6
    again = await replace(api, token, task_id, "再次替补")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_REPLACED"]
    event = await last_event(db, "spot_check_plan.replaced")
    assert event["replaced"] == first["uscc"] and event["replacement"] == replacement["uscc"]


def recompute_key(seed: str, uscc: str) -> str:
    return key_of(seed, uscc)


async def test_no_replacement_is_left_when_the_stratum_is_exhausted(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    token = city.tokens["district"]
    # Enough inspectors that the loads' cap never binds whatever the seed.
    await add_inspectors(db, DISTRICT, 20, "21020298")
    # A count larger than the candidates: every candidate is drawn.
    _, record = await drawn_plan(api, token, sample={"count": 1000}, inspectorsPerTarget=2)
    assert len(record["selections"]) == record["candidateCount"]
    uscc = record["selections"][0]["uscc"]
    await set_status(db, uscc, EntityStatus.REVOKED)
    async with db.session(Principal.system()) as session:
        task_id = await session.scalar(
            select(col(InspectionTask.id)).join(MarketEntity, col(MarketEntity.id) == InspectionTask.entity_id)
            .where(col(MarketEntity.uscc) == uscc)
        )  # fmt: skip
    left = await replace(api, token, task_id, "已吊销")
    assert [e["code"] for e in left["errors"]] == ["NO_REPLACEMENT_LEFT"]
    async with db.session(Principal.system()) as session:
        task = await session.get(InspectionTask, task_id)
    assert task is not None and task.status is InspectionTaskStatus.ASSIGNED  # nothing was stored


async def replace(api: Api, token: str, task_id: Any, reason: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(REPLACE, {"t": str(task_id), "r": reason}, token))["replaceDrawnEntity"]
    return payload


async def set_status(db: Database, uscc: str, status: EntityStatus) -> None:
    session = await db.write_session(Principal.system())
    async with session:
        await session.execute(sa.update(MarketEntity).where(col(MarketEntity.uscc) == uscc).values(status=status))
        await session.commit()


async def test_refusals_store_nothing_but_the_attempt(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    token = city.tokens["district"]
    draft = (await create(api, token))["plan"]["id"]
    assert [e["code"] for e in (await act(api, DRAW, draft, token))["errors"]] == ["PLAN_NOT_APPROVED"]
    empty = await approved_plan(api, token, filter={"regionCode": "210202", "industryPrefix": "A0199"})
    assert [e["code"] for e in (await act(api, DRAW, empty, token))["errors"]] == ["NO_CANDIDATES"]
    # 5 targets × 5 inspectors each, from 4 eligible: not enough.
    short = await approved_plan(api, token, inspectorsPerTarget=5)
    refused = await act(api, DRAW, short, token)
    assert [(e["code"], DISTRICT in e["message"]) for e in refused["errors"]] == [("NOT_ENOUGH_INSPECTORS", True)]
    assert [e["code"] for e in (await act(api, DRAW, short, city.tokens["other_district"]))["errors"]] == [
        "PLAN_NOT_FOUND"
    ]
    assert await count(db, DrawRecord) == 0
    assert await count(db, DrawSelection) == 0
    assert await count(db, InspectionTask) == 0
    async with db.session(Principal.system()) as session:
        attempts = (await session.scalars(select(DrawAttempt).order_by(col(DrawAttempt.id)))).all()
        refusals = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(col(AuditEvent.action) == "spot_check_plan.draw_refused")
        )
    assert [(a.outcome, a.code) for a in attempts] == [
        (DrawAttemptOutcome.REFUSED, "PLAN_NOT_APPROVED"),
        (DrawAttemptOutcome.REFUSED, "NO_CANDIDATES"),
        (DrawAttemptOutcome.REFUSED, "NOT_ENOUGH_INSPECTORS"),
        (DrawAttemptOutcome.REFUSED, "PLAN_NOT_FOUND"),
    ]
    assert refusals == 4
    # The lead reads its plans' attempts; another department reads none of them.
    attempts_of = "query($id: ID!) { spotCheckPlan(id: $id) { drawAttempts { outcome code actor } } }"
    shown = (await api.data(attempts_of, {"id": short}, token))["spotCheckPlan"]["drawAttempts"]
    assert [(a["outcome"], a["code"]) for a in shown] == [
        ("REFUSED", "NOT_ENOUGH_INSPECTORS"),
        ("REFUSED", "PLAN_NOT_FOUND"),
    ]
    # The plans stay as they were: approved, and drawable once the inspectors are there.
    assert (await api.data("query($id: ID!) { spotCheckPlan(id: $id) { status } }", {"id": short}, token))[
        "spotCheckPlan"
    ]["status"] == "APPROVED"


async def test_a_maintainers_attempt_is_refused_and_logged(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    plan_id = await approved_plan(api, city.tokens["district"])
    body = await api.gql(DRAW, {"id": plan_id}, city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with db.session(Principal.system()) as session:
        attempt = await session.scalar(select(DrawAttempt))
    assert attempt is not None and attempt.code == "FORBIDDEN" and attempt.outcome is DrawAttemptOutcome.REFUSED


async def test_recently_checked_entities_are_left_out(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    token = city.tokens["district"]
    lead = await department_id(db, DISTRICT)
    checked = city.zhongshan[0]
    session = await db.write_session(Principal.system())
    async with session:
        entity = await session.scalar(select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == checked))
        assert entity is not None
        session.add(
            InspectionTask(
                entity_id=entity,
                department_id=lead,
                kind=InspectionTaskKind.FOLLOW_UP,
                status=InspectionTaskStatus.RECORDED,
                due_on=utcnow().date(),
                recorded_at=utcnow(),
            )
        )
        await session.commit()
    _, record = await drawn_plan(api, token, excludeCheckedWithinDays=30, filter={"regionCode": "210202"})
    assert checked not in record["candidates"]
    _, everyone = await drawn_plan(api, token, filter={"regionCode": "210202"})
    assert checked in everyone["candidates"]


async def test_two_draws_at_once_draw_once(api: Api, city: DemoCity, db: Database, district: list[str]) -> None:
    """Two requests, two sessions, at the same moment (on PostgreSQL truly concurrent): one draw."""
    token = city.tokens["district"]
    plan_id = await approved_plan(api, token)
    first, second = await asyncio.gather(act(api, DRAW, plan_id, token), act(api, DRAW, plan_id, token))
    outcomes = sorted([[e["code"] for e in first["errors"]], [e["code"] for e in second["errors"]]])
    assert outcomes in ([[], ["ALREADY_DRAWN"]], [[], ["CONFLICT"]])
    assert await count(db, DrawRecord) == 1
    assert await count(db, DrawSelection) == 5
    assert await count(db, InspectionTask) == 5
    async with db.session(Principal.system()) as session:
        outcomes_logged = sorted(a.outcome.value for a in (await session.scalars(select(DrawAttempt))).all())
    assert outcomes_logged == ["DRAWN", "REFUSED"]


def test_the_rule_alone_needs_no_database() -> None:
    """The published example's shape recomputes with the standard library only."""
    seed = "00" * 32
    candidates = sorted(f"91210202MA0{n:05d}X{n % 10}" for n in range(40))
    record = {
        "seed": seed,
        "seedCommitment": seed_commitment(seed),
        "candidates": candidates,
        "candidateColours": None,
        "sample": {"kind": "COUNT", "count": 3, "ratio": None, "colourRatios": None},
        "inspectorPool": [{"departmentCode": "A", "perTarget": 2, "certificateNos": ["1", "2", "3"]}],
        "selections": [],
    }
    again = recompute(record)
    assert [s["order"] for s in again["selections"]] == [1, 2, 3]
    keys = [s["key"] for s in again["selections"]]
    assert keys == sorted(keys)
    assert all(len(s["inspectors"]) == 2 for s in again["selections"])


def test_the_fast_selection_is_the_exact_one() -> None:
    """`smallest` bounds the keys before sorting; it must pick what a full sort picks, ties by USCC included."""
    seed = "ab" * 32
    candidates = [f"9121020200000{n:05d}" for n in range(5000)]
    keys = keys_of_all(seed, candidates)
    for n in (0, 1, 7, 50, 1249, 1250, 5000, 6000):
        assert smallest(n, keys, candidates) == sorted(zip(keys, candidates, strict=True))[:n]
    tied = ["0" * 64] * 3 + ["f" * 64] * 3
    assert smallest(2, tied, ["C", "A", "B", "F", "E", "D"]) == [("0" * 64, "A"), ("0" * 64, "B")]


def keys_of_all(seed: str, candidates: list[str]) -> list[str]:
    return [key_of(seed, uscc) for uscc in candidates]


async def test_a_draw_waiting_on_an_uncommitted_one_is_refused(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    """Two sessions of the lead: the second draw runs while the first has drawn but not committed,
    and is refused once the first commits: the conditional APPROVED → DRAWN lets one through."""
    token = city.tokens["district"]
    plan_id = int(await approved_plan(api, token))
    async with db.session(Principal.system()) as session:
        principal = await authenticate(session, token)
    assert principal is not None
    first = await db.write_session(principal)
    try:
        await draw_in(first, plan_id)
        second = asyncio.create_task(draw_spot_check(db, principal, plan_id))
        await asyncio.sleep(0.5)
        assert not second.done()  # held by the first draw's transaction
        await first.commit()
    finally:
        await first.close()
    record, problems = await second
    assert record is None and [p.code for p in problems] == ["ALREADY_DRAWN"]
    assert await count(db, DrawRecord) == 1
    assert await count(db, DrawSelection) == 5


async def test_candidates_stay_within_the_leads_jurisdiction(api: Api, city: DemoCity, db: Database) -> None:
    """西岗区市场监督管理局 draws from its own district only, whatever its filter says."""
    await add_check_item(db, OTHER_DISTRICT)
    await add_inspectors(db, OTHER_DISTRICT, 4, "21020300")
    _, record = await drawn_plan(api, city.tokens["other_district"], filter={})
    assert record["filter"]["regionCode"] is None
    assert record["candidates"] == sorted(city.xigang)
    elsewhere = await approved_plan(api, city.tokens["other_district"], filter={"regionCode": "210202"})
    refused = await act(api, DRAW, elsewhere, city.tokens["other_district"])
    assert [e["code"] for e in refused["errors"]] == ["NO_CANDIDATES"]


async def test_a_partner_replaces_its_task_for_the_whole_plan(
    api: Api, city: DemoCity, db: Database, district: list[str]
) -> None:
    await add_check_item(db, DISTRICT_HEALTH, "WJ-01")
    await add_inspectors(db, DISTRICT_HEALTH, 3, "WJ210202")
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    plan_id = await act_create(
        api, lead, {"partnerDepartmentCodes": [DISTRICT_HEALTH], "checkItemCodes": ["SC-01", "WJ-01"],
                    "inspectorsPerTarget": None}
    )  # fmt: skip
    assert (await act(api, ACCEPT, plan_id, partner))["errors"] == []
    await approve(api, plan_id, lead)
    record = (await act(api, DRAW, plan_id, lead))["drawRecord"]
    gone = record["selections"][2]["uscc"]
    await set_status(db, gone, EntityStatus.DEREGISTERED)
    health = await department_id(db, DISTRICT_HEALTH)
    async with db.session(Principal.system()) as session:
        task_id = await session.scalar(
            select(col(InspectionTask.id))
            .join(MarketEntity, col(MarketEntity.id) == InspectionTask.entity_id)
            .where(col(MarketEntity.uscc) == gone, col(InspectionTask.department_id) == health)
        )
    done = await replace(api, partner, task_id, "已注销登记")
    assert done["errors"] == [] and done["replacedUscc"] == gone
    async with db.session(Principal.system()) as session:
        old = (await session.execute(
            select(col(InspectionTask.department_id), col(InspectionTask.status))
            .join(MarketEntity, col(MarketEntity.id) == InspectionTask.entity_id)
            .where(col(MarketEntity.uscc) == gone)
        )).all()  # fmt: skip
        new = (await session.execute(
            select(col(InspectionTask.department_id), col(InspectionTask.status))
            .join(MarketEntity, col(MarketEntity.id) == InspectionTask.entity_id)
            .where(col(MarketEntity.uscc) == done["replacementUscc"])
        )).all()  # fmt: skip
    assert sorted(status.value for _, status in old) == ["REPLACED", "REPLACED"]
    assert sorted(status.value for _, status in new) == ["ASSIGNED", "ASSIGNED"]
    after = (await api.data(PUBLIC, {"id": plan_id}))["publicDrawRecord"]
    assert [i["departmentCode"] for i in after["selections"][-1]["inspectors"]] == [DISTRICT, DISTRICT_HEALTH]
    assert_recomputed(after)
