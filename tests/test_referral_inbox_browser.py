"""联动告知 in a real headless Chromium: a district regulator sends a referral from the page, the
district health bureau acknowledges and handles it, the sender reads the outcome; a revoked license's
automatic referral waits in the registration authority's inbox; a maintainer only looks.

Rows are found by the entity's USCC, never by how many referrals the demo seed leaves in an inbox.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from services.platform.db import Database
from tests.conftest import DemoCity
from tests.support.admin import staff_password
from tests.support.api import server_data
from tests.support.audit import last_audit
from tests.support.browser import browser, screenshot_path, server, sign_in
from tests.support.records import LICENSE, PENALTY, license, penalty

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

AUTHORITY = "query($u: String!) { entity(uscc: $u) { registrationAuthority { code name } } }"
FINDING = "日常检查发现该店后厨无防蝇设施、从业人员未持健康证明，属贵局职责，请依法处理。"


async def gql(base: str, token: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = next(iter((await server_data(base, token, document, variables)).values()))
    assert payload["errors"] == [], payload
    return payload


async def open_referrals(page: Page, base: str, uscc: str, **params: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"uscc": uscc, **params}.items())
    await page.goto(f"{base}/admin/referral-inbox?{query}")
    await expect(page.get_by_role("heading", name="联动告知")).to_be_visible()


def rows(page: Page) -> Locator:
    return page.locator("#referrals tbody tr[data-referral-id]")


async def test_send_acknowledge_and_handle_a_referral(
    browser: Browser, server: str, city: DemoCity, db: Database
) -> None:
    uscc = city.zhongshan_without_records[1]
    sender = await sign_in(browser, server, "scjg-210202", staff_password(city))
    await sender.goto(f"{server}/admin/referral-inbox")
    await expect(sender.get_by_role("heading", name="联动告知")).to_be_visible()
    await sender.locator("#send-referral summary").click()
    form = sender.locator("form.send-form")
    await form.locator("input[name=uscc]").fill(uscc)
    await form.locator("select[name=to_department_code]").select_option("WJ-210202")
    await form.locator("select[name=reason]").select_option(label="检查发现其他部门职责内的问题")
    await sender.screenshot(path=screenshot_path("referral-send-form"), full_page=True)
    # Without a message: refused, said beside the form, what was typed kept.
    await form.get_by_role("button", name="发送").click()
    await expect(sender.locator("#referral-error")).to_have_text("发送联动告知：告知内容不能为空")
    form = sender.locator("form.send-form")
    await expect(form.locator("input[name=uscc]")).to_have_value(uscc)
    await expect(form.locator("select[name=to_department_code]")).to_have_value("WJ-210202")
    await form.locator("textarea[name=message]").fill(FINDING)
    await form.get_by_role("button", name="发送").click()
    await expect(sender.get_by_text("·检查发现其他部门职责内的问题：已发送联动告知")).to_be_visible()
    await expect(sender.locator("#referral-tabs .active")).to_have_text("发出的")
    sent = rows(sender).filter(has_text=FINDING)
    await expect(sent).to_have_count(1)
    await expect(sent).to_contain_text(uscc)
    await expect(sent.locator(".referral-status")).to_have_text("已发送")
    await expect(sent.locator(".referral-actions")).to_have_text("等待对方办理")
    referral_id = await sent.get_attribute("data-referral-id")
    assert referral_id is not None
    event = await last_audit(db, "referral.sent")
    assert (event.object_id, event.department_code) == (referral_id, "SCJG-210202")

    recipient = await sign_in(browser, server, "wj-210202", staff_password(city))
    await open_referrals(recipient, server, uscc)
    await expect(recipient.locator("#referral-tabs .active")).to_have_text("收到的")
    received = recipient.locator(f"#referral-{referral_id}")
    await expect(received.locator(".referral-parties")).to_contain_text("中山区市场监督管理局")
    await expect(received.locator(".referral-message")).to_contain_text(FINDING)
    await recipient.screenshot(path=screenshot_path("referral-received"), full_page=True)
    await received.get_by_role("button", name="签收").click()
    await expect(recipient.get_by_text("·检查发现其他部门职责内的问题：已签收")).to_be_visible()
    received = recipient.locator(f"#referral-{referral_id}")
    await expect(received.locator(".referral-status")).to_have_text("已签收")
    await expect(received.get_by_role("button", name="签收")).to_have_count(0)

    await received.locator("summary", has_text="办结").click()
    await received.locator("form.handle-form").get_by_role("button", name="确认办结").click()
    await expect(recipient.locator("#referral-error")).to_contain_text("办理结果不能为空")
    received = recipient.locator(f"#referral-{referral_id}")
    await expect(received.locator(".action-error")).to_have_text("办理结果不能为空")
    await received.locator("textarea[name=outcome]").fill("已现场检查，责令限期整改，从业人员已办理健康证明")
    await received.locator("form.handle-form").get_by_role("button", name="确认办结").click()
    await expect(recipient.get_by_text("·检查发现其他部门职责内的问题：已办结")).to_be_visible()
    received = recipient.locator(f"#referral-{referral_id}")
    await expect(received.locator(".referral-status")).to_have_text("已办结")
    await expect(received.locator(".referral-outcome")).to_have_text(
        "办理结果：已现场检查，责令限期整改，从业人员已办理健康证明"
    )
    await recipient.screenshot(path=screenshot_path("referral-handled"), full_page=True)

    await open_referrals(sender, server, uscc, direction="SENT")
    sent = sender.locator(f"#referral-{referral_id}")
    await expect(sent.locator(".referral-status")).to_have_text("已办结")
    await expect(sent.locator(".referral-actions")).to_have_text("对方已办结")
    await expect(sent.locator(".referral-outcome")).to_contain_text("责令限期整改")


async def test_a_revoked_license_reaches_the_registration_authority_and_a_maintainer_only_looks(
    browser: Browser, server: str, city: DemoCity
) -> None:
    uscc, number = city.zhongshan_without_records[0], "卫公证字〔2026〕第 210202-0077 号"
    await gql(server, city.tokens["district_health"], LICENSE, {"i": license(uscc, licenseNumber=number)})
    revoking = penalty(uscc, documentNumber="大卫罚〔2026〕77 号", categories=["LICENSE_REVOCATION"], fineAmount=None,
                       revokedLicenseNumber=number, content=f"吊销公共场所卫生许可证（{number}）")  # fmt: skip
    await gql(server, city.tokens["city_health"], PENALTY, {"i": revoking})

    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        response = await client.post(
            "/graphql",
            json={"query": AUTHORITY, "variables": {"u": uscc}},
            headers={"Authorization": f"Bearer {city.tokens['maintainer']}"},
        )
    registered_by = response.json()["data"]["entity"]["registrationAuthority"]
    authority = await sign_in(browser, server, registered_by["code"].lower(), staff_password(city))
    await open_referrals(authority, server, uscc)
    await expect(rows(authority)).to_have_count(1)
    automatic = rows(authority).first
    await expect(automatic.locator(".referral-reason")).to_have_text("许可证件被吊销")
    await expect(automatic.locator(".referral-parties")).to_contain_text("大连市卫生健康委员会")
    await expect(automatic.locator(".referral-message")).to_contain_text("大卫罚〔2026〕77 号")
    await expect(automatic.locator(".referral-message")).to_contain_text(f"许可：公共场所卫生许可证 {number}")
    await expect(automatic.get_by_role("button", name="签收")).to_be_visible()
    await authority.screenshot(path=screenshot_path("referral-license-revoked"), full_page=True)
    # Filtered to what still waits for acknowledgement, then to another reason: gone.
    await authority.locator("#referral-filter select[name=status]").select_option("SENT")
    await authority.get_by_role("button", name="筛选").click()
    await expect(rows(authority)).to_have_count(1)
    await authority.locator("#referral-filter select[name=reason]").select_option("MANUAL")
    await authority.get_by_role("button", name="筛选").click()
    await expect(authority.locator("#referrals tbody")).to_have_text("没有符合条件的联动告知")

    maintainer = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await open_referrals(maintainer, server, uscc)
    await expect(maintainer.locator("#read-only")).to_contain_text("须由部门的用户办理")
    # Only the registration authority: no department claimed a notice of this entity.
    await expect(rows(maintainer)).to_have_count(1)
    await expect(rows(maintainer).locator(".referral-parties")).to_contain_text(f"→ {registered_by['name']}")
    await expect(maintainer.locator("#referrals").get_by_role("button")).to_have_count(0)
    await expect(maintainer.locator("#send-referral")).to_have_count(0)
    await maintainer.screenshot(path=screenshot_path("referral-maintainer"), full_page=True)
