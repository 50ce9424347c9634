"""抽查计划 in the admin pages, over plain HTTP: the create form (refused field by field with the
typed input kept), a joint plan's acceptance, approval publishing the seed's commitment, the draw
and its record verified by the platform's own recomputation, a replacement, and who sees which
plan (another department's by address: 404; maintainers read only)."""

from __future__ import annotations

import copy
import html
import re

import httpx

from models.enums import EntityStatus
from services.platform.db import Database
from services.spotchecks.plan_sheet import verify
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in, staff_password
from tests.support.draws import DISTRICT, DISTRICT_HEALTH, PLAN, add_inspectors
from tests.support.task_pages import PLANS, add_form_check_item, field_errors, plan_form, set_entity_status


def _plan_id(response: httpx.Response) -> str:
    assert response.status_code == 303, response.status_code
    found = re.search(r"/spot-check-plans/(\d+)$", response.headers["location"])
    assert found is not None
    return found.group(1)


async def _plan(api: Api, city: DemoCity, plan_id: str) -> dict[str, object]:
    data = await api.data(PLAN, {"id": plan_id}, city.tokens["district"])
    plan: dict[str, object] = data["spotCheckPlan"]
    return plan


async def _ready(db: Database) -> None:
    await add_form_check_item(db, DISTRICT)
    await add_inspectors(db, DISTRICT, 4, "SCJGP")  # 3 targets × 2: the load cap leaves enough


