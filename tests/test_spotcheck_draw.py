"""双随机: the draw of an approved plan, once, recomputable by anyone from the published record."""

from __future__ import annotations

from sqlmodel import col, func, select

from models.spotchecks import DrawAttempt, InspectionTask, InspectionTaskInspector
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks import recompute, seed_commitment
from tests.conftest import Api, DemoCity
from tests.support.draws import (
    DISTRICT,
    DRAW,
    act,
    add_check_item,
    add_inspectors,
    comparable,
    drawn_plan,
)


async def test_a_count_draw_is_recomputed_from_its_record_alone(api: Api, city: DemoCity, db: Database) -> None:
    await add_check_item(db, DISTRICT)
    await add_inspectors(db, DISTRICT, 4, "21020200")
    plan_id, record = await drawn_plan(api, city.tokens["district"])
    assert record["seed"] and seed_commitment(record["seed"]) == record["seedCommitment"]
    assert len(record["selections"]) == 5
    assert record["candidates"] == sorted(record["candidates"])
    assert set(record["candidates"]) <= set(city.zhongshan)
    assert recompute(record)["selections"] == comparable(record)["selections"]
    for selection in record["selections"]:
        assert len(selection["inspectors"]) == 2
    async with db.session(Principal.system()) as session:
        tasks = await session.scalar(
            select(func.count(col(InspectionTask.id))).where(col(InspectionTask.plan_id) == int(plan_id))
        )
        links = await session.scalar(select(func.count(col(InspectionTaskInspector.id))))
        attempts = await session.scalar(select(func.count(col(DrawAttempt.id))))
    assert (tasks, links, attempts) == (5, 10, 1)
    again = await act(api, DRAW, plan_id, city.tokens["district"])
    assert [e["code"] for e in again["errors"]] == ["ALREADY_DRAWN"]
