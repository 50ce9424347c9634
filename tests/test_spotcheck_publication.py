"""一公开: the task's department publishes a recorded result; the plan is done once every drawn
task is published (or replaced); the public reads published results of an entity (categories,
dates, department, plan) and never inspectors, findings or notes."""

from __future__ import annotations

import asyncio
from typing import Any

from models.enums import InspectionTaskStatus, SpotCheckPlanStatus
from services.platform.clock import today
from services.platform.db import Database
from services.spotchecks import published_results_of_plan
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import last_audit
from tests.support.tasks import (
    DISTRICT,
    HEALTH,
    PUBLICITY,
    PUBLISH,
    RECORD,
    SYSTEM,
    drawn_plan,
    plan_status,
    result,
    set_task,
)


async def _publish(api: Api, token: str, task_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(PUBLISH, {"t": task_id}, token))["publishInspectionResult"]
    return payload


async def _record(api: Api, token: str, task_id: str, data: dict[str, Any]) -> None:
    payload = (await api.data(RECORD, {"t": task_id, "i": data}, token))["recordInspectionResult"]
    assert payload["errors"] == [], payload["errors"]


async def test_a_recorded_result_is_published_once(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    task_id = drawn.task(uscc)
    assert error_codes(await _publish(api, token, task_id)) == {("taskId", "NOT_RECORDED")}
    await _record(api, token, task_id, result())
    published = await _publish(api, token, task_id)
    assert published["errors"] == []
    assert published["task"]["status"] == "PUBLISHED" and published["task"]["publishedAt"] is not None
    assert published["task"]["publicationOverdue"] is False
    event = await last_audit(db, "inspection_result.published")
    assert event.object_id == task_id and event.before == {"status": "RECORDED"}
    assert error_codes(await _publish(api, token, task_id)) == {("taskId", "ALREADY_PUBLISHED")}


async def test_only_the_tasks_department_publishes(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc], (DISTRICT, HEALTH))
    await _record(api, city.tokens["district_health"], drawn.task(uscc, HEALTH), result())
    for role, task_id in (
        ("district", drawn.task(uscc, HEALTH)),  # the lead reads it, but publishes only its own
        ("other_district", drawn.task(uscc, HEALTH)),
        ("district_health", "999999"),
    ):
        assert error_codes(await _publish(api, city.tokens[role], task_id)) == {("taskId", "TASK_NOT_FOUND")}
    body = await api.gql(PUBLISH, {"t": drawn.task(uscc, HEALTH)}, city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await set_task(db, drawn.task(uscc, DISTRICT), status=InspectionTaskStatus.REPLACED)
    assert error_codes(await _publish(api, city.tokens["district"], drawn.task(uscc, DISTRICT))) == {
        ("taskId", "TASK_REPLACED")
    }
    assert (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["inspectionResults"] == []


async def test_the_plan_is_done_when_every_drawn_task_is_published_or_replaced(
    api: Api, city: DemoCity, db: Database
) -> None:
    usccs = city.zhongshan[:2]
    drawn = await drawn_plan(db, usccs, (DISTRICT, HEALTH))
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    await set_task(db, drawn.task(usccs[1], DISTRICT), status=InspectionTaskStatus.REPLACED)
    await set_task(db, drawn.task(usccs[1], HEALTH), status=InspectionTaskStatus.REPLACED)
    await _record(api, lead, drawn.task(usccs[0], DISTRICT), result(["PENDING_FOLLOW_UP"]))
    await _record(api, partner, drawn.task(usccs[0], HEALTH), result())
    assert (await _publish(api, lead, drawn.task(usccs[0], DISTRICT)))["errors"] == []
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.IN_PROGRESS
    # The partner's last result completes the plan; the open follow-up does not hold it.
    assert (await _publish(api, partner, drawn.task(usccs[0], HEALTH)))["errors"] == []
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.DONE
    event = await last_audit(db, "spot_check_plan.done")
    assert event.object_id == str(drawn.plan_id)


async def test_two_departments_publishing_their_last_results_at_once_complete_the_plan(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc], (DISTRICT, HEALTH))
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    await _record(api, lead, drawn.task(uscc, DISTRICT), result())
    await _record(api, partner, drawn.task(uscc, HEALTH), result())
    payloads = await asyncio.gather(
        _publish(api, lead, drawn.task(uscc, DISTRICT)), _publish(api, partner, drawn.task(uscc, HEALTH))
    )
    assert [p["errors"] for p in payloads] == [[], []]
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.DONE


async def test_the_public_reads_published_results_and_nothing_internal(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc, city.zhongshan[1]], (DISTRICT, HEALTH))
    lead, partner = city.tokens["district"], city.tokens["district_health"]
    notes = "内部说明：店主称下周整改"
    await _record(api, partner, drawn.task(uscc, HEALTH), result(["NO_RELEVANT_BUSINESS"], notes=notes))
    await _record(api, lead, drawn.task(uscc, DISTRICT), result(["NOT_DISCLOSED"], items=result()["items"]))
    # Recorded is not yet public.
    assert (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["inspectionResults"] == []
    assert (await _publish(api, partner, drawn.task(uscc, HEALTH)))["errors"] == []
    body = await api.gql(PUBLICITY, {"u": uscc})  # anonymous
    shown = body["data"]["publicity"]["inspectionResults"]
    assert shown == [
        {
            "planName": "2026年度餐饮服务双随机抽查",
            "departmentName": "中山区卫生健康局",
            "kind": "DRAWN",
            "inspectedOn": today().isoformat(),
            "publishedOn": today().isoformat(),
            "categories": [{"code": "NO_RELEVANT_BUSINESS", "name": "未发现开展本次抽查涉及的经营活动"}],
        }
    ]
    # The public type has no field for inspectors, findings or notes, and the response holds none.
    internal = "query($u: String!) { publicity(uscc: $u) { inspectionResults { notes } } }"
    assert "errors" in await api.gql(internal, {"u": uscc})
    assert notes not in str(body) and drawn.inspectors[HEALTH][0] not in str(body)
    assert (await _publish(api, lead, drawn.task(uscc, DISTRICT)))["errors"] == []
    names = [r["departmentName"] for r in (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["inspectionResults"]]
    assert sorted(names) == ["中山区卫生健康局", "中山区市场监督管理局"]

    # The public draw page's service: the plan's published results.
    async with db.session(SYSTEM) as session:
        of_plan = await published_results_of_plan(session, drawn.plan_id)
    assert sorted((r.uscc, r.department_name) for r in of_plan) == [
        (uscc, "中山区卫生健康局"),
        (uscc, "中山区市场监督管理局"),
    ]
    assert {c.name for r in of_plan for c in r.categories} == {
        "未发现开展本次抽查涉及的经营活动",
        "未按规定公示应当公示的信息",
    }
