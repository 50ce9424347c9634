"""告知收件箱 in a real headless Chromium: a department claims, gives feedback, forwards and returns
its notices on one page; another department and a maintainer see what they may.

The notices come from entities each test registers over GraphQL (中山区, scope 食品销售；餐饮服务；日用百货销售:
SP-XS and SP-CY to SCJG-210202, WS-CY to WJ-210202); rows are found by the entity's USCC, never by
how many notices the demo seed leaves in an inbox. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Locator, Page, expect

from services.platform.db import Database
from tests.conftest import DemoCity
from tests.support.admin import staff_password
from tests.support.api import server_data
from tests.support.audit import last_audit
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.entities import REGISTER_FOR_NOTICES, new_code, registration

SCOPE = "食品销售；餐饮服务；日用百货销售"

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


class Registered:
    """An entity registered over the served API, and its notices by matter code."""

    def __init__(self, name: str, payload: dict[str, Any]) -> None:
        self.name = name
        self.uscc: str = payload["entity"]["uscc"]
        self.notices: dict[str, str] = {n["matter"]["code"]: n["id"] for n in payload["notices"]}


async def register(base: str, city: DemoCity, name: str, body: str) -> Registered:
    data = registration(persons=[], uscc=new_code(body=body), name=name, businessScope=SCOPE)
    payload = (await server_data(base, city.tokens["district"], REGISTER_FOR_NOTICES, {"input": data}))[
        "registerEntity"
    ]
    assert payload["errors"] == []
    registered = Registered(name, payload)
    assert set(registered.notices) == {"SP-XS", "SP-CY", "WS-CY"}
    return registered


async def open_inbox(page: Page, base: str, entity: Registered, **params: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"uscc": entity.uscc, **params}.items())
    await page.goto(f"{base}/admin/notice-inbox?{query}")
    await expect(page.get_by_role("heading", name="告知收件箱")).to_be_visible()


def row(page: Page, entity: Registered, matter: str) -> Locator:
    return page.locator(f"#notice-{entity.notices[matter]}")


async def test_claim_and_feedback_from_the_inbox(browser: Browser, server: str, city: DemoCity, db: Database) -> None:
    entity = await register(server, city, "大连认领反馈餐饮有限公司", "MA0KBX01")
    page = await sign_in(browser, server, "scjg-210202", staff_password(city))
    # The home page says what waits, and leads to the inbox.
    await expect(page.locator("#inbox-summary")).to_contain_text("待认领")
    await page.locator("#inbox-summary").get_by_role("link", name="打开收件箱").click()
    await expect(page.get_by_role("heading", name="告知收件箱")).to_be_visible()
    await expect(page.locator("#inbox")).to_contain_text(entity.name)

    await open_inbox(page, server, entity)
    sales = row(page, entity, "SP-XS")
    await expect(sales).to_contain_text(entity.name)
    await expect(sales).to_contain_text(entity.uscc)
    await expect(sales).to_contain_text("食品经营许可（食品销售）")
    await expect(sales).to_contain_text("待认领")
    await expect(sales).to_contain_text("设立登记")
    await expect(page.locator("#inbox tbody tr")).to_have_count(2)  # SP-XS and SP-CY; WS-CY is the health bureau's
    await page.screenshot(path=screenshot_path("inbox"), full_page=True)

    await sales.get_by_role("button", name="认领").click()
    await expect(page.get_by_text(f"{entity.name}·食品经营许可（食品销售）：已认领")).to_be_visible()
    await page.reload()
    sales = row(page, entity, "SP-XS")
    await expect(sales.locator(".notice-status")).to_have_text("已认领")
    await expect(sales.get_by_role("button", name="认领")).to_have_count(0)
    event = await last_audit(db, "notice.认领")
    assert (event.object_id, event.actor, event.department_code) == (
        entity.notices["SP-XS"],
        "scjg-210202",  # the signed-in user, by username
        "SCJG-210202",
    )
    assert event.before == {"status": "PUSHED"} and event.after is not None and event.after["status"] == "CLAIMED"

    # 已取得许可 without the license number: refused, said in Chinese beside the form, nothing changed.
    await sales.locator("summary", has_text="反馈").click()
    form = sales.locator("form.feedback-form")
    await form.locator("select[name=kind]").select_option(label="已取得许可")
    await form.locator("input[name=note]").fill("已现场核查")
    await form.get_by_role("button", name="提交反馈").click()
    await expect(page.locator("#inbox-error")).to_have_text(
        f"{entity.name}·食品经营许可（食品销售）：已取得许可时须填写许可证号"
    )
    sales = row(page, entity, "SP-XS")
    await expect(sales.locator(".action-error")).to_have_text("已取得许可时须填写许可证号")
    await expect(sales.locator("input[name=note]")).to_have_value("已现场核查")
    await page.screenshot(path=screenshot_path("inbox-feedback-refused"), full_page=True)
    await open_inbox(page, server, entity)
    await expect(row(page, entity, "SP-XS").locator(".notice-status")).to_have_text("已认领")

    sales = row(page, entity, "SP-XS")
    await sales.locator("summary", has_text="反馈").click()
    form = sales.locator("form.feedback-form")
    await form.locator("select[name=kind]").select_option(label="已取得许可")
    await form.locator("input[name=license_number]").fill("JY12102020012345")
    await form.get_by_role("button", name="提交反馈").click()
    await expect(page.get_by_text(f"{entity.name}·食品经营许可（食品销售）：已反馈")).to_be_visible()
    sales = row(page, entity, "SP-XS")
    await expect(sales.locator(".notice-status")).to_have_text("已反馈")
    await expect(sales).to_contain_text("已取得许可（许可证号 JY12102020012345）")
    await page.screenshot(path=screenshot_path("inbox-feedback-given"), full_page=True)


async def test_forward_reaches_the_receiving_department(browser: Browser, server: str, city: DemoCity) -> None:
    entity = await register(server, city, "大连转交测试餐饮有限公司", "MA0KBX02")
    page = await sign_in(browser, server, "scjg-210202", staff_password(city))
    await open_inbox(page, server, entity)
    catering = row(page, entity, "SP-CY")
    await catering.locator("summary", has_text="转交").click()
    form = catering.locator("form.forward-form")
    await form.locator("select[name=to_department_code]").select_option("SCJG-210200")
    await form.locator("input[name=reason]").fill("连锁经营，由市局统一办理")
    await page.screenshot(path=screenshot_path("inbox-forward-form"), full_page=True)
    await form.get_by_role("button", name="确认转交").click()
    await expect(page.get_by_text("已转交，接收部门已收到新的告知")).to_be_visible()
    catering = row(page, entity, "SP-CY")
    await expect(catering.locator(".notice-status")).to_have_text("已转交")
    await expect(catering).to_contain_text("已转交给大连市市场监督管理局")
    await expect(catering.get_by_role("button")).to_have_count(0)
    # Among what still waits to be claimed it is gone.
    await open_inbox(page, server, entity, status="PUSHED")
    await expect(row(page, entity, "SP-CY")).to_have_count(0)
    await expect(row(page, entity, "SP-XS")).to_have_count(1)

    city_desk = await sign_in(browser, server, "scjg-210200", staff_password(city))
    await open_inbox(city_desk, server, entity)
    received = city_desk.locator("#inbox tbody tr", has_text="食品经营许可（餐饮服务）")
    await expect(received).to_have_count(1)
    await expect(received.locator(".notice-status")).to_have_text("待认领")
    await expect(received).to_contain_text("转交：由中山区市场监督管理局转交")
    await expect(received).to_contain_text("理由：连锁经营，由市局统一办理")
    await expect(received.get_by_role("button", name="认领")).to_be_visible()
    await city_desk.screenshot(path=screenshot_path("inbox-forward-received"), full_page=True)


async def test_return_needs_a_reason(browser: Browser, server: str, city: DemoCity) -> None:
    entity = await register(server, city, "大连退回测试百货有限公司", "MA0KBX03")
    page = await sign_in(browser, server, "scjg-210202", staff_password(city))
    await open_inbox(page, server, entity)
    sales = row(page, entity, "SP-XS")
    await sales.locator("summary", has_text="退回").click()
    await sales.locator("form.return-form").get_by_role("button", name="确认退回").click()
    await expect(page.locator("#inbox-error")).to_have_text(f"{entity.name}·食品经营许可（食品销售）：理由不能为空")
    await expect(row(page, entity, "SP-XS").locator(".notice-status")).to_have_text("待认领")

    sales = row(page, entity, "SP-XS")
    form = sales.locator("form.return-form")
    await expect(form).to_be_visible()  # still open after the refusal
    await form.locator("input[name=reason]").fill("仅销售预包装食品，已由其他事项覆盖")
    await form.get_by_role("button", name="确认退回").click()
    await expect(page.get_by_text(f"{entity.name}·食品经营许可（食品销售）：已退回")).to_be_visible()
    sales = row(page, entity, "SP-XS")
    await expect(sales.locator(".notice-status")).to_have_text("已退回")
    await expect(sales).to_contain_text("理由：仅销售预包装食品，已由其他事项覆盖")
    await page.screenshot(path=screenshot_path("inbox-returned"), full_page=True)


async def test_a_second_claim_of_the_same_notice_is_refused(browser: Browser, server: str, city: DemoCity) -> None:
    entity = await register(server, city, "大连重复认领餐饮有限公司", "MA0KBX04")
    first = await sign_in(browser, server, "scjg-210202", staff_password(city))
    second = await first.context.new_page()
    await open_inbox(first, server, entity)
    await open_inbox(second, server, entity)
    await row(first, entity, "SP-CY").get_by_role("button", name="认领").click()
    await expect(first.get_by_text(f"{entity.name}·食品经营许可（餐饮服务）：已认领")).to_be_visible()
    # The second page still shows the claim button it loaded earlier.
    await row(second, entity, "SP-CY").get_by_role("button", name="认领").click()
    await expect(second.locator("#inbox-error")).to_have_text(
        f"{entity.name}·食品经营许可（餐饮服务）：该告知已认领，不能认领（须为待认领）"
    )
    await expect(row(second, entity, "SP-CY").locator(".notice-status")).to_have_text("已认领")
    await second.screenshot(path=screenshot_path("inbox-second-claim"), full_page=True)


async def test_departments_see_only_their_own_and_a_maintainer_only_looks(
    browser: Browser, server: str, city: DemoCity
) -> None:
    entity = await register(server, city, "大连收件范围餐饮有限公司", "MA0KBX05")
    health = await sign_in(browser, server, "wj-210202", staff_password(city))
    await open_inbox(health, server, entity)
    await expect(health.locator("#inbox tbody tr")).to_have_count(1)
    await expect(row(health, entity, "WS-CY")).to_contain_text("餐饮场所卫生监督")
    await expect(health.locator("#inbox")).not_to_contain_text("食品经营许可")
    await health.screenshot(path=screenshot_path("inbox-health"), full_page=True)

    neighbour = await sign_in(browser, server, "scjg-210203", staff_password(city))
    await open_inbox(neighbour, server, entity)
    await expect(neighbour.locator("#inbox tbody")).to_have_text("没有符合条件的告知")

    maintainer = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await open_inbox(maintainer, server, entity)
    await expect(maintainer.locator("#read-only")).to_contain_text("须由收件部门的用户办理")
    await expect(maintainer.locator("#inbox tbody tr")).to_have_count(3)
    await expect(row(maintainer, entity, "WS-CY")).to_contain_text("中山区卫生健康局")
    await expect(maintainer.locator("#inbox").get_by_role("button")).to_have_count(0)
    await expect(maintainer.locator("#inbox")).to_contain_text("仅供查看")
    await maintainer.screenshot(path=screenshot_path("inbox-maintainer"), full_page=True)
    await maintainer.locator("select[name=department]").select_option("SCJG-210202")
    await maintainer.get_by_role("button", name="筛选").click()
    await expect(maintainer.locator("#inbox tbody tr")).to_have_count(2)
    await expect(maintainer.locator("#inbox")).not_to_contain_text("餐饮场所卫生监督")
