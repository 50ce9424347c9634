"""检查任务: a department reads its own tasks and those of the plans it leads (maintainers all),
filtered by plan, department, inspector, status, overdue and entity, page by page; it sees only
its own department's inspectors; an entity shows the caller's tasks about it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.enums import InspectionTaskStatus
from services.platform.clock import today
from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import counted
from tests.support.tasks import (
    DISTRICT,
    HEALTH,
    RECORD,
    TASKS,
    drawn_plan,
    result,
    set_task,
)


async def _tasks(api: Api, token: str, flt: dict[str, Any] | None = None, first: int | None = None,
                 after: str | None = None) -> dict[str, Any]:  # fmt: skip
    found: dict[str, Any] = (await api.data(TASKS, {"f": flt, "first": first, "after": after}, token))[
        "inspectionTasks"
    ]
    return found


def _ids(found: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in found["edges"]]


async def test_a_task_shows_its_plan_entity_department_and_inspectors(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[0]
    drawn = await drawn_plan(db, [uscc], due_on=today() + timedelta(days=20))
    found = await _tasks(api, city.tokens["district_health"])
    assert found["totalCount"] == 1
    task = found["edges"][0]["node"]
    assert task["id"] == drawn.task(uscc)
    assert task["plan"] == {"id": str(drawn.plan_id), "name": "2026年度餐饮服务双随机抽查"}
    assert task["entity"] == {"uscc": uscc} and task["department"] == {"code": HEALTH}
    assert task["kind"] == "DRAWN" and task["status"] == "ASSIGNED"
    assert task["dueOn"] == (today() + timedelta(days=20)).isoformat() and task["overdue"] is False
    assert sorted(i["certificateNo"] for i in task["inspectors"]) == sorted(drawn.inspectors[HEALTH])
    assert all(i["name"] for i in task["inspectors"])
    assert task["result"] is None and task["publishDueOn"] is None and task["parentTask"] is None


async def test_a_department_reads_its_own_tasks_and_those_of_plans_it_leads(
    api: Api, city: DemoCity, db: Database
) -> None:
    usccs = city.zhongshan[:2]
    joint = await drawn_plan(db, usccs, (DISTRICT, HEALTH), name="联合抽查")
    own = await drawn_plan(db, usccs[:1], (HEALTH,), name="卫健自查")
    lead = await _tasks(api, city.tokens["district"])
    # The lead reads every task of its plan, its partner's too, but only its own inspectors.
    assert sorted(_ids(lead)) == sorted(str(t) for t in joint.tasks.values())
    by_department = {edge["node"]["department"]["code"]: edge["node"] for edge in lead["edges"]}
    assert sorted(i["certificateNo"] for i in by_department[DISTRICT]["inspectors"]) == sorted(
        joint.inspectors[DISTRICT]
    )
    assert by_department[HEALTH]["inspectors"] == []
    # The partner reads its own tasks, not the lead's.
    partner = await _tasks(api, city.tokens["district_health"])
    expected = [joint.task(u, HEALTH) for u in usccs] + [own.task(usccs[0], HEALTH)]
    assert sorted(_ids(partner)) == sorted(expected)
    # Another district's department reads none; maintainers read every task and inspector.
    assert (await _tasks(api, city.tokens["other_district"]))["totalCount"] == 0
    everything = await _tasks(api, city.tokens["maintainer"])
    assert everything["totalCount"] == len(joint.tasks) + len(own.tasks)
    assert all(len(edge["node"]["inspectors"]) == 2 for edge in everything["edges"])
    # An entity shows the caller's tasks about it.
    on_entity = "query($u: String!) { entity(uscc: $u) { inspectionTasks { id department { code } } } }"
    shown = (await api.data(on_entity, {"u": usccs[1]}, city.tokens["district_health"]))["entity"]["inspectionTasks"]
    assert shown == [{"id": joint.task(usccs[1], HEALTH), "department": {"code": HEALTH}}]
    shown = (await api.data(on_entity, {"u": usccs[0]}, city.tokens["district"]))["entity"]["inspectionTasks"]
    assert sorted(t["id"] for t in shown) == sorted([joint.task(usccs[0], DISTRICT), joint.task(usccs[0], HEALTH)])


async def test_tasks_are_filtered(api: Api, city: DemoCity, db: Database) -> None:
    usccs = city.zhongshan[:3]
    first = await drawn_plan(db, usccs, (DISTRICT, HEALTH))
    second = await drawn_plan(db, usccs[:1], (DISTRICT,), name="第二次抽查")
    token = city.tokens["district"]
    recorded = first.task(usccs[0], DISTRICT)
    assert (await api.data(RECORD, {"t": recorded, "i": result()}, token))["recordInspectionResult"]["errors"] == []

    async def ids(flt: dict[str, Any]) -> list[str]:
        return sorted(_ids(await _tasks(api, token, flt)))

    assert await ids({"planId": str(second.plan_id)}) == [second.task(usccs[0], DISTRICT)]
    assert await ids({"departmentCode": HEALTH}) == sorted(first.task(u, HEALTH) for u in usccs)
    assert await ids({"uscc": usccs[1].lower()}) == sorted(
        [first.task(usccs[1], DISTRICT), first.task(usccs[1], HEALTH)]
    )
    assert await ids({"status": "RECORDED"}) == [recorded]
    assert await ids({"planId": str(first.plan_id), "departmentCode": DISTRICT, "status": "ASSIGNED"}) == sorted(
        first.task(u, DISTRICT) for u in usccs[1:]
    )
    # By inspector: the caller's own inspectors; another department's certificate finds nothing.
    certificate = first.inspectors[DISTRICT][0]
    assert await ids({"inspectorCertificateNo": certificate}) == sorted(
        [*(first.task(u, DISTRICT) for u in usccs), second.task(usccs[0], DISTRICT)]
    )
    assert await ids({"inspectorCertificateNo": first.inspectors[HEALTH][0]}) == []
    maintainer = sorted(
        _ids(await _tasks(api, city.tokens["maintainer"], {"inspectorCertificateNo": first.inspectors[HEALTH][0]}))
    )
    assert maintainer == sorted(first.task(u, HEALTH) for u in usccs)


async def test_overdue_says_which_deadline_passed(api: Api, city: DemoCity, db: Database) -> None:
    usccs = city.zhongshan[:3]
    drawn = await drawn_plan(db, usccs, (DISTRICT,))
    token = city.tokens["district"]
    late, published_late, on_time = (drawn.task(u, DISTRICT) for u in usccs)
    await set_task(db, late, due_on=today() - timedelta(days=1))
    assert (await api.data(RECORD, {"t": published_late, "i": result()}, token))["recordInspectionResult"][
        "errors"
    ] == []
    await set_task(db, published_late, publish_due_on=today() - timedelta(days=1))

    overdue = {edge["node"]["id"]: edge["node"] for edge in (await _tasks(api, token, {"overdue": True}))["edges"]}
    assert sorted(overdue) == sorted([late, published_late])
    assert overdue[late]["overdue"] is True and overdue[late]["publicationOverdue"] is False
    assert overdue[published_late]["overdue"] is False and overdue[published_late]["publicationOverdue"] is True
    assert _ids(await _tasks(api, token, {"overdue": False})) == [on_time]
    # Published, a result is no longer overdue for publication.
    await set_task(db, published_late, status=InspectionTaskStatus.PUBLISHED)
    assert _ids(await _tasks(api, token, {"overdue": True})) == [late]


async def test_tasks_page_by_keyset(api: Api, city: DemoCity, db: Database) -> None:
    usccs = city.zhongshan[:5]
    drawn = await drawn_plan(db, usccs)
    token = city.tokens["district_health"]
    pages, after = [], None
    while True:
        page = await _tasks(api, token, first=2, after=after)
        assert page["totalCount"] == 5
        pages.append(_ids(page))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == [drawn.task(u) for u in usccs]
    body = await api.gql(TASKS, {"after": "not-a-cursor"}, token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_a_page_costs_the_same_statements_whatever_its_size(api: Api, city: DemoCity, db: Database) -> None:
    usccs = city.zhongshan[:6]
    drawn = await drawn_plan(db, usccs)
    token = city.tokens["district_health"]
    for uscc in usccs:
        data = result(["PENDING_FOLLOW_UP"])
        assert (await api.data(RECORD, {"t": drawn.task(uscc), "i": data}, token))["recordInspectionResult"][
            "errors"
        ] == []
    document = (
        TASKS.replace("$f: InspectionTaskFilter, ", "").replace("filter: $f, ", "").replace(", $after: String", "")
    )
    document = document.replace(", after: $after", "")
    small, _ = await counted(api, db, token, document, 2)
    large, data = await counted(api, db, token, document, 12)
    assert len(data["inspectionTasks"]["edges"]) == 12  # six drawn, six follow-ups
    assert small == large


async def test_a_plan_id_that_is_no_number_is_a_clear_error(api: Api, city: DemoCity) -> None:
    body = await api.gql(TASKS, {"f": {"planId": "第一期"}}, city.tokens["district_health"])
    assert body["errors"][0]["extensions"] == {"code": "INVALID_PLAN_ID", "field": "planId"}
    assert "第一期" in body["errors"][0]["message"]
    assert (await _tasks(api, city.tokens["district_health"], {"planId": "424242"}))["totalCount"] == 0
