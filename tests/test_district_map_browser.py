"""The dashboard's district map in a real headless Chromium: the map and its numbers as a
maintainer sees them, and a click on a district landing on the registry filtered to it."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect
from sqlmodel import col, func, select

from models import MarketEntity
from models.enums import RiskColour
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def _count(db: Database, region: str, colours: tuple[RiskColour, ...] = tuple(RiskColour)) -> int:
    async with db.session(Principal.system()) as session:
        found = await session.scalar(
            select(func.count()).where(
                col(MarketEntity.region_code) == region, col(MarketEntity.risk_colour).in_(colours)
            )
        )
        return int(found or 0)


async def test_the_map_shows_each_districts_numbers_and_a_click_opens_its_registry(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    card = page.locator("#district-map")
    await card.scroll_into_view_if_needed()
    await expect(card.locator("svg.district-map")).to_be_visible()
    whole = card.locator(".district-map-whole a[data-region]")
    await expect(whole).to_have_count(10)

    xigang = await _count(db, "210203")
    alerted = await _count(db, "210203", (RiskColour.RED, RiskColour.BLACK))
    assert xigang > 0
    link = card.locator('.district-map-whole a[data-region="210203"]')
    await expect(link).to_have_attribute("data-total", str(xigang))
    await expect(link.locator("title")).to_contain_text(f"西岗区（210203）：共 {xigang} 户")
    await expect(link.locator("title")).to_contain_text(f"红色和黑色占 {alerted / xigang:.1%}")
    # The large districts carry their name and count on the map; the small ones in the enlarged centre.
    await expect(card.locator(".district-map-inset text.district-label", has_text="西岗区")).to_contain_text(
        str(xigang)
    )
    ganjingzi = await _count(db, "210211")
    await expect(card.locator(".district-map-whole text.district-label", has_text="甘井子区")).to_contain_text(
        str(ganjingzi)
    )
    row = card.locator('#district-map-table tr[data-region="210203"]')
    await expect(row.locator("td.fw-bold")).to_have_text(str(xigang))
    await page.screenshot(path=screenshot_path("dashboard-district-map"), full_page=True)

    await card.locator('.district-map-inset a[data-region="210203"]').click()
    await page.wait_for_load_state("networkidle")
    assert re.search(r"/admin/market-entity/list\?filter=region_code__eq", page.url), page.url
    await expect(page.locator("#registry-total")).to_have_text(str(xigang))
    chosen = page.locator('[data-quick="region_code"] .quick-filter.active')
    await expect(chosen).to_have_text("西岗区")
    shown = min(xigang, 25)
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(shown)
    regions = await rows.locator("td", has_text="210203").count()
    assert regions == shown, regions
    await page.screenshot(path=screenshot_path("registry-from-map"), full_page=True)
