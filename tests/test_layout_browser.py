"""The admin frame and the desk inboxes in a real headless Chromium at 1400 × 900 and 390 × 844: the
dark sidebar runs the page's full height, titles sit under the header, the header names a department
login once, a maintainer's home makes no call to claim, 目录缺口 is paged, the inboxes show a case a line
(more than eight a screen) and claim the ticked notices at once. Screenshots: test-artifacts/."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, expect

from tests.conftest import DemoCity
from tests.support.admin import staff_password
from tests.support.api import server_data
from tests.support.browser import browser, screenshot_path, server
from tests.support.entities import REGISTER_FOR_NOTICES, new_code, registration

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
DEPARTMENT = "中山区市场监督管理局"

GEOMETRY = """() => {
  const box = (selector) => { const e = document.querySelector(selector); return e && e.getBoundingClientRect(); };
  const side = box("aside.navbar-vertical"), header = box("header.navbar"), title = box(".page-body .page-title");
  return {
    page: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth,
    sideBottom: side && side.bottom + window.scrollY,
    content: box(".page-wrapper").bottom + window.scrollY,
    headerBottom: header && header.height ? header.bottom : null,
    titleTop: title && title.top,
  };
}"""


async def open_as(browser: Browser, base: str, username: str, password: str, viewport: dict[str, int]) -> Page:
    context = await browser.new_context(viewport=viewport, locale="en-US", timezone_id="America/New_York")  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(f"{base}/admin/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_load_state("networkidle")
    return page


async def geometry(page: Page, path: str) -> dict[str, Any]:
    await page.goto(path)
    await page.wait_for_load_state("networkidle")
    found: dict[str, Any] = await page.evaluate(GEOMETRY)
    return found


async def register(base: str, city: DemoCity, count: int) -> list[dict[str, str]]:
    """`count` entities in 中山区, each with two notices for 中山区市场监督管理局 (SP-XS, SP-CY)."""
    made = []
    for n in range(count):
        data = registration(persons=[], uscc=new_code(body=f"MA0LY{n:03d}"), name=f"大连版面测试{n}号餐饮有限公司",
                            businessScope="食品销售；餐饮服务")  # fmt: skip
        payload = (await server_data(base, city.tokens["district"], REGISTER_FOR_NOTICES, {"input": data}))[
            "registerEntity"
        ]
        assert payload["errors"] == []
        made.append({"uscc": payload["entity"]["uscc"], **{x["matter"]["code"]: x["id"] for x in payload["notices"]}})
    return made


async def test_the_frame_at_1400(browser: Browser, server: str, city: DemoCity) -> None:
    maintainer = await open_as(browser, server, "admin", city.report.logins[0].password, WIDE)
    for name, path in (("home", ""), ("notice-inbox", "notice-inbox"), ("referral-inbox", "referral-inbox"),
                       ("record-import", "record-import"), ("catalog-gaps", "catalog-gaps")):  # fmt: skip
        shape = await geometry(maintainer, f"{server}/admin/{path}")
        await maintainer.screenshot(path=screenshot_path(f"layout-{name}-1400"), full_page=True)
        # The dark column reaches the page's end, however long the page.
        assert shape["sideBottom"] >= shape["content"] - 1, (name, shape)
        # The title sits under the header, not ~80 px below it.
        assert 0 <= shape["titleTop"] - shape["headerBottom"] <= 24, (name, shape)
        assert shape["width"] <= WIDE["width"], (name, shape)
    # The registry, 100 entities a page, is several screens long: the sidebar still reaches its end.
    shape = await geometry(maintainer, f"{server}/admin/market-entity/list?page_size=100")
    assert shape["page"] > 2 * WIDE["height"] and shape["sideBottom"] >= shape["content"] - 1, shape

    # A maintainer's home gives the city's figures without asking them to claim.
    await maintainer.goto(f"{server}/admin/")
    summary = maintainer.locator("#inbox-summary")
    await expect(summary).to_contain_text("全市双告知")
    await expect(summary).to_contain_text("各部门尚未认领")
    await expect(summary).to_contain_text("此处仅供查看")
    await expect(summary).not_to_contain_text("待认领")

    desk = await open_as(browser, server, "scjg-210202", staff_password(city), WIDE)
    header = desk.locator("header.navbar")
    await expect(header).to_contain_text(DEPARTMENT)
    assert (await header.inner_text()).count(DEPARTMENT) == 1, "a department login is named once"
    await expect(desk.locator("#inbox-summary")).to_contain_text("待认领")  # a desk is asked to claim


async def test_catalog_gaps_is_paged(browser: Browser, server: str, city: DemoCity) -> None:
    page = await open_as(browser, server, "admin", city.report.logins[0].password, WIDE)
    shape = await geometry(page, f"{server}/admin/catalog-gaps")
    await page.screenshot(path=screenshot_path("layout-catalog-gaps-page-1"), full_page=True)
    assert shape["page"] <= 3_000, shape
    phrases = page.locator("#unmatched-phrases tbody tr[data-phrase]")
    await expect(phrases).to_have_count(20)
    first = await phrases.first.get_attribute("data-phrase")
    paging = page.locator("#phrases-paging")
    await expect(paging).to_contain_text("第 1–20 条，共")
    await paging.get_by_role("link", name="2", exact=True).click()
    await expect(page.locator("#phrases-paging")).to_contain_text("第 21–40 条")
    await expect(phrases.first).not_to_have_attribute("data-phrase", first or "")
    assert (await page.evaluate(GEOMETRY))["page"] <= 3_000
    await page.locator("#phrases-paging").get_by_role("link", name="上一页").click()
    await expect(phrases.first).to_have_attribute("data-phrase", first or "")


async def test_the_inbox_is_compact_and_claims_the_ticked(browser: Browser, server: str, city: DemoCity) -> None:
    made = await register(server, city, 6)
    page = await open_as(browser, server, "scjg-210202", staff_password(city), WIDE)
    await page.goto(f"{server}/admin/notice-inbox?status=PUSHED")
    rows = page.locator("#inbox tbody tr[data-notice-id]")
    await expect(rows.first).to_be_visible()
    heights = await rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    on_screen = await rows.evaluate_all(
        "rows => rows.filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    await page.screenshot(path=screenshot_path("layout-inbox-1400"))
    assert on_screen >= 8, (on_screen, heights)
    assert max(heights) <= 48, "one line a case"
    assert (await page.evaluate(GEOMETRY))["width"] <= WIDE["width"]

    picked = [made[0]["SP-XS"], made[1]["SP-CY"], made[2]["SP-XS"]]
    for notice in picked:
        await page.locator(f"#notice-{notice} input.case-pick").check()
    await expect(page.locator("#picked-count")).to_have_text("已选 3 件")
    await page.get_by_role("button", name="认领所选").click()
    await expect(page.locator(".alert-success")).to_contain_text("已认领 3 件")
    for notice in picked:
        await page.goto(f"{server}/admin/notice-inbox?uscc={made[picked.index(notice)]['uscc']}")
        await expect(page.locator(f"#notice-{notice} .notice-status")).to_have_text("已认领")
    untouched = made[0]["SP-CY"]
    await page.goto(f"{server}/admin/notice-inbox?uscc={made[0]['uscc']}")
    await expect(page.locator(f"#notice-{untouched} .notice-status")).to_have_text("待认领")

    # 全选本页 ticks every notice still waiting on the page.
    await page.goto(f"{server}/admin/notice-inbox?uscc={made[3]['uscc']}")
    await page.locator("#pick-all").check()
    await expect(page.locator("#picked-count")).to_have_text("已选 2 件")
    await page.get_by_role("button", name="认领所选").click()
    await expect(page.locator(".alert-success")).to_contain_text("已认领 2 件")
    await expect(page.locator("#inbox .notice-status")).to_have_text(["已认领", "已认领"])


async def test_at_390(browser: Browser, server: str, city: DemoCity) -> None:
    made = await register(server, city, 2)
    desk = await open_as(browser, server, "scjg-210202", staff_password(city), PHONE)
    for name, path in (("home", ""), ("notice-inbox", "notice-inbox?status=PUSHED"),
                       ("referral-inbox", "referral-inbox"), ("record-import", "record-import")):  # fmt: skip
        shape = await geometry(desk, f"{server}/admin/{path}")
        await desk.screenshot(path=screenshot_path(f"layout-{name}-390"), full_page=True)
        assert shape["width"] <= PHONE["width"], (name, shape)
    assert (await desk.locator("aside.navbar-vertical").inner_text()).count(DEPARTMENT) <= 1

    # A case is a card: its entity, status and buttons readable and tappable without scrolling sideways.
    await desk.goto(f"{server}/admin/notice-inbox?uscc={made[0]['uscc']}")
    card = desk.locator(f"#notice-{made[0]['SP-XS']}")
    await expect(card).to_contain_text("大连版面测试0号餐饮有限公司")
    claim = card.get_by_role("button", name="认领")
    box = await claim.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    await card.locator("summary", has_text="退回").click()
    form = card.locator("form.return-form")
    await expect(form).to_be_visible()
    form_box = await form.bounding_box()
    assert form_box is not None and form_box["x"] >= 0 and form_box["x"] + form_box["width"] <= PHONE["width"]
    await desk.screenshot(path=screenshot_path("layout-inbox-return-390"), full_page=True)

    await card.locator("input.case-pick").check()
    await desk.get_by_role("button", name="认领所选").click()
    await expect(desk.locator(".alert-success")).to_contain_text("已认领 1 件")
    await expect(desk.locator(f"#notice-{made[0]['SP-XS']} .notice-status")).to_have_text("已认领")

    maintainer = await open_as(browser, server, "admin", city.report.logins[0].password, PHONE)
    shape = await geometry(maintainer, f"{server}/admin/risk-parameters/list")
    await maintainer.screenshot(path=screenshot_path("layout-risk-parameters-390"), full_page=True)
    await expect(maintainer.locator("#risk-in-force")).to_contain_text("默认值")
    shape = await geometry(maintainer, f"{server}/admin/catalog-gaps")
    await maintainer.screenshot(path=screenshot_path("layout-catalog-gaps-390"), full_page=True)
