"""主体网图 in a real headless Chromium: the drawing (static/entity_graph.js) shows the district's
network with the numbers the tables give; clicking an entity in it opens that entity's graph.

Screenshots in test-artifacts/screenshots/ for review."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.conftest import Api, DemoCity
from tests.support.admin import staff_password
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.graph import build_network

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_a_district_user_draws_the_network_and_clicks_through_to_the_next_entity(
    browser: Browser, server: str, city: DemoCity, api: Api
) -> None:
    network = await build_network(api, city)
    page = await sign_in(browser, server, "scjg-210202", staff_password(city))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    await page.goto(f"{server}/admin/entity-graph?uscc={network.codes['A']}&depth=2")
    await expect(page.locator("#entity-graph-title")).to_have_text(f"{network.names['A']} 的网图（2 层）")
    await expect(page.locator("#entity-graph-counts")).to_have_text("主体 3 个，人员 5 人，关系 7 条。")
    svg = page.locator("#entity-graph-svg")
    await expect(svg.locator("a.entity")).to_have_count(3)
    await expect(svg.locator("g.person")).to_have_count(5)
    await expect(svg.locator("line.edge")).to_have_count(7)
    for name in ("林安", "徐共同", "白立"):
        await expect(svg.locator("g.person", has_text=name)).to_have_count(1)
    await expect(svg.locator("g.person", has_text="叶无证")).to_have_count(2)  # no identity number: two persons
    listed = svg.locator(f'a.entity.listed[data-uscc="{network.codes["B"]}"]')
    await expect(listed).to_have_class(re.compile(r"colour-RED"))
    await expect(page.locator("#entity-graph-entities tbody tr")).to_have_count(3)
    await expect(page.locator("#entity-graph-links tbody tr")).to_have_count(7)
    await expect(page.locator("body")).not_to_contain_text(network.names["C"])
    await page.screenshot(path=screenshot_path("entity-graph-1400"), full_page=True)

    await svg.locator(f'a.entity[data-uscc="{network.codes["D"]}"]').click()
    await page.wait_for_load_state("networkidle")
    await expect(page).to_have_url(re.compile(rf"/admin/entity-graph\?uscc={network.codes['D']}&depth=2$"))
    await expect(page.locator("#entity-graph-title")).to_have_text(f"{network.names['D']} 的网图（2 层）")
    # D's 吴链 and 白立 lead to E and B; E's 韦末 to F, B's 徐共同 to A (and to 西岗区's C, not shown).
    await expect(page.locator("#entity-graph-counts")).to_have_text("主体 5 个，人员 5 人，关系 9 条。")
    await expect(page.locator("#entity-graph-svg a.entity.centre")).to_have_attribute("data-uscc", network.codes["D"])

    await page.locator("#entity-graph-detail").click()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("h1.entity-name")).to_have_text(network.names["D"])
    await page.locator("#entity-graph-link").click()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#entity-graph-counts")).to_have_text("主体 3 个，人员 2 人，关系 4 条。")
    assert errors == [], errors
