"""双随机 in a real headless Chromium: a plan from creation to a published result through the pages
(create, approve, draw, the record verified, a task's result recorded and published, the public
draw page with the published result); a department records a task's result item by item on the
检查任务 page (a refusal beside its field, what was typed kept, the rectification deadline
appearing with 责令改正) and publishes it; an inspector does the same on 我的检查任务 on a phone
390×844, with no horizontal scrolling and tap targets of at least 44 px.

Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, Page, ViewportSize, expect

from services.platform.clock import today
from services.platform.db import Database
from tests.conftest import DemoCity
from tests.support.admin import staff_password
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.draws import DISTRICT, add_inspectors
from tests.support.task_pages import MINE, PLANS, TASKS, add_form_check_item, link_inspector
from tests.support.tasks import CHECK_ITEM, HEALTH, drawn_plan

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

PHONE: ViewportSize = {"width": 390, "height": 844}
NOTE = "两名员工健康证明已过期"


async def sign_in_on_a_phone(browser: Browser, base: str, username: str, password: str) -> Page:
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )  # fmt: skip
    page = await context.new_page()
    await page.goto(f"{base}/admin/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_load_state("networkidle")
    return page


async def scroll_width(page: Page) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def answer(page: Page, code: str, finding: str, check_item: str = CHECK_ITEM) -> None:
    await page.locator(f'input[name="finding:{check_item}/{code}"][value="{finding}"]').check()


async def test_a_department_records_a_result_item_by_item_and_publishes_it(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan[10]
    drawn = await drawn_plan(db, [uscc], name="2026年度餐饮服务双随机抽查（浏览器）")
    task = drawn.task(uscc)
    page = await sign_in(browser, server, "wj-210202", staff_password(city))
    await page.goto(f"{server}{TASKS}?plan={drawn.plan_id}")
    await expect(page.get_by_role("heading", name="检查任务")).to_be_visible()
    row = page.locator(f"#task-{task}")
    await expect(row).to_contain_text(uscc)
    await expect(row).to_contain_text("2026年度餐饮服务双随机抽查（浏览器）")
    await expect(row.locator(".task-status")).to_have_text("待检查")
    await row.locator("a.task-link").click()
    await expect(page.locator("#task-uscc")).to_have_text(uscc)

    rectification = page.locator("#rectification")
    await expect(rectification).to_be_hidden()
    await answer(page, "F1", "CONFORMING")
    await answer(page, "F2", "NON_CONFORMING")
    await page.locator(f'input[name="note:{CHECK_ITEM}/F2"]').fill(NOTE)
    await page.locator('input[name=category][value="RECTIFICATION_ORDERED"]').check()
    await expect(rectification).to_be_visible()
    await page.screenshot(path=screenshot_path("spotcheck-task-form"), full_page=True)
    # F3 unanswered and no deadline: both refused beside their fields, nothing typed lost.
    await page.locator("#record-submit").click()
    await expect(page.locator('.field-error[data-field="items"]')).to_have_text(
        "以下检查项未填写：SPJY-01/F3（场所卫生状况）"
    )
    await expect(page.locator('.field-error[data-field="rectificationDueOn"]')).to_have_text(
        "结果为“发现问题已责令改正”时须填写整改期限"
    )
    await expect(page.locator(f'input[name="note:{CHECK_ITEM}/F2"]')).to_have_value(NOTE)
    await expect(page.locator(f'input[name="finding:{CHECK_ITEM}/F2"][value="NON_CONFORMING"]')).to_be_checked()
    await expect(page.locator('input[name=category][value="RECTIFICATION_ORDERED"]')).to_be_checked()
    await page.screenshot(path=screenshot_path("spotcheck-task-refused"), full_page=True)

    await answer(page, "F3", "NOT_CHECKED")
    due = (today() + timedelta(days=20)).isoformat()
    await page.locator("#rectification_due_on").fill(due)
    await page.locator("#record-submit").click()
    await expect(page.get_by_text("检查结果已录入")).to_be_visible()
    await expect(page.locator("#task-status")).to_have_text("已录入结果，待公示")
    await expect(page.locator("#publish-deadline")).to_contain_text("前公示（录入后 20 个工作日）")
    await expect(page.locator("#result-rectification")).to_have_text(f"整改期限：{due}")
    await page.locator("#publish-submit").click()
    await expect(page.get_by_text("检查结果已公示")).to_be_visible()
    await expect(page.locator("#task-status")).to_have_text("已公示")
    await page.screenshot(path=screenshot_path("spotcheck-task-published"), full_page=True)


async def test_an_inspector_records_on_a_phone(browser: Browser, server: str, city: DemoCity, db: Database) -> None:
    uscc = city.zhongshan[11]
    drawn = await drawn_plan(db, [uscc], name="2026年度餐饮服务双随机抽查（手机）")
    task = drawn.task(uscc)
    await link_inspector(db, drawn.inspectors[HEALTH][0], "wj-210202")
    page = await sign_in_on_a_phone(browser, server, "wj-210202", staff_password(city))

    await page.goto(f"{server}{MINE}")
    await expect(page.get_by_role("heading", name="我的检查任务")).to_be_visible()
    card = page.locator(f"#task-{task}")
    await expect(card).to_contain_text(uscc)
    assert await scroll_width(page) <= PHONE["width"]
    await page.screenshot(path=screenshot_path("spotcheck-phone-list"), full_page=True)
    await card.click()
    await expect(page.locator("#task-uscc")).to_have_text(uscc)
    assert await scroll_width(page) <= PHONE["width"]
    # Tap targets: each finding's choice, each category, the submit button, at least 44 px high.
    for target in ("#result-items .finding-choices label", "#result-categories .category-choice", "#record-submit"):
        for box in [await found.bounding_box() for found in await page.locator(target).all()]:
            assert box is not None and box["height"] >= 44 and box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"], (target, box)
    font = await page.evaluate("parseFloat(getComputedStyle(document.querySelector('#notes')).fontSize)")
    assert font >= 16  # no zoom on focus, readable without zooming

    for code in ("F1", "F2", "F3"):
        await page.locator(f'input[name="finding:{CHECK_ITEM}/{code}"][value="CONFORMING"]').tap()
    await page.locator('input[name=category][value="NO_PROBLEM"]').tap()
    await page.locator("#notes").fill("现场检查未发现问题")
    await page.screenshot(path=screenshot_path("spotcheck-phone-form"), full_page=True)
    await page.locator("#record-submit").tap()
    await expect(page.get_by_text("检查结果已录入")).to_be_visible()
    await expect(page.locator("#task-status")).to_have_text("已录入结果，待公示")
    await expect(page.locator("#result-categories-shown")).to_contain_text("未发现问题")
    assert await scroll_width(page) <= PHONE["width"]
    await page.screenshot(path=screenshot_path("spotcheck-phone-recorded"), full_page=True)


async def test_a_plan_from_creation_to_a_published_result(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    await add_form_check_item(db, DISTRICT, "CY-01")
    await add_inspectors(db, DISTRICT, 4, "SCJGB")
    name = "2026年度中山区餐饮服务双随机抽查（浏览器）"
    page = await sign_in(browser, server, "scjg-210202", staff_password(city))
    await page.goto(f"{server}{PLANS}")
    await expect(page.get_by_role("heading", name="抽查计划")).to_be_visible()
    await page.locator("#new-plan").click()
    await page.locator("#name").fill(name)
    await page.locator('input[name=check_item][value="CY-01"]').check()
    await page.locator('input[name=target][value="filter"]').check()
    await page.locator("#region_code").fill("210202")
    await page.locator('input[name=sample_kind][value="COUNT"]').check()
    await page.locator("#sample_count").fill("2")
    await page.locator("#period_start").fill(today().isoformat())
    await page.locator("#period_end").fill((today() + timedelta(days=30)).isoformat())
    await page.screenshot(path=screenshot_path("spotcheck-plan-form"), full_page=True)
    await page.locator("#plan-submit").click()
    await expect(page.locator("#plan-status")).to_have_text("草拟")
    plan_id = await page.locator("#plan-page").get_attribute("data-plan-id")
    assert plan_id is not None

    await page.locator("#approve-form button").click()
    await expect(page.locator("#plan-status")).to_have_text("已审批")
    commitment = await page.locator("#seed-commitment").inner_text()
    assert len(commitment) == 64
    await page.locator("#draw-form button").click()
    await expect(page.locator("#plan-status")).to_have_text("已抽取")
    await expect(page.locator("#verification")).to_contain_text("核验通过")
    await expect(page.locator("#selections tbody tr")).to_have_count(2)
    await page.screenshot(path=screenshot_path("spotcheck-plan-drawn"), full_page=True)
    first = page.locator("#plan-tasks tbody tr").first
    uscc = (await first.locator(".text-secondary").first.inner_text()).strip()
    await first.locator("a").first.click()

    await expect(page.locator("#task-uscc")).to_have_text(uscc)
    for code in ("F1", "F2", "F3"):
        await answer(page, code, "CONFORMING", "CY-01")
    await page.locator('input[name=category][value="NO_PROBLEM"]').check()
    await page.locator("#record-submit").click()
    await expect(page.locator("#task-status")).to_have_text("已录入结果，待公示")
    await page.locator("#publish-submit").click()
    await expect(page.locator("#task-status")).to_have_text("已公示")

    public = await page.context.new_page()
    await public.goto(f"{server}/public/draws/{plan_id}")
    await expect(public.get_by_role("heading", name=name)).to_be_visible()
    await expect(public.get_by_text(commitment)).to_be_visible()
    await expect(public.get_by_text(uscc).first).to_be_visible()
    published = public.locator("tr").filter(has_text=uscc).filter(has_text="未发现问题")
    await expect(published).to_have_count(1)
    await expect(published).to_contain_text("中山区市场监督管理局")
    await public.screenshot(path=screenshot_path("spotcheck-public-draw"), full_page=True)
