"""双随机、一公开 from end to end, through the API alone: a department keeps its check item and
inspectors, plans, approves and draws; the drawn tasks are recorded item by item and published;
the plan is done, the public page and `publicity` show the results, and the record verifies."""

from __future__ import annotations

from typing import Any

from services.spotchecks import recompute
from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.draws import APPROVE, CREATE, DRAW, PLAN, act, plan_input
from tests.support.lists import CHECK_ITEM, INSPECTOR, check_item, inspector
from tests.support.tasks import PUBLICITY, PUBLISH, RECORD, TASKS


async def _tasks(api: Api, plan_id: str, token: str) -> list[dict[str, Any]]:
    page = (await api.data(TASKS, {"f": {"planId": plan_id}, "first": 100}, token))["inspectionTasks"]
    return [edge["node"] for edge in page["edges"]]


async def test_a_plan_from_its_lists_to_published_results(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    await ok(api, CHECK_ITEM, check_item("SC-001"), token)
    certificates = [f"210202009{n:02d}" for n in range(1, 5)]
    for number in certificates:
        await ok(api, INSPECTOR, inspector(number, name=f"执法员{number[-2:]}"), token)

    created = await ok(api, CREATE, plan_input(checkItemCodes=["SC-001"], sample={"count": 3}), token)
    plan_id = created["plan"]["id"]
    approved = await act(api, APPROVE, plan_id, token)
    assert approved["errors"] == [] and approved["plan"]["status"] == "APPROVED"
    drawn = await act(api, DRAW, plan_id, token)
    assert drawn["errors"] == [], drawn["errors"]
    record = drawn["drawRecord"]
    assert recompute(record)["selections"] == record["selections"]

    tasks = await _tasks(api, plan_id, token)
    assert sorted(t["entity"]["uscc"] for t in tasks) == sorted(s["uscc"] for s in record["selections"])
    for task, selection in zip(
        sorted(tasks, key=lambda t: t["entity"]["uscc"]),
        sorted(record["selections"], key=lambda s: s["uscc"]),
        strict=True,
    ):
        assert {i["certificateNo"] for i in task["inspectors"]} == {i["certificateNo"] for i in selection["inspectors"]}
        assert task["status"] == "ASSIGNED" and task["plan"]["name"] == created["plan"]["name"]

    first, *others = tasks
    items = [{"checkItemCode": "SC-001", "formItemCode": code, "finding": "CONFORMING"} for code in ("1", "2")]
    for task in tasks:
        body = await api.data(RECORD, {"t": task["id"], "i": {"items": items, "categories": ["NO_PROBLEM"]}}, token)
        payload = body["recordInspectionResult"]
        assert payload["errors"] == [], payload["errors"]
        assert payload["task"]["status"] == "RECORDED" and payload["task"]["publishDueOn"] is not None
    status = (await api.data(PLAN, {"id": plan_id}, token))["spotCheckPlan"]["status"]
    assert status == "IN_PROGRESS"
    waiting = await api.client.get(f"/public/draws/{plan_id}")
    assert "尚无已公示的检查结果" in waiting.text  # recorded is not yet public

    for task in tasks:
        published = (await api.data(PUBLISH, {"t": task["id"]}, token))["publishInspectionResult"]
        assert published["errors"] == [] and published["task"]["status"] == "PUBLISHED"
    assert (await api.data(PLAN, {"id": plan_id}, token))["spotCheckPlan"]["status"] == "DONE"

    # The public, without a login: the entity's publicity and the plan's draw page.
    shown = (await api.data(PUBLICITY, {"u": first["entity"]["uscc"]}))["publicity"]
    assert [r["categories"] for r in shown["inspectionResults"]] == [[{"code": "NO_PROBLEM", "name": "未发现问题"}]]
    assert shown["inspectionResults"][0]["planName"] == created["plan"]["name"]
    page = await api.client.get(f"/public/draws/{plan_id}")
    assert page.status_code == 200
    assert "检查结果公示" in page.text and "未发现问题" in page.text and "尚无已公示" not in page.text
    assert all(t["entity"]["uscc"] in page.text for t in others)
    assert "执法员" not in page.text  # inspectors' names stay internal
