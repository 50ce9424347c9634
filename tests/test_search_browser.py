"""The registry's search box in a real headless Chromium: the exact name first, the found text
marked, a name's markup shown as text; a search past the list's depth says so, and offers no
"select all" of a count it never finished."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.entities import REGISTER, insert_entities, new_code, registration

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


async def test_a_search_past_the_lists_depth_reads_as_a_lower_bound_and_offers_no_select_all(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    # The whole registry, counted: ticking the page offers to select every row it counted.
    await page.goto(f"{server}/admin/market-entity/list")
    await page.locator("#select-all-rows").check()
    await expect(page.locator("#select-all-matching-link")).to_be_visible()
    await insert_entities(db, "磐石", 1010, "210202")
    await page.goto(f"{server}/admin/market-entity/list?q=磐石")
    await page.wait_for_load_state("networkidle")
    await expect(page.locator(".quick-filter-total")).to_have_text("共 1,000 户以上")
    await expect(page.locator(".card-footer p").first).to_have_text("显示第 1 到 25 条，共 1,000+ 条")
    # The count stopped at 1,001: the page's rows can be ticked, not "all 1001 matching".
    await page.locator("#select-all-rows").check()
    await expect(page.locator("#select-all-banner")).to_contain_text("已选中本页的全部 25 行")
    await expect(page.locator("#select-all-matching-link")).to_be_hidden()
    await page.screenshot(path=screenshot_path("registry-search-capped"), full_page=True)
