"""统计分析 in a real headless Chromium: the admin home's stock charts drawn, the period's once asked
for (penalties by department and by category among them), their numbers in the tables screen readers
are pointed to, and one chart's CSV downloaded with the right rows."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.async_api import Browser, expect

from services.platform.db import Database
from tests.conftest import DemoCity
from tests.support import statistics as scenario
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_the_dashboard_charts_a_district_and_downloads_a_csv(
    browser: Browser, server: str, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    await scenario.build(db)
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    # Signed in, the home page charts the entities as they stand; a period's charts come with the form.
    await expect(page.locator("#chart-entities-by-colour svg[role=img]")).to_be_visible()
    await expect(page.locator("#chart-penalties-by-department")).to_have_count(0)
    await page.fill("input[name=from]", str(scenario.START))
    await page.fill("input[name=to]", str(scenario.END))
    await page.select_option("select[name=region]", scenario.REGION)
    await page.get_by_role("button", name="统计").click()
    await page.wait_for_load_state("networkidle")
    months = page.locator("#chart-registrations-by-month")
    await expect(months.locator("svg rect.chart-bar")).to_have_count(12)
    penalties = page.locator("#chart-penalties-by-department")
    await expect(penalties.get_by_role("img")).to_have_accessible_name("行政处罚：按处罚机关（不含已撤销）（合计 2）")
    await penalties.locator("summary").click()
    row = penalties.locator("table tbody tr")
    await expect(row).to_have_text(["大连市市场监督管理局23000.75"])
    kinds = page.locator("#chart-penalties-by-category")
    await expect(kinds.get_by_role("img")).to_have_accessible_name(
        "行政处罚：按处罚类别（不含已撤销）（一项可计入多个类别）"
    )
    await kinds.locator("summary").click()
    await expect(kinds.locator("table tbody tr[data-key=FINE]")).to_have_text("罚款23000.75")
    colours = page.locator("#chart-entities-by-colour")
    await expect(colours.locator("svg")).to_contain_text("绿色")
    await page.screenshot(path=screenshot_path("dashboard-statistics"), full_page=True)
    async with page.expect_download() as started:
        await page.locator("#chart-complaints-by-category a[data-csv]").click()
    download = await started.value
    assert download.suggested_filename.startswith("投诉：按类别-20250101至20251231")
    saved = tmp_path / "complaints.csv"
    await download.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.reader(handle) if r[2] != "0"]
    assert rows == [["代码", "名称", "数量"], ["FOOD_SAFETY", "食品安全", "1"], ["PRICE", "价格收费", "1"]]
