"""告知收件箱 over plain HTTP: CSRF on every action, and who may act on what."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col

from models import Notice
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import CSRF, sign_in
from tests.support.entities import REGISTER_FOR_NOTICES, new_code, registration

INBOX = "/admin/notice-inbox"
NOTICE_STATES = "query($u: String!) { entity(uscc: $u) { notices { id status } } }"


async def _register(api: Api, city: DemoCity) -> dict[str, Any]:
    data = registration(persons=[], name="大连收件箱测试餐饮有限公司", businessScope="食品销售；餐饮服务；日用百货销售")
    payload: dict[str, Any] = (await api.data(REGISTER_FOR_NOTICES, {"input": data}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert payload["errors"] == []
    return payload


def _notice(payload: dict[str, Any], matter: str) -> str:
    return str(next(n["id"] for n in payload["notices"] if n["matter"]["code"] == matter))


async def _states(api: Api, city: DemoCity, uscc: str) -> dict[str, str]:
    entity = (await api.data(NOTICE_STATES, {"u": uscc}, city.tokens["maintainer"]))["entity"]
    return {n["id"]: n["status"] for n in entity["notices"]}


async def _inbox(client: httpx.AsyncClient, uscc: str) -> tuple[str, str]:
    """The inbox page narrowed to one entity, and the CSRF token its forms carry."""
    page = await client.get(INBOX, params={"uscc": uscc})
    assert page.status_code == 200
    match = CSRF.search(page.text)
    assert match, "no CSRF token on the inbox"
    return page.text, match.group(1)


def _alerts(html: str) -> list[str]:
    return [text.strip() for text in re.findall(r'id="inbox-error">([^<]*)<', html)]


async def test_inbox_actions_without_a_valid_csrf_token_are_refused(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city)
    uscc, notice = payload["entity"]["uscc"], _notice(payload, "SP-XS")
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    page, token = await _inbox(client, uscc)
    assert f'id="notice-{notice}"' in page

    missing = await client.post(f"{INBOX}/{notice}/claim", data={"back": ""})
    assert missing.status_code == 403
    forged = await client.post(f"{INBOX}/{notice}/claim", data={"csrftoken": "forged-token"})
    assert forged.status_code == 403
    # A well-formed token of another browser's session is no better.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other:
        await sign_in(other, "scjg-210202", city.report.logins[1].password)
        _, foreign = await _inbox(other, uscc)
    assert foreign != token
    assert (await client.post(f"{INBOX}/{notice}/claim", data={"csrftoken": foreign})).status_code == 403
    for action, form in (
        ("forward", {"to_department_code": "SCJG-210200", "reason": "应由市局办理"}),
        ("return", {"reason": "非本部门事项"}),
        ("feedback", {"kind": "NO_LICENSE_NEEDED"}),
    ):
        assert (await client.post(f"{INBOX}/{notice}/{action}", data=form)).status_code == 403, action
    assert (await _states(api, city, uscc))[notice] == "PUSHED"

    # The same claim with the page's own token goes through the service and redirects back.
    claimed = await client.post(f"{INBOX}/{notice}/claim", data={"csrftoken": token, "back": f"uscc={uscc}"})
    assert claimed.status_code == 303 and claimed.headers["location"].endswith(f"{INBOX}?uscc={uscc}")
    assert (await _states(api, city, uscc))[notice] == "CLAIMED"
    after = await client.get(claimed.headers["location"])
    assert "已认领" in after.text and "大连收件箱测试餐饮有限公司·食品经营许可（食品销售）：已认领" in after.text


async def test_a_maintainer_sees_every_department_but_may_not_act(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city)
    uscc, notice = payload["entity"]["uscc"], _notice(payload, "WS-CY")
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page, token = await _inbox(client, uscc)
    assert "须由收件部门的用户办理" in page
    assert "中山区卫生健康局" in page and "中山区市场监督管理局" in page
    assert "认领</button>" not in page
    refused = await client.post(f"{INBOX}/{notice}/claim", data={"csrftoken": token})
    assert refused.status_code == 403
    assert (await _states(api, city, uscc))[notice] == "PUSHED"


async def test_a_department_cannot_act_on_another_departments_notice(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city)
    uscc, notice = payload["entity"]["uscc"], _notice(payload, "SP-XS")
    client = api.client
    await sign_in(client, "wj-210202", city.report.logins[1].password)
    page, token = await _inbox(client, uscc)
    assert f'id="notice-{notice}"' not in page and "餐饮场所卫生监督" in page
    refused = await client.post(f"{INBOX}/{notice}/claim", data={"csrftoken": token, "back": f"uscc={uscc}"})
    assert refused.status_code == 400
    assert _alerts(refused.text) == [f"告知 {notice}：告知 {notice} 不存在或不属于本部门"]
    assert (await _states(api, city, uscc))[notice] == "PUSHED"


async def test_refused_input_is_explained_and_kept(api: Api, city: DemoCity) -> None:
    payload = await _register(api, city)
    uscc, notice = payload["entity"]["uscc"], _notice(payload, "SP-CY")
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    _, token = await _inbox(client, uscc)
    no_reason = await client.post(f"{INBOX}/{notice}/return", data={"csrftoken": token, "reason": "  "})
    assert no_reason.status_code == 400 and _alerts(no_reason.text) == [
        "大连收件箱测试餐饮有限公司·食品经营许可（餐饮服务）：理由不能为空"
    ]
    no_target = await client.post(f"{INBOX}/{notice}/forward", data={"csrftoken": token, "reason": "应由市局办理"})
    assert "请选择接收部门" in no_target.text and 'value="应由市局办理"' in no_target.text
    unknown = await client.post(
        f"{INBOX}/{notice}/forward", data={"csrftoken": token, "to_department_code": "NOPE-1", "reason": "x"}
    )
    assert "部门“NOPE-1”不存在" in unknown.text
    early = await client.post(f"{INBOX}/{notice}/feedback", data={"csrftoken": token, "kind": "NO_LICENSE_NEEDED"})
    assert "该告知待认领，不能反馈（须为已认领）" in early.text
    assert (await _states(api, city, uscc))[notice] == "PUSHED"
    assert (await client.post(f"{INBOX}/{notice}/archive", data={"csrftoken": token})).status_code == 404


async def test_overdue_notices_are_marked_and_filtered(api: Api, city: DemoCity, db: Database) -> None:
    payload = await _register(api, city)
    uscc, late, on_time = payload["entity"]["uscc"], _notice(payload, "SP-XS"), _notice(payload, "SP-CY")
    # Arrange a deadline already past: registration always sets one in the future.
    session = await db.write_session(Principal.system())
    try:
        await session.execute(
            update(Notice).where(col(Notice.id) == int(late)).values(deadline=today() - timedelta(days=1))
        )
        await session.commit()
    finally:
        await session.close()
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    everything, _ = await _inbox(client, uscc)
    rows = _rows(everything)
    assert "逾期" in rows[late] and "逾期" not in rows[on_time]
    only_late = (await client.get(INBOX, params={"uscc": uscc, "overdue": "1"})).text
    assert set(_rows(only_late)) == {late} and "共 1 条" in only_late
    home = (await client.get("/admin/")).text
    assert re.search(r"其中逾期 [1-9]\d* 件", home)


async def test_pages_run_newest_first_both_ways(api: Api, city: DemoCity) -> None:
    mine: list[str] = []
    for n in range(11):  # 22 notices for SCJG-210202, more than one page of 20
        data = registration(persons=[], uscc=new_code(body=f"MA0PG{n:03d}"), name=f"大连翻页测试{n}号餐饮有限公司")
        payload = (await api.data(REGISTER_FOR_NOTICES, {"input": data}, city.tokens["district"]))["registerEntity"]
        mine += [x["id"] for x in payload["notices"] if x["department"]["code"] == "SCJG-210202"]
    newest = sorted(mine, key=int, reverse=True)
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    first = (await client.get(INBOX)).text
    assert list(_rows(first)) == newest[:20]
    older = _link(first, "下一页（较早）")
    assert older is not None and _link(first, "上一页（较新）") is None
    second = (await client.get(older)).text
    assert list(_rows(second))[:2] == newest[20:]
    newer = _link(second, "上一页（较新）")
    assert newer is not None
    assert list(_rows((await client.get(newer)).text)) == newest[:20]
    refused = await client.get(INBOX, params={"older": "not-a-cursor"})
    assert refused.status_code == 200 and "分页游标无效" in refused.text and list(_rows(refused.text)) == newest[:20]


def _rows(html: str) -> dict[str, str]:
    """Each row of the inbox table by notice id, as text, in page order."""
    found = re.findall(r'<tr id="notice-(\d+)"(.*?)</tr>', html, flags=re.S)
    return {notice: re.sub(r"<[^>]+>", " ", body) for notice, body in found}


def _link(html: str, text: str) -> str | None:
    match = re.search(rf'href="([^"]+)">{re.escape(text)}</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None