async def test_the_create_form_refuses_field_by_field_and_keeps_what_was_typed(
    api: Api, city: DemoCity, db: Database
) -> None:
    await _ready(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    token = await csrf(client, f"{PLANS}/new")
    bad = plan_form(token, name="", check_item=[], sample_count="0", period_end="2020-01-01", matter_code="NOPE")
    refused = await client.post(f"{PLANS}/new", data=bad)
    assert refused.status_code == 400
    assert field_errors(refused.text, "name") == ["计划名称不能为空"]
    assert field_errors(refused.text, "checkItemCodes") == ["抽查事项不能为空"]
    assert field_errors(refused.text, "sample") == ["抽取数量须为正整数"]
    assert len(field_errors(refused.text, "periodEnd")) == 1
    assert field_errors(refused.text, "filter") == ["监管事项“NOPE”不存在"]
    kept = html.unescape(refused.text)
    assert 'name="matter_code" value="NOPE"' in kept and 'value="2020-01-01"' in kept

    created = await client.post(f"{PLANS}/new", data=plan_form(token))
    plan_id = _plan_id(created)
    assert (await _plan(api, city, plan_id))["status"] == "DRAFT"
    listed = html.unescape((await client.get(PLANS)).text)
    row = listed[listed.index(f'id="plan-{plan_id}"') :][:1500]
    assert "2026年度中山区餐饮服务双随机抽查" in row and "牵头部门" in row and "草拟" in row


async def test_approve_draw_verify_and_replace_through_the_pages(api: Api, city: DemoCity, db: Database) -> None:
    await _ready(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    token = await csrf(client, f"{PLANS}/new")
    plan_id = _plan_id(await client.post(f"{PLANS}/new", data=plan_form(token)))
    page = f"{PLANS}/{plan_id}"
    assert (await client.post(f"{page}/draw", data={"csrftoken": token})).status_code == 400  # not approved yet

    assert (await client.post(f"{page}/approve", data={"csrftoken": token})).status_code == 303
    plan = await _plan(api, city, plan_id)
    approved = html.unescape((await client.get(page)).text)
    assert plan["status"] == "APPROVED" and str(plan["seedCommitment"]) in approved
    assert f"/public/draws/{plan_id}" in approved and 'id="draw-form"' in approved

    assert (await client.post(f"{page}/draw", data={"csrftoken": token})).status_code == 303
    drawn = html.unescape((await client.get(page)).text)
    assert 'id="verification">核验通过' in drawn
    record = (await _plan(api, city, plan_id))["drawRecord"]
    assert isinstance(record, dict)
    selections = record["selections"]
    assert len(selections) == 3
    for selection in selections:
        assert f'data-uscc="{selection["uscc"]}"' in drawn
        for inspector in selection["inspectors"]:
            assert inspector["certificateNo"] in drawn
    assert "中山区市场监督管理局" in drawn[drawn.index('id="selections"') :]
    again = await client.post(f"{page}/draw", data={"csrftoken": token})
    assert again.status_code == 400 and 'id="draw-attempts"' in again.text

    # 替补: the first drawn entity is deregistered; its replacement is the rule's, not a hand pick.
    first = selections[0]["uscc"]
    task = re.search(rf'id="plan-task-(\d+)"[^<]*>\s*<td><a[^>]*>[^<]*</a><div[^>]*>{first}<', drawn)
    assert task is not None
    blank = await client.post(f"{page}/replace", data={"csrftoken": token, "task_id": task.group(1), "reason": ""})
    assert blank.status_code == 400 and "替补原因不能为空" in html.unescape(blank.text)
    still = await client.post(
        f"{page}/replace", data={"csrftoken": token, "task_id": task.group(1), "reason": "已注销"}
    )
    assert still.status_code == 400 and "只有登记状态为注销或吊销的抽中对象可以替补" in html.unescape(still.text)
    await set_entity_status(db, first, EntityStatus.DEREGISTERED)
    done = await client.post(f"{page}/replace", data={"csrftoken": token, "task_id": task.group(1), "reason": "已注销"})
    assert done.status_code == 303
    replaced = html.unescape((await client.get(page)).text)
    assert "已由 " in replaced and "（已注销）" in replaced and 'id="verification">核验通过' in replaced


async def test_a_joint_plan_waits_for_its_partner_and_others_see_nothing(
    api: Api, city: DemoCity, db: Database
) -> None:
    await _ready(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    token = await csrf(client, f"{PLANS}/new")
    joint = plan_form(token, partner=[DISTRICT_HEALTH], inspectors_per_department=f"{DISTRICT} 1\n{DISTRICT_HEALTH} 1")
    plan_id = _plan_id(await client.post(f"{PLANS}/new", data=joint))
    page = f"{PLANS}/{plan_id}"
    early = await client.post(f"{page}/approve", data={"csrftoken": token})
    assert early.status_code == 400 and "联合抽查的配合部门尚未全部确认，不能审批" in html.unescape(early.text)

    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as partner:
        await sign_in(partner, "wj-210202", staff_password(city))
        listed = html.unescape((await partner.get(PLANS)).text)
        assert f'id="plan-{plan_id}"' in listed and "配合部门" in listed
        partner_token = await csrf(partner, page)
        assert (await partner.post(f"{page}/approve", data={"csrftoken": partner_token})).status_code == 400
        assert (await partner.post(f"{page}/accept", data={"csrftoken": partner_token})).status_code == 303
    assert (await client.post(f"{page}/approve", data={"csrftoken": token})).status_code == 303
    assert (await _plan(api, city, plan_id))["status"] == "APPROVED"

    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other:
        await sign_in(other, "scjg-210203", staff_password(city))
        assert f'id="plan-{plan_id}"' not in (await other.get(PLANS)).text
        assert (await other.get(page)).status_code == 404
        other_token = await csrf(other, PLANS)
        assert (await other.post(f"{page}/draw", data={"csrftoken": other_token})).status_code == 404
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        seen = html.unescape((await maintainer.get(page)).text)
        assert 'id="read-only"' in seen and 'id="draw-form"' not in seen
        assert (await maintainer.get(f"{PLANS}/new")).status_code == 403
        maintainer_token = await csrf(maintainer, PLANS)
        assert (await maintainer.post(f"{page}/draw", data={"csrftoken": maintainer_token})).status_code == 403
    assert (await _plan(api, city, plan_id))["status"] == "APPROVED"


async def test_the_verification_names_what_a_tampered_record_gets_wrong(api: Api, city: DemoCity, db: Database) -> None:
    await _ready(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    token = await csrf(client, f"{PLANS}/new")
    plan_id = _plan_id(await client.post(f"{PLANS}/new", data=plan_form(token)))
    for action in ("approve", "draw"):
        assert (await client.post(f"{PLANS}/{plan_id}/{action}", data={"csrftoken": token})).status_code == 303
    record = (await _plan(api, city, plan_id))["drawRecord"]
    assert isinstance(record, dict)
    verified = verify(record)
    assert verified is not None and verified.ok
    swapped = copy.deepcopy(record)
    swapped["selections"][0]["uscc"] = next(
        u for u in record["candidates"] if u not in {s["uscc"] for s in record["selections"]}
    )
    found = verify(swapped)
    assert found is not None and not found.ok
    assert any(d.startswith("第 1 个抽中对象不符") for d in found.differences)
    reseeded = {**copy.deepcopy(record), "seedCommitment": "0" * 64}
    found = verify(reseeded)
    assert found is not None and found.differences == ["种子与审批时公布的承诺值不符"]


async def test_the_public_draw_page_shows_published_results_and_nothing_internal(
    api: Api, city: DemoCity, db: Database
) -> None:
    await _ready(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    token = await csrf(client, f"{PLANS}/new")
    plan_id = _plan_id(await client.post(f"{PLANS}/new", data=plan_form(token)))
    for action in ("approve", "draw"):
        assert (await client.post(f"{PLANS}/{plan_id}/{action}", data={"csrftoken": token})).status_code == 303
    public = f"/public/draws/{plan_id}"
    assert "尚无已公示的检查结果" in (await client.get(public)).text
    drawn = (await client.get(f"{PLANS}/{plan_id}")).text
    task = re.findall(r'id="plan-task-(\d+)"', drawn)[0]
    notes = "店内张贴的许可证为复印件，原件在总店"
    answers = {f"finding:CY-01/{code}": "CONFORMING" for code in ("F1", "F2", "F3")}
    form = {"csrftoken": token, **answers, "category": ["NO_PROBLEM"], "notes": notes}
    assert (await client.post(f"/admin/inspection-tasks/{task}/record", data=form)).status_code == 303
    recorded = html.unescape((await client.get(public)).text)
    assert "尚无已公示的检查结果" in recorded  # recorded is not yet published
    assert (await client.post(f"/admin/inspection-tasks/{task}/publish", data={"csrftoken": token})).status_code == 303
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anyone:
        shown = html.unescape((await anyone.get(public)).text)
    table = shown[shown.index("<h2>检查结果公示</h2>") :]
    assert "中山区市场监督管理局" in table and "未发现问题" in table
    assert notes not in shown and "符合" not in table
