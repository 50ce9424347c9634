"""导入记录 in a real headless Chromium: a department user uploads a penalty file, reads the
report on the page and downloads it as CSV. The screenshot is kept for review."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.async_api import Browser, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.record_files import PENALTY_HEADER, write_xlsx
from tests.support.record_import import mixed_penalties

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_a_department_user_uploads_a_file_and_downloads_the_report(
    browser: Browser, server: str, city: DemoCity, tmp_path: Path
) -> None:
    page = await sign_in(browser, server, "scjg-210202", city.report.logins[1].password)
    await page.get_by_role("link", name="导入记录").click()
    await expect(page.get_by_role("heading", name="导入记录")).to_be_visible()
    await page.select_option("#kind", "penalty")
    await page.set_input_files(
        "#file", str(write_xlsx(tmp_path / "行政处罚.xlsx", PENALTY_HEADER, mixed_penalties(city)))
    )
    await page.click("#import-submit")
    report = page.locator("#import-report")
    await expect(report).to_contain_text("“行政处罚.xlsx”的导入结果")
    await expect(page.locator('#import-summary [data-outcome="CREATED"]')).to_have_text("新增 3 行")
    await expect(page.locator('#import-summary [data-outcome="REJECTED"]')).to_have_text("拒绝 7 行")
    await expect(page.locator('#import-rows tr[data-row="6"]')).to_contain_text("处罚决定日期“2026-02-30”这一天不存在")
    await page.screenshot(path=screenshot_path("record-import-report"), full_page=True)

    async with page.expect_download() as waiting:
        await page.click("#report-csv")
    download = await waiting.value
    assert download.suggested_filename == "导入报告-行政处罚.xlsx.csv"
    lines = _csv_lines(Path(await download.path()))
    assert lines[0] == ["行号", "结果", "文书号", "列", "代码", "原因"] and len(lines) == 1 + 10


def _csv_lines(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
