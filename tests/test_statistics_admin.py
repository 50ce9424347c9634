"""统计分析 on the admin home, over HTTP: a period's charts with their tables and CSVs, the
picker's bad input explained in Chinese, and a district desk counting only its district."""

from __future__ import annotations

import csv
import io
import re

from sqlmodel import col, select

from models import AuditEvent
from models.enums import PenaltyCategory
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support import statistics as scenario
from tests.support.admin import sign_in, staff_password

YEAR = f"from={scenario.START}&to={scenario.END}&region={scenario.REGION}"


def _table(page: str, slug: str) -> str:
    found = re.search(rf'<table[^>]*id="chart-{slug}-table".*?</table>', page, re.S)
    assert found is not None, slug
    return found.group(0)


async def test_the_home_page_charts_a_period_and_hands_out_its_csv(api: Api, city: DemoCity, db: Database) -> None:
    await scenario.build(db)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get(f"/admin/?{YEAR}")).text
    assert 'id="entity-counts"' in page and 'id="colour-counts"' in page and 'id="inbox-summary"' in page
    svg = re.search(r'<svg role="img"[^>]*aria-describedby="chart-penalties-by-department-table"', page)
    assert svg is not None, "each chart is an image described by its table"
    penalties = _table(page, "penalties-by-department")
    assert "大连市市场监督管理局" in penalties and "3000.75" in penalties
    assert re.search(r"<td>测试区</td><td class=\"text-end\">4</td>", _table(page, "entities-by-region"))
    href = re.search(r'href="([^"]*chart=penalties_by_department[^"]*)"', page)
    assert href is not None
    download = await client.get(href.group(1).replace("&amp;", "&"))
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.content.startswith("\ufeff".encode()), "a byte-order mark, so Excel reads the Chinese"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows == [["代码", "名称", "数量", "罚款金额（元）"], ["SCJG-210200", "大连市市场监督管理局", "2", "3000.75"]]
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    # Audited as every other export: who downloaded which chart, for which period, how many rows.
    async with db.session(Principal.system()) as session:
        events = (await session.scalars(select(AuditEvent).where(col(AuditEvent.action) == "list.exported"))).all()
    assert [(e.object_type, e.actor) for e in events] == [("Statistics", "admin")]
    assert events[0].after == {
        "list": "行政处罚：按处罚机关（不含已撤销）",
        "format": "csv",
        "query": f"chart=penalties_by_department&{YEAR}",
        "rows": 1,
    }


async def test_the_penalty_categories_are_charted_with_their_fines_and_csv(
    api: Api, city: DemoCity, db: Database
) -> None:
    await scenario.build(db)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get(f"/admin/?{YEAR}")).text
    svg = re.search(r'<svg role="img"[^>]*aria-describedby="chart-penalties-by-category-table"', page)
    assert svg is not None
    table = _table(page, "penalties-by-category")
    # A penalty under each of its categories, with its fine; the withdrawn one in neither.
    assert re.search(
        r'<tr data-key="FINE"><td>罚款</td><td class="text-end">2</td><td class="text-end">3000.75</td>', table
    )
    assert re.search(r'<tr data-key="LICENSE_SUSPENSION"><td>暂扣许可证件</td><td class="text-end">0</td>', table)
    # Two penalties under four bars: no 合计, which would count them and their fines twice (4, 6001.50).
    assert "合计" not in table and "6001.50" not in table and "一项可计入多个类别" in table
    assert "合计" not in _table(page, "results-by-category"), "one result of two categories, likewise"
    href = re.search(r'href="([^"]*chart=penalties_by_category[^"]*)"', page)
    assert href is not None
    download = await client.get(href.group(1).replace("&amp;", "&"))
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["代码", "名称", "数量", "罚款金额（元）"]
    assert [r for r in rows[1:] if r[2] != "0"] == [
        ["WARNING", "警告", "1", "1000.50"],
        ["FINE", "罚款", "2", "3000.75"],
        ["CONFISCATION_OF_ILLEGAL_GAINS", "没收违法所得", "1", "2000.25"],
    ]
    assert len(rows) == 1 + len(PenaltyCategory) and ["CLOSURE", "责令关闭", "0", "0.00"] in rows


async def test_the_home_page_shows_the_stock_and_the_period_charts_only_when_asked(
    api: Api, city: DemoCity, db: Database
) -> None:
    await scenario.build(db)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    landing = (await client.get("/admin/")).text
    # Entities as they stand (tables, map, charts); the period's charts wait for the form.
    assert 'id="entity-counts"' in landing and 'id="colour-counts"' in landing
    assert re.search(r"<td>测试区</td><td class=\"text-end\">4</td>", _table(landing, "entities-by-region"))
    assert 'id="chart-penalties-by-department"' not in landing and 'id="statistics-hint"' in landing
    asked = (await client.get(f"/admin/?{YEAR}")).text
    assert "3000.75" in _table(asked, "penalties-by-department") and 'id="statistics-hint"' not in asked


async def test_the_picker_explains_a_bad_period_and_shows_the_default(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get("/admin/?from=2025-12-31&to=2025-01-01")).text
    problems = re.search(r'id="statistics-problems".*?</div>\s*</div>', page, re.S)
    assert problems is not None and "结束日期" in problems.group(0)
    assert 'id="chart-registrations-by-month"' in page
    refused = await client.get("/admin/statistics.csv?chart=entities_by_region&from=2020-01-01&to=2025-12-31")
    assert refused.status_code == 400 and "过长" in refused.text


async def test_a_district_desk_charts_its_own_district(api: Api, city: DemoCity, db: Database) -> None:
    await scenario.build(db)
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    page = (await client.get("/admin/")).text
    regions = _table(page, "entities-by-region")
    assert "中山区" in regions and "西岗区" not in regions and "测试区" not in regions
    assert '<option value="210203"' not in page, "the picker offers only its district"
