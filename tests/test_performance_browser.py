"""The 绩效考核 ranking page as a maintainer uses it: the period form, the department's numbers, a number's
link to the records behind it (a rate's to its denominator's), and the CSV and XLSX files."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from services.platform.db import Database
from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.performance import FROM, PERF_CODE, PERF_NAME, TO, build_scenario
from tests.test_exports_browser import read_rows

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_the_ranking_shows_the_numbers_links_to_records_and_exports(
    browser: Browser, server: str, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    await build_scenario(db)
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/performance")
    await page.fill("#period-from", FROM.isoformat())
    await page.fill("#period-to", TO.isoformat())
    await page.get_by_role("button", name="查询").click()
    row = page.locator(f'#performance-ranking tr[data-department="{PERF_CODE}"]')
    await expect(row).to_contain_text(PERF_NAME)
    expected = {
        "notices.received": "8",
        "notices.claimed_in_time": "3",
        "notices.claimed_in_time_rate": "60.0%",
        "notices.median_claim_days": "2.0",
        "notices.claimed_from_pool": "1",
        "spot_checks.results_published_rate": "33.3%",
        "licenses.within_deadline": "2",
        "penalties.median_lag_days": "20.0",
        "referrals.handled": "1",
    }
    for measure, value in expected.items():
        await expect(row.locator(f'td[data-measure="{measure}"]')).to_have_text(value)
    await page.screenshot(path=screenshot_path("performance-ranking"), full_page=True)

    # 按期认领 3: the three notices claimed by their deadline, with the working days each took.
    await row.locator('td[data-measure="notices.claimed_in_time"] a').click()
    await expect(page.locator("h2.page-title")).to_have_text(f"{PERF_NAME}：按期认领的告知")
    records = page.locator("#performance-records tbody tr")
    await expect(records).to_have_count(3)
    await expect(page.locator("#performance-records tbody td:last-child")).to_have_text(["3", "1", "0"])
    await expect(records.first).to_contain_text("2026-09-29")

    # 按期认领率 60.0 %: its denominator, the five notices it had to claim, the three in time marked so.
    await page.go_back()
    await row.locator('td[data-measure="notices.claimed_in_time_rate"] a').click()
    await expect(page.locator("h2.page-title")).to_have_text(f"{PERF_NAME}：应认领的告知")
    await expect(records).to_have_count(5)
    await expect(page.locator("#performance-records td.records-mark")).to_have_text(["是", "否", "是", "否", "是"])
    await page.screenshot(path=screenshot_path("performance-rate-records"), full_page=True)

    await page.goto(f"{server}/admin/performance?from={FROM}&to={TO}")
    for extension in ("csv", "xlsx"):
        async with page.expect_download() as started:
            await page.locator(f"#export-{extension}").click()
        download = await started.value
        assert download.suggested_filename.startswith("绩效考核-20260921-20261031")
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
        rows = read_rows(path)
        header = rows[0]
        ours = next(r for r in rows[1:] if r[1] == PERF_CODE)
        assert ours[2] == PERF_NAME
        assert str(ours[header.index("双告知：收到")]) == "8"
        assert str(ours[header.index("双告知：按期认领率（%）")]) in {"60.0", "60"}
        assert str(ours[header.index("双告知：从待认领池认领")]) == "1"
        assert str(ours[header.index("行政处罚归集：滞后中位数（工作日）")]) in {"20.0", "20"}
