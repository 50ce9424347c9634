"""The registry's search box in a real headless Chromium: the exact name first, the found text
marked, a name's markup shown as text."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.conftest import Api, DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.entities import REGISTER, new_code, registration

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_the_search_box_ranks_the_exact_name_first_and_marks_what_it_found(
    browser: Browser, server: str, city: DemoCity, api: Api
) -> None:
    for body, name in (("MA0BT001", "<i>大连</i>琥珀琉璃工坊有限公司"), ("MA0BT002", "琥珀琉璃")):
        entity = registration(uscc=new_code(body=body), name=name, persons=[])
        registered = await api.data(REGISTER, {"input": entity}, city.tokens["city"])
        assert registered["registerEntity"]["errors"] == []
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/market-entity/list")
    search = page.get_by_placeholder("搜索...")
    await search.fill("琥珀琉璃")
    await search.press("Enter")
    await page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0).locator('td[data-column="name"]')).to_have_text("琥珀琉璃")
    await expect(rows.nth(1).locator('td[data-column="name"]')).to_have_text("<i>大连</i>琥珀琉璃工坊有限公司")
    for row in (rows.nth(0), rows.nth(1)):
        await expect(row.locator('td[data-column="name"] mark').first).to_have_text("琥珀琉璃")
    assert await page.locator('td[data-column="name"] i').count() == 0
    await page.screenshot(path=screenshot_path("registry-search-marked"), full_page=True)
