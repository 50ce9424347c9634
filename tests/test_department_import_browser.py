"""导入部门 in a real headless Chromium: a maintainer goes from the 部门 list to the import page,
uploads a file with a bad row, reads the row-by-row report (nothing stored), then a good one."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.record_files import write_xlsx

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

HEADER = ["部门编码", "部门名称", "层级", "行政区划代码", "登记机关", "条线"]


async def test_a_maintainer_imports_departments_from_the_department_list(
    browser: Browser, server: str, city: DemoCity, tmp_path: Path
) -> None:
    bad = write_xlsx(
        tmp_path / "部门（有误）.xlsx",
        HEADER,
        [
            ["TJ-210200", "大连市统计局", "市级", "210200", "否", "TJ"],
            ["TJ-210202", "中山区统计局", "省级", "210202", "否", "TJ"],
        ],
    )
    good = write_xlsx(tmp_path / "部门.xlsx", HEADER, [["TJ-210200", "大连市统计局", "市级", "210200", "否", "TJ"]])
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/department/list")
    await page.locator("#department-import-link").click()
    await expect(page.get_by_role("heading", name="导入部门")).to_be_visible()
    await page.set_input_files("#file", str(bad))
    await page.locator("#import-submit").click()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#file-rejected")).to_contain_text("有 1 行被拒绝，整个文件未导入")
    row = page.locator('#import-rows tr[data-row="3"]')
    await expect(row).to_contain_text("层级")
    await expect(row).to_contain_text("层级“省级”无效：应为市级、区县级")
    await page.screenshot(path=screenshot_path("department-import-refused"), full_page=True)

    await page.set_input_files("#file", str(good))
    await page.locator("#import-submit").click()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#import-applied")).to_contain_text("已导入：新增 1 行")
    await page.goto(f"{server}/admin/department/list?q=TJ-2102")
    await expect(page.locator("table")).to_contain_text("大连市统计局")
