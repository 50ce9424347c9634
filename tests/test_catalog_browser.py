"""The catalog import and gaps pages in a real headless Chromium: a maintainer uploads a file
from the 监管职责目录 page and reads the row-by-row report."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.catalog_files import ROWS, write_xlsx

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_a_maintainer_imports_a_catalog_file_and_reads_the_report(
    browser: Browser, server: str, city: DemoCity, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "监管职责目录.xlsx", ROWS)
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/supervision-matter/list")
    await page.locator("#catalog-import-link").click()
    await expect(page.get_by_role("heading", name="导入监管事项")).to_be_visible()
    await page.set_input_files("#file", str(path))
    await page.locator("#import-submit").click()
    await page.wait_for_load_state("networkidle")

    report = page.locator("#import-report")
    await expect(report).to_contain_text("“监管职责目录.xlsx”的导入结果")
    await expect(page.locator('#import-summary [data-outcome="CREATED"]')).to_have_text("新增 2 行")
    await expect(page.locator('#import-summary [data-outcome="REJECTED"]')).to_have_text("拒绝 2 行")
    rejected = page.locator('#import-rows tr[data-row="3"]')
    await expect(rejected).to_contain_text("承接部门")
    await expect(rejected).to_contain_text("部门“NOPE-210200”不存在")
    await expect(page.locator('#import-rows tr[data-row="5"]')).to_contain_text("监管模式")
    await page.screenshot(path=screenshot_path("catalog-import-report"), full_page=True)

    await page.goto(f"{server}/admin/supervision-matter/list?q=CW-ZL")
    await expect(page.locator("table")).to_contain_text("动物诊疗许可")

    await page.goto(f"{server}/admin/catalog-gaps")
    await expect(page.get_by_role("heading", name="目录缺口")).to_be_visible()
    await expect(page.locator("#scan-note")).to_contain_text("已扫描其中最新登记的")
    await page.screenshot(path=screenshot_path("catalog-gaps"))
