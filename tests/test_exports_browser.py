"""导出全部 as a maintainer finds it: the button beside the list's filters, its dialog, the file."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from playwright.async_api import Browser, expect
from sqlmodel import col, func, select

from models import MarketEntity
from models.enums import RiskColour
from services.platform.clock import SHANGHAI
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


def read_rows(path: Path) -> list[tuple[Any, ...]]:
    if path.suffix == ".xlsx":
        return list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [tuple(row) for row in csv.reader(file)]


async def test_the_registry_list_exports_every_page_of_its_filter(
    browser: Browser, server: str, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    async with db.session(Principal.system()) as session:
        green = await session.scalar(
            select(func.count()).select_from(MarketEntity).where(col(MarketEntity.risk_colour) == RiskColour.GREEN)
        )
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f'{server}/admin/market-entity/list?filter=risk_colour__eq="GREEN"')
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("table tbody tr")).to_have_count(25)  # one page of the filtered list

    days = {f"{day:%Y%m%d}" for day in (datetime.now(SHANGHAI), datetime.now(SHANGHAI) - timedelta(minutes=5))}
    for choice, extension in (("Excel 工作簿（XLSX）", "xlsx"), ("CSV", "csv")):
        button = page.locator('[data-sa-name="export"]')
        await expect(button).to_have_text("导出全部")
        await button.click()
        dialog = page.locator("#modal-action")
        await expect(dialog).to_contain_text("全部记录")
        await dialog.get_by_text(choice).click()
        if extension == "xlsx":
            await page.screenshot(path=screenshot_path("registry-export-dialog"))
        async with page.expect_download() as started:
            await dialog.get_by_role("button", name="导出", exact=True).click()
        download = await started.value
        assert download.suggested_filename in {f"市场主体-{day}.{extension}" for day in days}
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
        rows = read_rows(path)
        assert len(rows) == 1 + (green or 0) and green and green > 25
        colour = rows[0].index("四色警示")
        assert {row[colour] for row in rows[1:]} == {"绿色"}
        await page.goto(f'{server}/admin/market-entity/list?filter=risk_colour__eq="GREEN"')
        await page.wait_for_load_state("networkidle")
