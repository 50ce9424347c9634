"""检查任务 and 我的检查任务 in the admin pages, over plain HTTP: who sees which tasks, another
department's task by address (404), the result form item by item (refusals beside their fields,
what was typed kept), 公示 with its deadline, CSRF, and the inspector's own page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import httpx

from services.platform.clock import today
from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in, staff_password
from tests.support.task_pages import MINE, TASKS, field_errors, link_inspector, result_form, unassign
from tests.support.tasks import DISTRICT, HEALTH, drawn_plan, set_task
from tests.support.tasks import TASKS as TASKS_QUERY

NOTE = "后厨排水沟有积水，已当场指出"


async def _status(api: Api, city: DemoCity, task: str) -> str:
    data = await api.data(TASKS_QUERY, {"f": {}, "first": 100}, city.tokens["district_health"])
    return str(next(e["node"]["status"] for e in data["inspectionTasks"]["edges"] if e["node"]["id"] == task))


def _rows(text: str) -> list[str]:
    return re.findall(r'data-task-id="(\d+)"', text)


async def test_a_department_lists_its_own_tasks_and_another_departments_task_is_not_found(
    api: Api, city: DemoCity, db: Database
) -> None:
    usccs = city.zhongshan[:2]
    drawn = await drawn_plan(db, usccs, name="2026年度餐饮服务双随机抽查")
    first, second = drawn.task(usccs[0]), drawn.task(usccs[1])
    await set_task(db, second, due_on=today() - timedelta(days=1))
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))

    page = await client.get(TASKS)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert set(_rows(text)) >= {first, second}
    row = text[text.index(f'id="task-{second}"') :]
    assert usccs[1] in row[:2000] and "2026年度餐饮服务双随机抽查" in row[:2000] and "检查逾期" in row[:2000]
    assert "王检查02" in row[:2000]  # the inspectors' names
    overdue = await client.get(TASKS, params={"overdue": "task"})
    assert _rows(overdue.text) == [second]
    by_plan = await client.get(TASKS, params={"plan": str(drawn.plan_id), "status": "ASSIGNED"})
    assert set(_rows(by_plan.text)) == {first, second}

    sheet = html.unescape((await client.get(f"{TASKS}/{first}")).text)
    assert "餐饮服务经营者监督检查" in sheet and "《中华人民共和国食品安全法》第八十七条" in sheet
    assert "从业人员健康证明" in sheet and 'id="result-form"' in sheet
    assert f'href="http://testserver/admin/spot-check-plans/{drawn.plan_id}"' in sheet
    assert "发现问题已责令改正" in sheet and "期限届满后自动生成复查任务" in sheet

    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other:
        await sign_in(other, "scjg-210203", staff_password(city))
        assert first not in _rows((await other.get(TASKS)).text)
        assert (await other.get(f"{TASKS}/{first}")).status_code == 404
        token = await csrf(other, TASKS)
        refused = await other.post(f"{TASKS}/{first}/record", data=result_form(token))
        assert refused.status_code == 404
    assert await _status(api, city, first) == "ASSIGNED"


async def test_recording_item_by_item_keeps_what_was_typed_then_publishing(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[2]
    drawn = await drawn_plan(db, [uscc])
    task = drawn.task(uscc)
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    token = await csrf(client, f"{TASKS}/{task}")

    # One item unanswered, and 责令改正 without its deadline: both said beside their fields.
    partial = result_form(token, "NON_CONFORMING", ("RECTIFICATION_ORDERED",), notes=NOTE)
    del partial["finding:SPJY-01/F3"]
    partial["note:SPJY-01/F2"] = "两名员工健康证过期"
    refused = await client.post(f"{TASKS}/{task}/record", data=partial)
    assert refused.status_code == 400
    assert field_errors(refused.text, "items") == ["以下检查项未填写：SPJY-01/F3（场所卫生状况）"]
    assert field_errors(refused.text, "rectificationDueOn") == ["结果为“发现问题已责令改正”时须填写整改期限"]
    kept = html.unescape(refused.text)
    assert NOTE in kept and 'value="两名员工健康证过期"' in kept
    assert re.search(r'value="RECTIFICATION_ORDERED" checked', kept)
    assert re.search(r'name="finding:SPJY-01/F1" value="NON_CONFORMING" checked', kept)
    assert await _status(api, city, task) == "ASSIGNED"

    # "未发现问题" with a non-conforming item contradicts itself: the service says so.
    contradictory = await client.post(f"{TASKS}/{task}/record", data=result_form(token, "NON_CONFORMING"))
    assert field_errors(contradictory.text, "categories") == ["有检查项不符合，结果类别不能为“未发现问题”"]

    due = (today() + timedelta(days=15)).isoformat()
    done = await client.post(
        f"{TASKS}/{task}/record",
        data=result_form(token, "NON_CONFORMING", ("RECTIFICATION_ORDERED",), rectification_due_on=due, notes=NOTE),
    )
    assert done.status_code == 303 and done.headers["location"].endswith(f"{TASKS}/{task}")
    assert await _status(api, city, task) == "RECORDED"
    shown = html.unescape((await client.get(f"{TASKS}/{task}")).text)
    assert "检查结果已录入" in shown and f"整改期限：{due}" in shown and "发现问题已责令改正" in shown
    deadline = re.search(r'id="publish-deadline">应于 <strong>([\d-]+)</strong> 前公示（录入后 20 个工作日）', shown)
    assert deadline is not None and deadline.group(1) > today().isoformat()
    assert 'id="result-form"' not in shown

    again = await client.post(f"{TASKS}/{task}/record", data=result_form(token))
    assert again.status_code == 400 and "不能重复录入结果" in html.unescape(again.text)
    published = await client.post(f"{TASKS}/{task}/publish", data={"csrftoken": token})
    assert published.status_code == 303
    assert await _status(api, city, task) == "PUBLISHED"
    assert "已于" in html.unescape((await client.get(f"{TASKS}/{task}")).text)
    twice = await client.post(f"{TASKS}/{task}/publish", data={"csrftoken": token})
    assert twice.status_code == 400 and "该检查结果已公示" in html.unescape(twice.text)


async def test_forms_without_csrf_and_a_maintainers_posts_are_refused(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[3]
    task = (await drawn_plan(db, [uscc])).task(uscc)
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    for token in (None, "forged"):
        form = result_form(token or "")
        if token is None:
            del form["csrftoken"]
        assert (await client.post(f"{TASKS}/{task}/record", data=form)).status_code == 403
    assert await _status(api, city, task) == "ASSIGNED"

    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        listed = html.unescape((await maintainer.get(TASKS)).text)
        assert task in _rows(listed) and "录入和公示检查结果须由任务所属部门的用户办理" in listed
        sheet = html.unescape((await maintainer.get(f"{TASKS}/{task}")).text)
        assert 'id="result-form"' not in sheet
        token = await csrf(maintainer, TASKS)
        assert (await maintainer.post(f"{TASKS}/{task}/record", data=result_form(token))).status_code == 403
    assert await _status(api, city, task) == "ASSIGNED"


async def test_a_lead_reads_its_partners_tasks_but_records_none(api: Api, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[4]
    drawn = await drawn_plan(db, [uscc], departments=(HEALTH, DISTRICT))
    partner = drawn.task(uscc, DISTRICT)
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    sheet = html.unescape((await client.get(f"{TASKS}/{partner}")).text)
    assert 'id="result-form"' not in sheet and "由该部门录入检查结果" in sheet
    token = await csrf(client, TASKS)
    refused = await client.post(f"{TASKS}/{partner}/record", data=result_form(token))
    assert refused.status_code == 400 and "不存在或不属于本部门" in html.unescape(refused.text)


async def test_an_inspector_sees_only_the_tasks_assigned_to_them(api: Api, city: DemoCity, db: Database) -> None:
    usccs = city.zhongshan[5:7]
    drawn = await drawn_plan(db, usccs)
    mine, theirs = drawn.task(usccs[0]), drawn.task(usccs[1])
    certificate = drawn.inspectors[HEALTH][0]
    await link_inspector(db, certificate, "wj-210202")
    await unassign(db, theirs, certificate)
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))

    listed = html.unescape((await client.get(MINE)).text)
    assert mine in _rows(listed) and theirs not in _rows(listed) and f"执法证 {certificate}" in listed
    assert (await client.get(f"{MINE}/{theirs}")).status_code == 404
    page = (await client.get(f"{MINE}/{mine}")).text
    assert 'name="viewport"' in page and 'id="result-form"' in page
    token = await csrf(client, f"{MINE}/{mine}")
    assert (await client.post(f"{MINE}/{theirs}/record", data=result_form(token))).status_code == 404
    done = await client.post(f"{MINE}/{mine}/record", data=result_form(token))
    assert done.status_code == 303 and done.headers["location"].endswith(f"{MINE}/{mine}")
    assert await _status(api, city, mine) == "RECORDED"
    assert await _status(api, city, theirs) == "ASSIGNED"


async def test_users_who_are_no_inspector_are_told_why_they_have_no_tasks(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[7]
    task = (await drawn_plan(db, [uscc])).task(uscc)
    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    page = html.unescape((await client.get(MINE)).text)
    assert "您的账号没有关联执法检查人员" in page and task not in _rows(page)
    assert (await client.get(f"{MINE}/{task}")).status_code == 404
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        assert "您的账号没有关联执法检查人员" in html.unescape((await maintainer.get(MINE)).text)
