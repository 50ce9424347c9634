"""The 惩戒措施 catalog and an entity's listings in a real headless Chromium: a maintainer adds
a measure through the form, retires it, and reads a listed entity's page."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect
from sqlmodel import col, select

from models import Listing, MarketEntity
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_a_maintainer_keeps_the_measure_catalog_and_reads_a_listed_entity(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/discipline-measure/list")
    table = page.locator("table")
    await expect(table).to_contain_text("禁止参加政府采购活动")
    await expect(table).to_contain_text("严重违法失信名单")
    await page.screenshot(path=screenshot_path("discipline-measures"), full_page=True)

    await page.goto(f"{server}/admin/discipline-measure/create")
    await page.fill("input[name=code]", "JY-ZFTZ")
    await page.fill("input[name=name]", "限制参加政府投资项目")
    await page.select_option("select[name=listing_kind]", "ABNORMAL_OPERATION")
    await page.fill("input[name=applied_by]", "发展改革部门")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    # Without a legal basis the service refuses it, beside the field, keeping what was typed.
    await expect(page.get_by_text("法律依据不能为空")).to_be_visible()
    await expect(page.locator("input[name=name]")).to_have_value("限制参加政府投资项目")
    await page.fill("textarea[name=legal_basis]", "《企业信息公示暂行条例》第十八条")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    await expect(page).to_have_url(re.compile(r"/admin/discipline-measure/list"))
    await page.goto(f"{server}/admin/discipline-measure/list?q=JY-ZFTZ")
    await expect(page.locator("table")).to_contain_text("限制参加政府投资项目")
    await expect(page.locator("table")).to_contain_text("经营异常名录")

    async with db.session(Principal.system()) as session:
        entity_id = await session.scalar(
            select(col(MarketEntity.id))
            .join(Listing, col(Listing.entity_id) == col(MarketEntity.id))
            .where(col(Listing.removed_on).is_(None))
            .limit(1)
        )
    await page.goto(f"{server}/admin/market-entity/detail?pk={entity_id}")
    listings = page.locator("#entity-listings")
    await expect(listings).to_contain_text("列入中")
    await expect(listings).to_contain_text("市场监督管理局")
    await page.screenshot(path=screenshot_path("entity-listings"), full_page=True)
