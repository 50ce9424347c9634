"""联动告知 in the admin pages, over plain HTTP: CSRF on every action, who may act on what, and
refusals explained with the typed input kept."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from tests.conftest import Api, DemoCity
from tests.support.admin import CSRF, sign_in
from tests.support.referrals import REFERRALS, SEND

PAGE = "/admin/referral-inbox"
MESSAGE = "抽查发现该店后厨卫生状况差，属贵局职责，请依法处理。"


async def _refer(api: Api, city: DemoCity, uscc: str) -> str:
    data = {"uscc": uscc, "toDepartmentCode": "WJ-210202", "reason": "INSPECTION_FINDING", "message": MESSAGE}
    payload = (await api.data(SEND, {"i": data}, city.tokens["district"]))["sendReferral"]
    assert payload["errors"] == []
    return str(payload["referral"]["id"])


async def _state(api: Api, city: DemoCity, uscc: str) -> list[tuple[str, str | None]]:
    data = await api.data(REFERRALS, {"f": {"uscc": uscc}, "first": 100}, city.tokens["maintainer"])
    return [(e["node"]["status"], e["node"]["outcome"]) for e in data["referrals"]["edges"]]


async def _page(client: httpx.AsyncClient, **params: str) -> tuple[str, str]:
    """The page, and the CSRF token its forms carry."""
    page = await client.get(PAGE, params=params)
    assert page.status_code == 200
    match = CSRF.search(page.text)
    assert match, "no CSRF token on the page"
    return page.text, match.group(1)


def _alerts(text: str) -> list[str]:
    return [html.unescape(found.strip()) for found in re.findall(r'id="referral-error">([^<]*)<', text)]


def entity_name(page: str, referral: str) -> str:
    """The entity's name as the referral's row shows it."""
    row = page[page.index(f'id="referral-{referral}"') :]
    found = re.search(r'class="entity-link">([^<]+)<', row)
    assert found is not None
    return html.unescape(found.group(1))


def _staff(city: DemoCity) -> str:
    return city.report.logins[1].password


async def test_actions_without_a_valid_csrf_token_are_refused(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[0]
    referral = await _refer(api, city, uscc)
    client = api.client
    await sign_in(client, "wj-210202", _staff(city))
    page, token = await _page(client, uscc=uscc)
    assert f'id="referral-{referral}"' in page and MESSAGE in page

    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"{PAGE}/{referral}/acknowledge", {}),
        (f"{PAGE}/{referral}/handle", {"outcome": "已处理"}),
        (f"{PAGE}/send", {"uscc": uscc, "to_department_code": "SCJG-210202", "reason": "MANUAL", "message": "x"}),
    ]
    for path, form in attempts:
        assert (await client.post(path, data=form)).status_code == 403, path
        assert (await client.post(path, data={**form, "csrftoken": "forged"})).status_code == 403, path
    assert await _state(api, city, uscc) == [("SENT", None)]

    done = await client.post(f"{PAGE}/{referral}/acknowledge", data={"csrftoken": token, "back": f"uscc={uscc}"})
    assert done.status_code == 303 and done.headers["location"].endswith(f"{PAGE}?direction=RECEIVED&uscc={uscc}")
    assert await _state(api, city, uscc) == [("ACKNOWLEDGED", None)]
    after = await client.get(done.headers["location"])
    assert f"{entity_name(after.text, referral)}·检查发现其他部门职责内的问题：已签收" in html.unescape(after.text)

    handled = await client.post(f"{PAGE}/{referral}/handle", data={"csrftoken": token, "outcome": "已责令整改"})
    assert handled.status_code == 303
    assert await _state(api, city, uscc) == [("HANDLED", "已责令整改")]


async def test_sending_from_the_page_and_refusals_keep_what_was_typed(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[1]
    client = api.client
    await sign_in(client, "scjg-210202", _staff(city))
    _, token = await _page(client)
    form = {"csrftoken": token, "uscc": uscc, "to_department_code": "", "reason": "MANUAL", "message": MESSAGE}
    refused = await client.post(f"{PAGE}/send", data=form)
    assert refused.status_code == 400
    assert _alerts(refused.text) == ["发送联动告知：请选择接收部门"]
    assert MESSAGE in refused.text and f'value="{uscc}"' in refused.text
    bad_reason = await client.post(f"{PAGE}/send", data={**form, "to_department_code": "WJ-210202", "reason": "X"})
    assert _alerts(bad_reason.text) == ["发送联动告知：请选择告知事由"]
    assert await _state(api, city, uscc) == []

    sent = await client.post(f"{PAGE}/send", data={**form, "to_department_code": "WJ-210202"})
    assert sent.status_code == 303 and "direction=SENT" in sent.headers["location"]
    assert await _state(api, city, uscc) == [("SENT", None)]
    page = html.unescape((await client.get(sent.headers["location"])).text)
    assert "·其他：已发送联动告知" in page and "等待对方办理" in page

    # The sender cannot acknowledge what it sent: the recipient acts.
    mine = await client.get(PAGE, params={"uscc": uscc, "direction": "SENT"})
    [referral] = re.findall(r'data-referral-id="(\d+)"', mine.text)
    own = await client.post(f"{PAGE}/{referral}/acknowledge", data={"csrftoken": token})
    assert own.status_code == 400 and _alerts(own.text)[-1].endswith("只有接收部门可以签收该联动告知")


async def test_a_blank_outcome_is_refused_and_another_departments_referral_is_not_found(
    api: Api, city: DemoCity
) -> None:
    uscc = city.zhongshan_without_records[2]
    referral = await _refer(api, city, uscc)
    client = api.client
    await sign_in(client, "wj-210202", _staff(city))
    _, token = await _page(client, uscc=uscc)
    blank = await client.post(f"{PAGE}/{referral}/handle", data={"csrftoken": token, "outcome": "  "})
    assert blank.status_code == 400 and _alerts(blank.text)[-1].endswith("：办理结果不能为空")
    assert 'class="text-danger small mt-1 action-error">办理结果不能为空' in blank.text
    assert await _state(api, city, uscc) == [("SENT", None)]
    assert (await client.post(f"{PAGE}/{referral}/archive", data={"csrftoken": token})).status_code == 404

    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other:
        await sign_in(other, "wj-210200", _staff(city))
        page, other_token = await _page(other, uscc=uscc)
        assert f'id="referral-{referral}"' not in page
        refused = await other.post(f"{PAGE}/{referral}/acknowledge", data={"csrftoken": other_token})
        assert refused.status_code == 400
        assert _alerts(refused.text) == [f"联动告知 {referral}：联动告知 {referral} 不存在或与本部门无关"]
    assert await _state(api, city, uscc) == [("SENT", None)]


async def test_a_maintainer_reads_every_department_but_may_not_act(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[3]
    referral = await _refer(api, city, uscc)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page, token = await _page(client, uscc=uscc)
    assert "须由部门的用户办理" in page and f'id="referral-{referral}"' in page
    assert "签收</button>" not in page and "发起联动告知" not in page
    for path in (f"{PAGE}/{referral}/acknowledge", f"{PAGE}/send"):
        assert (await client.post(path, data={"csrftoken": token})).status_code == 403
    # Sent or received needs a department to be relative to: said, and the page shows all instead.
    vague, _ = await _page(client, uscc=uscc, direction="SENT")
    assert _alerts(vague) == ["按发出或收到筛选时，维护人员须指定部门"] and f'id="referral-{referral}"' in vague
    narrowed, _ = await _page(client, uscc=uscc, direction="RECEIVED", department="SCJG-210202")
    assert f'id="referral-{referral}"' not in narrowed
    narrowed, _ = await _page(client, uscc=uscc, direction="RECEIVED", department="WJ-210202")
    assert f'id="referral-{referral}"' in narrowed
    assert await _state(api, city, uscc) == [("SENT", None)]
