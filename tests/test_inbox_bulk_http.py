"""认领所选 over plain HTTP: each ticked notice claimed through the claim service, in its own
transaction with its own audit event; a refused one named with its reason, the rest still claimed."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlmodel import col, select

from models import AuditEvent
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import CSRF, sign_in
from tests.support.entities import REGISTER_FOR_NOTICES, new_code, registration

INBOX = "/admin/notice-inbox"
BULK = f"{INBOX}/claim-selected"
NOTICE_STATES = "query($u: String!) { entity(uscc: $u) { notices { id status matter { code } } } }"


async def _register(api: Api, city: DemoCity, name: str, body: str) -> dict[str, str]:
    """An entity in 中山区 and its notices by matter: SP-XS, SP-CY (SCJG-210202) and WS-CY (WJ-210202)."""
    data = registration(
        persons=[], uscc=new_code(body=body), name=name, businessScope="食品销售；餐饮服务；日用百货销售"
    )
    payload: dict[str, Any] = (await api.data(REGISTER_FOR_NOTICES, {"input": data}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert payload["errors"] == []
    return {"uscc": payload["entity"]["uscc"], **{n["matter"]["code"]: n["id"] for n in payload["notices"]}}


async def _states(api: Api, city: DemoCity, uscc: str) -> dict[str, str]:
    entity = (await api.data(NOTICE_STATES, {"u": uscc}, city.tokens["maintainer"]))["entity"]
    return {n["matter"]["code"]: n["status"] for n in entity["notices"]}


async def _claims(db: Database, notice_ids: list[str]) -> list[tuple[str, str | None]]:
    async with db.session(Principal.system()) as session:
        events = await session.scalars(
            select(AuditEvent)
            .where(col(AuditEvent.action) == "notice.认领", col(AuditEvent.object_id).in_(notice_ids))
            .order_by(col(AuditEvent.id))
        )
        return [(event.object_id, event.department_code) for event in events]


def _flashes(page: str) -> list[str]:
    return [html.unescape(text.strip()) for text in re.findall(r'class="alert-description">([^<]*)<', page)]


async def _token(api: Api, uscc: str) -> str:
    page = await api.client.get(INBOX, params={"uscc": uscc})
    match = CSRF.search(page.text)
    assert match, "no CSRF token on the inbox"
    return match.group(1)


async def test_claim_selected_claims_each_and_names_the_refused(api: Api, city: DemoCity, db: Database) -> None:
    first = await _register(api, city, "大连批量认领甲餐饮有限公司", "MA0BQ1A1")
    second = await _register(api, city, "大连批量认领乙餐饮有限公司", "MA0BQ1A2")
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    token = await _token(api, first["uscc"])
    # One of them is claimed already, on its own: the bulk claim must not claim it twice.
    alone = await client.post(f"{INBOX}/{second['SP-CY']}/claim", data={"csrftoken": token})
    assert alone.status_code == 303

    # Three of this department's, the one already claimed, and the health bureau's, not ours to claim.
    picked = [first["SP-XS"], first["SP-CY"], second["SP-XS"], second["SP-CY"], first["WS-CY"]]
    claimed = await client.post(BULK, data={"csrftoken": token, "back": f"uscc={first['uscc']}", "case": picked})
    assert claimed.status_code == 303 and claimed.headers["location"].endswith(f"{INBOX}?uscc={first['uscc']}")

    assert await _states(api, city, first["uscc"]) == {"SP-XS": "CLAIMED", "SP-CY": "CLAIMED", "WS-CY": "PUSHED"}
    assert await _states(api, city, second["uscc"]) == {"SP-XS": "CLAIMED", "SP-CY": "CLAIMED", "WS-CY": "PUSHED"}
    # One audit event a claim, under the department, as when each is clicked alone; none for the refused.
    events = await _claims(db, [first["SP-XS"], first["SP-CY"], second["SP-XS"], second["SP-CY"], first["WS-CY"]])
    assert sorted(events) == sorted(
        (notice, "SCJG-210202") for notice in (first["SP-XS"], first["SP-CY"], second["SP-XS"], second["SP-CY"])
    )

    done, refused = _flashes((await client.get(claimed.headers["location"])).text)
    assert done.startswith("已认领 3 件：")
    assert "大连批量认领甲餐饮有限公司·食品经营许可（食品销售）" in done
    assert "大连批量认领乙餐饮有限公司·食品经营许可（食品销售）" in done
    assert refused == (
        "2 件未能认领（大连批量认领乙餐饮有限公司·食品经营许可（餐饮服务）：该告知已认领，不能认领（须为待认领）；"
        f"告知 {first['WS-CY']}：告知 {first['WS-CY']} 不存在或不属于本部门）"
    )


async def test_claim_selected_with_nothing_ticked_or_by_a_maintainer(api: Api, city: DemoCity) -> None:
    entity = await _register(api, city, "大连批量认领丙餐饮有限公司", "MA0BQ1A3")
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    token = await _token(api, entity["uscc"])
    nothing = await client.post(BULK, data={"csrftoken": token, "back": ""})
    assert nothing.status_code == 303
    assert _flashes((await client.get(nothing.headers["location"])).text) == ["请先勾选要认领的告知"]
    forged = await client.post(BULK, data={"csrftoken": "forged", "case": entity["SP-XS"]})
    assert forged.status_code == 403
    assert (await _states(api, city, entity["uscc"]))["SP-XS"] == "PUSHED"

    await client.post("/admin/logout", data={"csrftoken": token})
    client.cookies.clear()
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await _token(api, entity["uscc"])
    refused = await client.post(BULK, data={"csrftoken": token, "case": entity["SP-XS"]})
    assert refused.status_code == 403
    assert (await _states(api, city, entity["uscc"]))["SP-XS"] == "PUSHED"
