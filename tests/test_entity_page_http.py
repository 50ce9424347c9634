"""The entity page and the registry list over HTTP: records paged per kind with their counts, the
entity named and its figures written as people write them, its audit history, the quick filters."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlmodel import col, func, select

from models import AuditEvent, MarketEntity
from models.enums import RiskColour
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import list_page, sign_in
from tests.support.api import ok
from tests.support.entities import REGISTER, new_code, registration
from tests.support.records import COMPLAINT

ENTITY_PAGE = r"/admin/market-entity/detail\?pk=(\d+)"


async def _entity_id(db: Database, uscc: str) -> int:
    async with db.session(Principal.system()) as session:
        found = await session.scalar(select(MarketEntity.id).where(col(MarketEntity.uscc) == uscc))
    assert found is not None
    return int(found)


def _card(page: str, anchor: str) -> str:
    """One kind's card on the entity page, up to the next card."""
    start = page.index(f'id="{anchor}"')
    end = page.find('class="card records-card"', start + 1)
    return page[start : end if end > 0 else len(page)]


def _references(card: str) -> list[str]:
    return re.findall(r"(12345-PAGE-\d{3})", card)


async def test_an_entitys_complaints_come_twenty_a_page_newest_first_with_their_count(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc, token = city.zhongshan_without_records[0], city.tokens["district"]
    # Complaint n was received n days ago: 000 is the newest, 044 the oldest.
    for n in range(45):
        received = (today() - timedelta(days=n)).isoformat()
        data = {"uscc": uscc, "reference": f"12345-PAGE-{n:03d}", "receivedOn": received, "category": "PRICE"}
        await ok(api, COMPLAINT, data, token)
    entity_id = await _entity_id(db, uscc)
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)

    first = (await client.get("/admin/market-entity/detail", params={"pk": entity_id})).text
    complaints = _card(first, "complaints_page")
    assert "12345投诉" in complaints and "（45）" in complaints
    assert _references(complaints) == [f"12345-PAGE-{n:03d}" for n in range(20)], "20, newest first"
    assert "第 1/3 页" in complaints
    following = re.search(r'rel="next" href="([^"]+)"', complaints)
    assert following is not None and "complaints_page=2" in following.group(1)
    # The other kinds are there, empty, with their counts.
    assert "（0）" in _card(first, "licenses_page") and ">无<" in _card(first, "penalties_page")

    second = (await client.get(unescape(following.group(1)).split("#")[0])).text
    assert _references(_card(second, "complaints_page")) == [f"12345-PAGE-{n:03d}" for n in range(20, 40)]

    third = (await client.get("/admin/market-entity/detail", params={"pk": entity_id, "complaints_page": 3})).text
    last = _card(third, "complaints_page")
    assert _references(last) == [f"12345-PAGE-{n:03d}" for n in range(40, 45)], "the last 5, oldest last"
    assert "（45）" in last and 'rel="next"' not in last and 'rel="prev"' in last
    # A page past the end, or no number at all, is the nearest page there is.
    beyond = (await client.get("/admin/market-entity/detail", params={"pk": entity_id, "complaints_page": 99})).text
    assert _references(_card(beyond, "complaints_page")) == _references(last)
    junk = (await client.get("/admin/market-entity/detail", params={"pk": entity_id, "complaints_page": "x"})).text
    assert _references(_card(junk, "complaints_page"))[0] == "12345-PAGE-000"


