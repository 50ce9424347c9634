"""The entity page and the registry list in a real headless Chromium, at 1400 px and on a 390 px phone.

Screenshots in test-artifacts/screenshots/ for review."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect
from sqlmodel import col, func, select

from models import AuditEvent, MarketEntity
from models.enums import RiskColour
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.entities import REGISTER, new_code, registration

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

NAME = "大连浏览器测试餐饮有限公司"


async def _register(api: Api, city: DemoCity) -> str:
    uscc = new_code(body="MA0BRWX1")
    persons = [
        {"name": "王海燕", "role": "SHAREHOLDER", "idNumber": "210202198001011234", "sharePercent": "10"},
        {"name": "刘志强", "role": "SHAREHOLDER", "idNumber": "210203197505052345", "sharePercent": "33.33"},
        {"name": "赵丽", "role": "SHAREHOLDER", "idNumber": "210204199002023456", "sharePercent": "56.67"},
    ]
    entity = registration(uscc=uscc, name=NAME, registeredCapital="10000000", persons=persons)
    registered = await api.data(REGISTER, {"input": entity}, city.tokens["district"])
    assert registered["registerEntity"]["errors"] == []
    return uscc


async def _scalar(db: Database, query: object) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(query) or 0)  # type: ignore[call-overload]


async def _open_entity(page: Page, server: str, db: Database, uscc: str) -> None:
    entity_id = await _scalar(db, select(MarketEntity.id).where(col(MarketEntity.uscc) == uscc))
    await page.goto(f"{server}/admin/market-entity/detail?pk={entity_id}")
    await page.wait_for_load_state("networkidle")


async def test_a_maintainer_reads_an_entity_by_name_and_follows_it_to_its_audit_history(
    browser: Browser, server: str, city: DemoCity, api: Api, db: Database
) -> None:
    uscc = await _register(api, city)
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await _open_entity(page, server, db, uscc)
    await expect(page).to_have_title(re.compile(NAME))
    await expect(page.locator("h1.entity-name")).to_have_text(NAME)
    await expect(page.locator(".entity-uscc")).to_have_text(uscc)
    persons = page.locator("#entity-persons")
    for share in ("10%", "33.33%", "56.67%"):
        await expect(persons.get_by_role("cell", name=share, exact=True)).to_be_visible()
    await expect(persons).not_to_contain_text("E+")
    await expect(page.locator('td[data-field="registered_capital"]')).to_have_text("10,000,000.00 元")
    await expect(page.locator('td[data-field="region_code"]')).to_have_text("中山区（210202）")
    await expect(page.locator('td[data-field="industry_code"]')).to_have_text("住宿和餐饮业（H6210）")
    badge = page.locator('.entity-heading .colour-badge[data-risk-colour="GREEN"]')
    await expect(badge).to_have_text("绿色")
    colour = await badge.evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "the badge is coloured"
    await expect(page.locator("#licenses_page .records-count")).to_have_text("（0）")
    await page.screenshot(path=screenshot_path("entity-page-1400"), full_page=True)

    await page.locator("#entity-audit-link").click()
    await page.wait_for_load_state("networkidle")
    await expect(page).to_have_url(re.compile(r"/admin/audit-event/list\?filter="))
    events = await _scalar(
        db,
        select(func.count())
        .select_from(AuditEvent)
        .where(col(AuditEvent.object_type) == "MarketEntity", col(AuditEvent.object_id) == uscc),
    )
    rows = page.locator("table tbody tr[data-sa-pk]")
    assert events >= 1
    await expect(rows).to_have_count(events)
    for row in await rows.all():
        await expect(row).to_contain_text(uscc)
    await page.screenshot(path=screenshot_path("entity-audit-history"), full_page=True)


async def test_the_registry_fits_1400_px_and_one_click_picks_a_colour(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.goto(f"{server}/admin/market-entity/list")
    await page.wait_for_load_state("networkidle")
    table = page.locator(".table-responsive").first
    scroll, client = await table.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert scroll <= client, f"the table overflows its card: {scroll} > {client}"
    heading = await page.locator('th[data-column="industry_code"]').bounding_box()
    cell = await page.locator('td[data-column="industry_code"]').first.bounding_box()
    assert heading is not None and cell is not None
    assert heading["x"] + heading["width"] <= 1400 and cell["x"] + cell["width"] <= 1400
    await expect(page.locator('td[data-column="industry_code"]').first).to_have_text(
        re.compile(r"^\s*[A-T]\d{1,4}\s*$")
    )
    await expect(page.locator('td[data-column="region_code"]').first).to_have_text(re.compile(r"[区县市]\s*$"))
    await expect(page.locator('td[data-column="risk_colour"] .colour-badge').first).to_be_visible()
    await page.screenshot(path=screenshot_path("registry-1400"), full_page=True)

    reds = await _scalar(
        db, select(func.count()).select_from(MarketEntity).where(col(MarketEntity.risk_colour) == RiskColour.RED)
    )
    assert reds > 0
    await page.locator('#quick-filters a[data-value="RED"]').click()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#registry-total")).to_have_text(str(reds))
    await expect(page.locator('#quick-filters a[data-value="RED"]')).to_have_attribute("aria-current", "true")
    badges = page.locator('td[data-column="risk_colour"] .colour-badge')
    await expect(badges).to_have_count(min(reds, 25))
    assert set(await badges.evaluate_all("all => all.map(b => b.dataset.riskColour)")) == {"RED"}
    await page.screenshot(path=screenshot_path("registry-red-1400"), full_page=True)


async def test_on_a_phone_the_registry_shows_names_and_colours(
    browser: Browser, server: str, city: DemoCity, api: Api, db: Database
) -> None:
    uscc = await _register(api, city)
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{server}/admin/market-entity/list")
    await page.wait_for_load_state("networkidle")
    for column in ("name", "risk_colour"):
        cell = page.locator(f'td[data-column="{column}"]').first
        await expect(cell).to_be_visible()
        box = await cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (column, box)
    name = page.locator('td[data-column="name"]').first
    assert await name.evaluate("element => element.scrollWidth <= element.clientWidth + 1"), "the name is not cut"
    await page.screenshot(path=screenshot_path("registry-390"), full_page=True)

    await _open_entity(page, server, db, uscc)
    await expect(page.locator("h1.entity-name")).to_have_text(NAME)
    await expect(page.locator(".entity-heading .colour-badge")).to_be_visible()
    await page.screenshot(path=screenshot_path("entity-page-390"), full_page=True)
