"""检查结果: a department records its task's result item by item against the plan's form, with
categories of the version in force; the task waits for publication within 20 working days; the
categories set their consequences in motion (a listing proposal to the registration authority,
a follow-up task), and a finding can be referred to another department. Every bad input is a
clear error, and nothing is stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from models import InspectionTask, MarketEntity, Referral, ResultCategory
from models.enums import InspectionTaskStatus, SpotCheckPlanStatus
from services.platform import calendar
from services.platform.clock import today
from services.platform.db import Database
from services.spotchecks import consequences
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import last_audit
from tests.support.listings import unlisted
from tests.support.referrals import REFERRALS
from tests.support.tasks import (
    DISTRICT,
    FORM,
    HEALTH,
    RECORD,
    SYSTEM,
    TASKS,
    answers,
    drawn_plan,
    plan_status,
    proposals,
    result,
    set_task,
    stored_results,
)


async def _record(api: Api, token: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(RECORD, {"t": task_id, "i": data}, token))["recordInspectionResult"]
    return payload


async def _recorded(api: Api, token: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    payload = await _record(api, token, task_id, data)
    assert payload["errors"] == [], payload["errors"]
    task: dict[str, Any] = payload["task"]
    return task


async def test_a_result_is_recorded_item_by_item_and_waits_for_publication(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc, city.zhongshan[1]])
    items = answers()
    items[1] = {**items[1], "finding": "NOT_CHECKED", "note": "该店无从业人员在岗"}
    data = result(
        ["NO_PROBLEM"], items=list(reversed(items)), notes="现场检查，未发现问题", attachments=["现场照片1.jpg"]
    )
    task = await _recorded(api, city.tokens["district_health"], drawn.task(uscc), data)

    assert task["status"] == "RECORDED" and task["recordedAt"] is not None and task["publishedAt"] is None
    async with db.session(SYSTEM) as session:
        work = await calendar.for_deadline(session, today(), 20)
    assert task["publishDueOn"] == work.add_working_days(today(), 20).isoformat()
    assert task["publicationOverdue"] is False and task["overdue"] is False
    stored = task["result"]
    # In form order, whatever order they were sent in, with the form's names.
    assert [(i["formItemCode"], i["formItemName"], i["finding"]) for i in stored["items"]] == [
        ("F1", FORM[0][1], "CONFORMING"),
        ("F2", FORM[1][1], "NOT_CHECKED"),
        ("F3", FORM[2][1], "CONFORMING"),
    ]
    assert stored["items"][1]["note"] == "该店无从业人员在岗"
    assert stored["categories"] == [{"code": "NO_PROBLEM", "name": "未发现问题"}]
    assert stored["categoryVersion"] == 1 and stored["notes"] == "现场检查，未发现问题"
    assert stored["attachments"] == ["现场照片1.jpg"] and stored["rectificationDueOn"] is None
    assert task["followUpTask"] is None
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.IN_PROGRESS
    event = await last_audit(db, "inspection_result.recorded")
    assert (
        event.object_id == drawn.task(uscc) and event.after is not None and event.after["categories"] == ["NO_PROBLEM"]
    )

    # The second result leaves the plan in progress.
    await _recorded(api, city.tokens["district_health"], drawn.task(city.zhongshan[1]), result())
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.IN_PROGRESS


async def test_the_publication_deadline_counts_working_days_of_the_calendar(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    async with db.session(SYSTEM) as session:
        before = (await calendar.for_deadline(session, today(), 20)).add_working_days(today(), 20)
    # Three working days off in between push the deadline three working days later.
    days: list[dict[str, Any]] = []
    day = today() + timedelta(days=1)
    while len(days) < 3:
        if day.weekday() < 5:
            days.append({"date": day.isoformat(), "isWorkday": False, "name": "测试假日"})
        day += timedelta(days=1)
    setting = "mutation($i: SetCalendarDaysInput!) { setCalendarDays(input: $i) { errors { code } } }"
    assert (await api.data(setting, {"i": {"days": days}}, city.tokens["maintainer"]))["setCalendarDays"][
        "errors"
    ] == []
    task = await _recorded(api, city.tokens["district_health"], drawn.task(uscc), result())
    async with db.session(SYSTEM) as session:
        work = await calendar.for_deadline(session, before, 3)
    assert task["publishDueOn"] == work.add_working_days(before, 3).isoformat()


async def test_only_the_tasks_department_records_it(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc], (DISTRICT, HEALTH))
    # The lead reads its partner's task, but records only its own; another department's task is not found.
    for role, task_id in (
        ("district", drawn.task(uscc, HEALTH)),
        ("district_health", drawn.task(uscc, DISTRICT)),
        ("other_district", drawn.task(uscc, HEALTH)),
        ("district_health", "999999"),
        ("district_health", "abc"),
    ):
        payload = await _record(api, city.tokens[role], task_id, result())
        assert error_codes(payload) == {("taskId", "TASK_NOT_FOUND")}, (role, payload)
        assert payload["task"] is None
    # Maintainers read every task and record none.
    body = await api.gql(RECORD, {"t": drawn.task(uscc, HEALTH), "i": result()}, city.tokens["maintainer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored_results(db) == 0
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.DRAWN
    # The partner's own result moves the plan its lead keeps.
    await _recorded(api, city.tokens["district_health"], drawn.task(uscc, HEALTH), result())
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.IN_PROGRESS


async def test_a_result_is_recorded_once(api: Api, city: DemoCity, db: Database) -> None:
    uscc, replaced = city.zhongshan[:2]
    drawn = await drawn_plan(db, [uscc, replaced])
    token = city.tokens["district_health"]
    await _recorded(api, token, drawn.task(uscc), result())
    again = await _record(api, token, drawn.task(uscc), result(["NOT_DISCLOSED"]))
    assert error_codes(again) == {("taskId", "ALREADY_RECORDED")}
    await set_task(db, drawn.task(replaced), status=InspectionTaskStatus.REPLACED)
    payload = await _record(api, token, drawn.task(replaced), result())
    assert error_codes(payload) == {("taskId", "TASK_REPLACED")}
    assert await stored_results(db) == 1
    assert await proposals(db, uscc) == []


async def test_every_form_item_is_answered_exactly_once(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    full = answers()
    cases = [
        (full[:2], {("items", "MISSING_FORM_ITEMS")}, "F3"),
        ([*full, {**full[0], "finding": "NON_CONFORMING"}], {("items", "DUPLICATE_FORM_ITEM")}, "F1"),
        ([*full, {**full[0], "formItemCode": "F9"}], {("items", "UNKNOWN_FORM_ITEM")}, "F9"),
        ([*full[1:], {**full[0], "checkItemCode": "OTHER-01"}], {("items", "UNKNOWN_FORM_ITEM"),
                                                                  ("items", "MISSING_FORM_ITEMS")}, "OTHER-01/F1"),
        ([], {("items", "MISSING_FORM_ITEMS")}, "F2"),
    ]  # fmt: skip
    for items, expected, named in cases:
        payload = await _record(api, token, drawn.task(uscc), result(items=items))
        assert error_codes(payload) == expected, items
        assert any(named in error["message"] for error in payload["errors"]), payload["errors"]
    assert await stored_results(db) == 0


async def test_categories_come_from_the_version_in_force_and_agree(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    cases: list[tuple[dict[str, Any], set[tuple[str, str]]]] = [
        (result(["NO_SUCH"]), {("categories", "UNKNOWN_CATEGORY")}),
        (result(["NO_PROBLEM", "NOT_DISCLOSED"]), {("categories", "CONTRADICTORY_CATEGORIES")}),
        ({**result(), "categories": []}, {("categories", "REQUIRED")}),
        (result(items=answers("NON_CONFORMING")), {("categories", "CONTRADICTORY_CATEGORIES")}),
        (result(["RECTIFICATION_ORDERED"]), {("rectificationDueOn", "RECTIFICATION_DUE_REQUIRED")}),
        (
            result(["PENDING_FOLLOW_UP"], rectificationDueOn=(today() + timedelta(days=9)).isoformat()),
            {("rectificationDueOn", "RECTIFICATION_DUE_NOT_ALLOWED")},
        ),
        (
            result(["RECTIFICATION_ORDERED"], rectificationDueOn=today().isoformat()),
            {("rectificationDueOn", "INVALID_RANGE")},
        ),
        (result(notes="说明\x00"), {("notes", "INVALID_TEXT")}),
        (result(attachments=["../etc/passwd"]), {("attachments", "INVALID_ATTACHMENT_NAME")}),
        (result(attachments=["  "]), {("attachments", "REQUIRED")}),
        # Every problem at once.
        (
            {"items": answers()[:1], "categories": ["NO_SUCH"], "notes": "长" * 4001},
            {("items", "MISSING_FORM_ITEMS"), ("categories", "UNKNOWN_CATEGORY"), ("notes", "TOO_LONG")},
        ),
    ]
    for data, expected in cases:
        payload = await _record(api, token, drawn.task(uscc), data)
        assert error_codes(payload) == expected, data
        assert all(error["message"] for error in payload["errors"])
    assert await stored_results(db) == 0
    assert await plan_status(db, drawn.plan_id) is SpotCheckPlanStatus.DRAWN


async def test_a_listing_category_proposes_the_abnormal_list_to_the_registration_authority(
    api: Api, city: DemoCity, db: Database
) -> None:
    (uscc,) = await unlisted(db, DISTRICT)  # registered by 中山区市场监督管理局
    drawn = await drawn_plan(db, [uscc])
    data = result(["UNREACHABLE", "NOT_DISCLOSED"], items=answers("NOT_CHECKED"))
    task = await _recorded(api, city.tokens["district_health"], drawn.task(uscc), data)
    assert [c["name"] for c in task["result"]["categories"]] == [
        "通过登记的住所（经营场所）无法联系",
        "未按规定公示应当公示的信息",
    ]
    # The registration authority (中山区市场监督管理局) receives one proposal from the health bureau.
    received = await api.data(
        REFERRALS, {"f": {"direction": "RECEIVED", "reason": "LISTING_PROPOSAL"}}, city.tokens["district"]
    )
    nodes = [edge["node"] for edge in received["referrals"]["edges"]]
    assert len(nodes) == 1
    proposal = nodes[0]
    assert proposal["entity"]["uscc"] == uscc and proposal["fromDepartment"]["code"] == HEALTH
    assert proposal["status"] == "SENT"
    assert "经营异常名录" in proposal["message"] and "2026年度餐饮服务双随机抽查" in proposal["message"]
    # It names the listing reasons it proposes.
    assert "通过登记的住所或者经营场所无法联系" in proposal["message"] and "未按规定公示即时信息" in proposal["message"]
    assert len(await proposals(db, uscc)) == 1
    assert task["followUpTask"] is None
    # Once per task, however often the proposal is made again.
    session = await db.write_session(SYSTEM)
    try:
        row = await session.get(InspectionTask, int(drawn.task(uscc)))
        entity = await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == uscc))
        assert row is not None and entity is not None
        category = await session.scalar(select(ResultCategory).where(col(ResultCategory.code) == "UNREACHABLE"))
        assert category is not None
        assert await consequences.propose_listing(session, row, entity, [category]) is None
        await session.commit()
    finally:
        await session.close()
    assert len(await proposals(db, uscc)) == 1


async def test_pending_follow_up_opens_a_follow_up_task_at_once(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    task = await _recorded(api, token, drawn.task(uscc), result(["PENDING_FOLLOW_UP"], items=answers("NON_CONFORMING")))
    follow_up = task["followUpTask"]
    assert follow_up is not None
    assert follow_up["kind"] == "FOLLOW_UP" and follow_up["status"] == "ASSIGNED"
    assert follow_up["department"]["code"] == HEALTH and follow_up["entity"]["uscc"] == uscc
    assert sorted(i["certificateNo"] for i in follow_up["inspectors"]) == sorted(drawn.inspectors[HEALTH])
    async with db.session(SYSTEM) as session:
        work = await calendar.for_deadline(session, today(), 10)
    assert follow_up["dueOn"] == work.add_working_days(today(), 10).isoformat()
    assert await proposals(db, uscc) == []
    # The follow-up is recorded against its parent's plan's form, and names its parent.
    answered = await _recorded(api, token, follow_up["id"], result())
    assert answered["parentTask"] == {"id": drawn.task(uscc)} and answered["plan"]["id"] == str(drawn.plan_id)


async def test_a_rectification_order_waits_for_its_deadline(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    due = (today() + timedelta(days=15)).isoformat()
    data = result(["RECTIFICATION_ORDERED"], items=answers("NON_CONFORMING"), rectificationDueOn=due)
    task = await _recorded(api, city.tokens["district_health"], drawn.task(uscc), data)
    assert task["result"]["rectificationDueOn"] == due
    assert task["followUpTask"] is None


async def test_a_finding_is_referred_to_another_department(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    message = "检查发现该店超范围经营预包装食品销售，属贵局职责，请依法处理。"
    bad = result(
        referrals=[{"toDepartmentCode": DISTRICT, "message": message}, {"toDepartmentCode": "NO-SUCH", "message": "x"}]
    )
    payload = await _record(api, token, drawn.task(uscc), bad)
    assert error_codes(payload) == {("referrals.1.toDepartmentCode", "UNKNOWN_DEPARTMENT")}
    assert await stored_results(db) == 0
    async with db.session(SYSTEM) as session:
        assert message not in {r.message for r in await session.scalars(select(Referral))}
        task_row = await session.get(InspectionTask, int(drawn.task(uscc)))
        assert task_row is not None and task_row.status is InspectionTaskStatus.ASSIGNED

    await _recorded(
        api, token, drawn.task(uscc), result(referrals=[{"toDepartmentCode": DISTRICT, "message": message}])
    )
    received = await api.data(REFERRALS, {"f": {"direction": "RECEIVED"}}, city.tokens["district"])
    found = [e["node"] for e in received["referrals"]["edges"] if e["node"]["message"] == message]
    assert len(found) == 1
    assert found[0]["reason"] == "INSPECTION_FINDING" and found[0]["fromDepartment"]["code"] == HEALTH
    assert found[0]["entity"]["uscc"] == uscc


async def test_two_recordings_at_once_store_one_result(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc])
    token = city.tokens["district_health"]
    payloads = await asyncio.gather(
        *(_record(api, token, drawn.task(uscc), result(["PENDING_FOLLOW_UP"])) for _ in range(3))
    )
    assert sorted(len(p["errors"]) for p in payloads) == [0, 1, 1]
    assert {e["code"] for p in payloads for e in p["errors"]} <= {"ALREADY_RECORDED", "CONFLICT"}
    assert await stored_results(db) == 1
    async with db.session(SYSTEM) as session:
        follow_ups = await session.scalars(
            select(InspectionTask).where(col(InspectionTask.parent_task_id) == int(drawn.task(uscc)))
        )
        assert len(list(follow_ups)) == 1


async def test_a_result_keeps_the_category_version_it_was_recorded_under(
    api: Api, city: DemoCity, db: Database
) -> None:
    first, second = city.zhongshan[:2]
    drawn = await drawn_plan(db, [first, second])
    token = city.tokens["district_health"]
    await _recorded(api, token, drawn.task(first), result(["NO_RELEVANT_BUSINESS"]))
    new_version = [
        {"code": "NO_PROBLEM", "name": "未发现问题（新）"},
        {"code": "NO_RELEVANT_BUSINESS", "name": "未发现相关经营活动"},
        {"code": "RECTIFICATION_ORDERED", "name": "发现问题已责令改正", "consequence": "FOLLOW_UP"},
    ]
    setting = "mutation($i: [ResultCategoryInput!]!) { setResultCategories(input: $i) { errors { code } } }"
    assert (await api.data(setting, {"i": new_version}, city.tokens["maintainer"]))["setResultCategories"][
        "errors"
    ] == []
    # A code the new version dropped is no longer recorded; the others are, under the new version.
    dropped = await _record(api, token, drawn.task(second), result(["NOT_DISCLOSED"]))
    assert error_codes(dropped) == {("categories", "UNKNOWN_CATEGORY")}
    recorded = await _recorded(api, token, drawn.task(second), result(["NO_RELEVANT_BUSINESS"]))
    assert recorded["result"]["categoryVersion"] == 2
    assert recorded["result"]["categories"] == [{"code": "NO_RELEVANT_BUSINESS", "name": "未发现相关经营活动"}]
    found = await api.data(TASKS, {"f": {"uscc": first}}, token)
    (old,) = [e["node"]["result"] for e in found["inspectionTasks"]["edges"]]
    assert old["categoryVersion"] == 1
    assert old["categories"] == [{"code": "NO_RELEVANT_BUSINESS", "name": "未发现开展本次抽查涉及的经营活动"}]