async def test_the_entity_page_is_titled_by_its_name_and_writes_figures_as_people_do(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc = new_code(body="MA0PAGE1")
    persons = [
        {"name": "王海燕", "role": "SHAREHOLDER", "idNumber": "210202198001011234", "sharePercent": "10"},
        {"name": "刘志强", "role": "SHAREHOLDER", "idNumber": "210203197505052345", "sharePercent": "33.33"},
        {"name": "赵丽", "role": "SHAREHOLDER", "idNumber": "210204199002023456", "sharePercent": "56.67"},
    ]
    entity = registration(uscc=uscc, name="大连页面测试餐饮有限公司", registeredCapital="10000000", persons=persons)
    registered = await api.data(REGISTER, {"input": entity}, city.tokens["district"])
    assert registered["registerEntity"]["errors"] == []
    entity_id = await _entity_id(db, uscc)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)

    page = (await client.get("/admin/market-entity/detail", params={"pk": entity_id})).text
    assert "<title>大连页面测试餐饮有限公司 - 市场主体</title>" in page
    assert '<h1 class="entity-name">大连页面测试餐饮有限公司</h1>' in page and f"#{entity_id}<" not in page
    assert f'<span class="entity-uscc">{uscc}</span>' in page
    assert "10,000,000.00 元" in page
    persons_table = page[page.index('id="entity-persons"') :]
    persons_table = persons_table[: persons_table.index("</table>")]
    assert {"10%", "33.33%", "56.67%"} <= set(re.findall(r"<td>([\d.]+%)</td>", persons_table))
    assert "E+" not in persons_table
    assert "中山区（210202）" in page and "住宿和餐饮业（H6210）" in page
    assert 'class="colour-badge colour-green" data-risk-colour="GREEN">绿色<' in page

    # The audit history: the audit log filtered to this entity's events, and only them.
    link = re.search(r'id="entity-audit-link" href="([^"]+)"', page)
    assert link is not None
    history = (await client.get(unescape(link.group(1)))).text
    async with db.session(Principal.system()) as session:
        events = (
            await session.scalars(
                select(AuditEvent.id).where(
                    col(AuditEvent.object_type) == "MarketEntity", col(AuditEvent.object_id) == uscc
                )
            )
        ).all()
        others = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert events and others and others > len(events)
    assert sorted(int(pk) for pk in re.findall(r'<tr data-sa-pk="(\d+)"', history)) == sorted(events)

    # A district desk, which may not read the audit log, is not offered the link.
    desk = await _desk_page(api, city, entity_id)
    assert "entity-audit-link" not in desk and "大连页面测试餐饮有限公司" in desk


async def _desk_page(api: Api, city: DemoCity, entity_id: int) -> str:
    client = api.client
    await client.get("/admin/logout")
    client.cookies.clear()
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    return (await client.get("/admin/market-entity/detail", params={"pk": entity_id})).text


async def test_quick_filters_pick_a_colour_a_district_and_a_status_in_one_click(
    api: Api, city: DemoCity, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    listed = await list_page(client, "market-entity")
    red = re.search(r'<a href="([^"]+)" data-value="RED"', listed)
    assert red is not None
    picked = (await client.get(unescape(red.group(1)))).text
    async with db.session(Principal.system()) as session:
        reds = int(
            await session.scalar(
                select(func.count()).select_from(MarketEntity).where(col(MarketEntity.risk_colour) == RiskColour.RED)
            )
            or 0
        )
        red_zhongshan = int(
            await session.scalar(
                select(func.count())
                .select_from(MarketEntity)
                .where(col(MarketEntity.risk_colour) == RiskColour.RED, col(MarketEntity.region_code) == "210202")
            )
            or 0
        )
    assert reds > red_zhongshan > 0
    assert f'id="registry-total">{reds}<' in picked
    shown = re.findall(r'<td data-column="risk_colour"[^>]*>\s*<span class="colour-badge colour-(\w+)"', picked)
    assert shown and set(shown) == {"red"}
    active = re.search(r'class="quick-filter active" aria-current="true"', picked)
    assert active is not None
    # Then a district: both hold, and the colour stays chosen.
    zhongshan = re.search(r'<a href="([^"]+)" data-value="210202"', picked)
    assert zhongshan is not None and "RED" in unescape(zhongshan.group(1))
    both = (await client.get(unescape(zhongshan.group(1)))).text
    assert f'id="registry-total">{red_zhongshan}<' in both
    assert set(re.findall(r'<td data-column="region_code"[^>]*>\s*(?:<[^>]+>\s*)*([^<\s]+)', both)) == {"中山区"}
    # 全部 under colour drops the colour and keeps the district.
    everything = re.search(r'data-quick="risk_colour".*?<a href="([^"]+)" data-value=""', both, re.S)
    assert everything is not None
    district_only = (await client.get(unescape(everything.group(1)))).text
    assert f'id="registry-total">{len(city.zhongshan)}<' in district_only
