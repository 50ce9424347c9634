"""403, 404 and (in production) 500 in the admin: Chinese, inside the layout, saying why and
where to go."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from playwright.async_api import Browser, expect
from sqlmodel import col, select

from app import create_app
from models import MarketEntity
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import SECRET, Api, DemoCity
from tests.support.admin import sign_in, staff_password
from tests.support.browser import browser, screenshot_path, server
from tests.support.browser import sign_in as browser_sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


def _reason(page: httpx.Response) -> str:
    found = re.search(r'id="error-reason">(.*?)</p>', page.text, re.S)
    assert found, page.text[:500]
    return html.unescape(found.group(1)).strip()


def _speaks_chinese_only(page: httpx.Response) -> None:
    for english in ("Oops", "Forbidden", "Not Found", "Take me home", "Internal Server Error"):
        assert english not in page.text, english
    assert "返回首页" in page.text and "返回上一页" in page.text


async def test_a_department_user_is_told_why_a_page_is_closed_to_them(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    page = await client.get("/admin/user/list")
    assert page.status_code == 403
    assert _reason(page) == "没有权限：此页面仅限维护人员"
    _speaks_chinese_only(page)
    # Inside the layout: the sidebar with this user's own menu, and the header with the user menu.
    assert '<aside class="navbar navbar-vertical' in page.text and "告知收件箱" in page.text
    assert "修改密码" in page.text and "退出登录" in page.text


async def test_a_missing_record_and_a_missing_page_say_so(api: Api, db: Database, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    # An entity outside the district's jurisdiction reads as absent: the row policy hides it.
    async with db.session(Principal.system()) as session:
        elsewhere = await session.scalar(select(MarketEntity.id).where(col(MarketEntity.uscc) == city.xigang[0]))
    for pk in ("999999999", str(elsewhere)):
        page = await client.get("/admin/market-entity/detail", params={"pk": pk})
        assert page.status_code == 404, pk
        assert _reason(page) == "找不到这条记录，它可能已被删除或不在你的管辖范围内"
        _speaks_chinese_only(page)
        assert '<aside class="navbar navbar-vertical' in page.text
    page = await client.get("/admin/no-such-page/here")
    assert page.status_code == 404 and _reason(page) == "找不到这个页面，请检查网址是否正确"
    _speaks_chinese_only(page)


async def test_an_unexpected_error_in_production_gets_the_chinese_page(
    database_url: str, db: Database, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=database_url, secret_key=SECRET, env="production", check_error_codes=True)

    async def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("admin_ui.views.dashboard.stock", broken)  # what the home reads first
    transport = httpx.ASGITransport(app=create_app(settings, db), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        await sign_in(client, "admin", city.report.logins[0].password)
        page = await client.get("/admin/")
    assert page.status_code == 500
    assert _reason(page).startswith("服务器处理这个请求时出错")
    assert "a bug" not in page.text and "Traceback" not in page.text
    _speaks_chinese_only(page)


async def test_the_error_pages_in_a_browser(browser: Browser, server: str, city: DemoCity) -> None:
    page = await browser_sign_in(browser, server, "scjg-210202", staff_password(city))
    await page.goto(f"{server}/admin/user/list")
    await expect(page.locator("#error-reason")).to_have_text("没有权限：此页面仅限维护人员")
    await expect(page.locator("aside.navbar-vertical")).to_be_visible()
    await expect(page.get_by_role("link", name="返回首页")).to_be_visible()
    await page.screenshot(path=screenshot_path("error-403"), full_page=True)
    await page.goto(f"{server}/admin/market-entity/detail?pk=999999999")
    await expect(page.locator("#error-reason")).to_have_text("找不到这条记录，它可能已被删除或不在你的管辖范围内")
    await page.screenshot(path=screenshot_path("error-404"), full_page=True)
    await page.get_by_role("link", name="返回首页").click()
    await page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/admin")
