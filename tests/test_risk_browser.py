"""四色警示 in a real headless Chromium: the home page's colour counts, an entity's colour and
reasons, and a maintainer setting the rules' parameters (a contradictory setting refused beside
its field, a sound one re-rating the city at once)."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect
from sqlmodel import col, func, select

from models import MarketEntity
from models.enums import RiskColour
from services.credit import risk, risk_parameters
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def _count(db: Database, colour: RiskColour) -> int:
    async with db.session(Principal.system()) as session:
        found = await session.scalar(select(func.count()).where(col(MarketEntity.risk_colour) == colour))
        return int(found or 0)


async def test_a_maintainer_reads_the_colours_and_sets_the_rules(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    counts = page.locator("#colour-counts")
    await expect(counts).to_contain_text("中山区")
    red_cells = counts.locator('td[data-colour="RED"]')
    shown = sum(int(text) for text in await red_cells.all_inner_texts())
    assert shown == await _count(db, RiskColour.RED)
    await page.screenshot(path=screenshot_path("dashboard-colours"), full_page=True)

    async with db.session(Principal.system()) as session:
        red = await session.scalar(select(MarketEntity.id).where(col(MarketEntity.risk_colour) == RiskColour.RED))
    await page.goto(f"{server}/admin/market-entity/detail?pk={red}")
    await expect(page.locator("body")).to_contain_text("红色")
    await expect(page.locator("body")).to_contain_text("警示依据（今日）")
    await page.screenshot(path=screenshot_path("entity-colour"), full_page=True)

    await page.goto(f"{server}/admin/risk-parameters/create")
    await page.fill("input[name=yellow_penalties]", "3")
    await page.fill("input[name=red_penalties]", "3")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    await expect(page.get_by_text("红色的处罚次数下限须大于黄色的下限")).to_be_visible()
    await expect(page.locator("input[name=yellow_penalties]")).to_have_value("3")

    # Two penalties are now enough for RED: the stored colours follow at once.
    await page.fill("input[name=yellow_penalties]", "1")
    await page.fill("input[name=red_penalties]", "2")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    await expect(page).to_have_url(re.compile(r"/admin/risk-parameters/"))
    await page.goto(f"{server}/admin/risk-parameters/list")
    await expect(page.locator("table")).to_contain_text("演示维护人员")
    await page.screenshot(path=screenshot_path("risk-parameters"), full_page=True)
    async with db.session(Principal.system()) as session:
        stored = {int(i or 0): c for i, c in (await session.execute(select(MarketEntity.id, MarketEntity.risk_colour)))}
        assessed = await risk.assess(session, list(stored), today())
        in_force = await risk_parameters.current_parameters(session)
    assert in_force.red_penalties == 2
    assert stored == {entity_id: found.colour for entity_id, found in assessed.items()}, "re-rated by the new rules"
