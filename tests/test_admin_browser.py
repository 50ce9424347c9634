"""The admin pages in a real headless Chromium: what a maintainer and a department user see.

Screenshots of each main page are kept in test-artifacts/screenshots/ for review."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


async def test_a_maintainer_creates_a_department_finds_an_entity_and_sees_the_audit(
    browser: Browser, server: str, city: DemoCity
) -> None:
    password = city.report.logins[0].password
    page = await sign_in(browser, server, "admin", password)
    await expect(page.get_by_text("法人库概况")).to_be_visible()
    await expect(page.locator("#entity-counts")).to_contain_text("中山区")
    await page.screenshot(path=screenshot_path("home"), full_page=True)

    # Create a department through the form: the department service stores and audits it.
    await page.goto(f"{server}/admin/department/create")
    await page.fill("input[name=code]", "TEST-210202")
    await page.fill("input[name=name]", "中山区测试监管局")
    await page.select_option("select[name=level]", "DISTRICT")
    await page.fill("input[name=region_code]", "210299")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    # A bad region keeps what was typed and says why, beside the field.
    await expect(page.get_by_text("行政区划“210299”不存在")).to_be_visible()
    await expect(page.locator("input[name=name]")).to_have_value("中山区测试监管局")
    await page.screenshot(path=screenshot_path("department-form-error"), full_page=True)
    await page.fill("input[name=region_code]", "210202")
    await page.get_by_role("button", name="保存", exact=True).click()
    await page.wait_for_load_state("networkidle")
    await expect(page).to_have_url(re.compile(r"/admin/department/list"))
    await page.goto(f"{server}/admin/department/list?q=TEST")
    await expect(page.locator("table")).to_contain_text("中山区测试监管局")
    await page.screenshot(path=screenshot_path("departments"), full_page=True)

    # Find an entity by part of its name and open its page.
    await page.goto(f"{server}/admin/market-entity/list")
    await page.screenshot(path=screenshot_path("registry"), full_page=True)
    name = (await page.locator("table tbody tr").first.locator("td").nth(3).inner_text()).strip()
    part = name[2:7]
    search = page.get_by_placeholder("搜索...")
    await search.fill(part)
    await search.press("Enter")
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("table tbody")).to_contain_text(name)
    await page.screenshot(path=screenshot_path("registry-search"), full_page=True)
    await page.locator("table tbody tr", has_text=name).first.locator("a[href*='/detail']").first.click()
    await page.wait_for_load_state("networkidle")
    await expect(page.get_by_text(name).first).to_be_visible()
    await expect(page.locator("#entity-persons")).to_contain_text("法定代表人")
    await page.screenshot(path=screenshot_path("entity"), full_page=True)

    # The department's creation is in the audit log, under the maintainer's name.
    await page.goto(f"{server}/admin/audit-event/list?q=TEST-210202")
    row = page.locator("table tbody tr", has_text="TEST-210202").first
    await expect(row).to_contain_text("department.upserted")
    # Shown in Beijing time (the browser here runs in another zone, and says so).
    shown = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{2}):(\d{2})", await row.inner_text())
    assert shown is not None
    beijing = datetime.now(ZoneInfo("Asia/Shanghai"))
    year, month, day, hour, minute = (int(part) for part in shown.groups())
    stamp = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert abs((beijing - stamp).total_seconds()) < 600
    await expect(row).to_contain_text("演示维护人员")
    await page.screenshot(path=screenshot_path("audit-log"), full_page=True)

    for key in ("region", "user", "api-token", "supervision-matter", "calendar-day"):
        await page.goto(f"{server}/admin/{key}/list")
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=screenshot_path(key), full_page=True)

    # A form post without the CSRF token is refused, even with a valid session.
    forged = await page.request.post(
        f"{server}/admin/department/create",
        form={"code": "FORGED-1", "name": "伪造局", "level": "DISTRICT", "region_code": "210202"},
    )
    assert forged.status == 403
    await page.goto(f"{server}/admin/department/list?q=FORGED")
    await expect(page.locator("body")).not_to_contain_text("伪造局")


async def test_a_department_user_is_refused_the_tokens_page(browser: Browser, server: str, city: DemoCity) -> None:
    page = await sign_in(browser, server, "scjg-210202", city.report.logins[1].password)
    await expect(page.get_by_text("法人库概况")).to_be_visible()
    await expect(page.locator("nav, aside").first).not_to_contain_text("API 令牌")
    response = await page.goto(f"{server}/admin/api-token/list")
    assert response is not None and response.status == 403
    await page.screenshot(path=screenshot_path("tokens-refused"), full_page=True)
