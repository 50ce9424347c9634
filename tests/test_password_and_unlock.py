"""修改密码 for every signed-in user, and 解除锁定 by maintainers only."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect
from sqlmodel import col, select

from models import User
from services.accounts.lockout import MAX_FAILED_LOGINS
from services.accounts.sign_in import sign_in as sign_in_service
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, sign_in, staff_password
from tests.support.audit import audit_count, last_audit
from tests.support.browser import browser, screenshot_path, server
from tests.support.browser import sign_in as browser_sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

NEW = "a-brand-new-password"


async def _user(db: Database, username: str) -> User:
    async with db.session(Principal.system()) as session:
        user = await session.scalar(select(User).where(col(User.username) == username))
        assert user is not None
        return user


async def _change(client: object, old: str, new: str, again: str) -> tuple[int, str]:
    assert hasattr(client, "post")
    token = await csrf(client, "/admin/password")  # type: ignore[arg-type]
    form = {"old_password": old, "new_password": new, "new_password_again": again, "csrftoken": token}
    page = await client.post("/admin/password", data=form)
    return page.status_code, page.text


def _feedback(page: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback">(.*?)</div>', page)


async def test_a_user_changes_their_own_password(api: Api, settings: Settings, db: Database, city: DemoCity) -> None:
    old = staff_password(city)
    client = api.client
    home = await sign_in(client, "scjg-210203", old)
    assert 'href="http://testserver/admin/password"' in home.text and "修改密码" in home.text
    async with make_client(settings, db) as elsewhere:
        await sign_in(elsewhere, "scjg-210203", old)
        before = await audit_count(db)
        # Refused, each reason beside its field, in Chinese; nothing stored.
        status, page = await _change(client, "not-my-password", NEW, NEW)
        assert status == 422 and _feedback(page) == ["原密码不正确"]
        # A wrong old password is a failed attempt, audited and counted as at sign-in.
        failed = await last_audit(db)
        assert (failed.action, failed.object_id) == ("user.password_change_failed", "scjg-210203")
        assert (await _user(db, "scjg-210203")).failed_logins == 1
        status, page = await _change(client, old, NEW, NEW + "x")
        assert status == 422 and _feedback(page) == ["两次输入的新密码不一致"]
        status, page = await _change(client, old, "short", "short")
        assert status == 422 and _feedback(page) == ["密码至少 10 个字符"]
        assert await audit_count(db) == before + 1
        # Accepted: audited as the user, this session carries on, the others end.
        status, page = await _change(client, old, NEW, NEW)
        assert status == 200 and "密码已修改" in page
        event = await last_audit(db)
        assert (event.action, event.object_id, event.actor) == ("user.password_changed", "scjg-210203", "scjg-210203")
        assert (await client.get("/admin/")).status_code == 200
        assert (await elsewhere.get("/admin/")).status_code in (302, 303)
    # Only the new password signs in now.
    assert (await sign_in_service(db, "scjg-210203", old)).user is None
    assert (await sign_in_service(db, "scjg-210203", NEW)).user is not None
    # The other department users' shared demo password is untouched.
    assert (await sign_in_service(db, "scjg-210202", old)).user is not None


async def _lock(db: Database, username: str) -> None:
    for n in range(MAX_FAILED_LOGINS):
        await sign_in_service(db, username, f"wrong-{n}")
    assert (await _user(db, username)).locked_until is not None


async def test_a_maintainer_unlocks_a_locked_user(api: Api, settings: Settings, db: Database, city: DemoCity) -> None:
    await _lock(db, "scjg-210204")
    locked = await _user(db, "scjg-210204")
    assert "锁定" in str((await sign_in_service(db, "scjg-210204", staff_password(city))).message)
    # A department user neither sees the users page nor gets anywhere with a forged request.
    async with make_client(settings, db) as staff:
        await sign_in(staff, "scjg-210202", staff_password(city))
        assert (await staff.get("/admin/user/list")).status_code == 403
        detail = await staff.get(f"/admin/user/detail?pk={locked.id}")
        assert detail.status_code == 403 and "解除锁定" not in detail.text
        token = await csrf(staff, "/admin/")
        forged = await staff.post(
            "/admin/_api/user/row-action", params={"name": "unlock", "pk": str(locked.id)}, data={"csrftoken": token}
        )
        assert forged.status_code in (400, 403) and "redirect" not in forged.text
        assert (await _user(db, "scjg-210204")).locked_until is not None
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    users = await client.get("/admin/user/list", params={"page_size": 100})
    rows = {pk: row for pk, row in re.findall(r'<tr data-sa-pk="(\d+)"(.*?)</tr>', users.text, re.S)}
    assert "解除锁定" in rows[str(locked.id)]
    assert "解除锁定" not in rows[str((await _user(db, "scjg-210202")).id)], "only a locked user's row offers it"
    detail = await client.get(f"/admin/user/detail?pk={locked.id}")
    assert "解除锁定" in detail.text
    token = await csrf(client, "/admin/user/list")
    done = await client.post(
        "/admin/_api/user/row-action", params={"name": "unlock", "pk": str(locked.id)}, data={"csrftoken": token}
    )
    assert done.status_code == 200 and "redirect" in done.json(), done.text
    event = await last_audit(db)
    assert (event.action, event.object_id, event.actor) == ("user.unlocked", "scjg-210204", "admin")
    assert (await sign_in_service(db, "scjg-210204", staff_password(city))).user is not None


async def test_the_password_page_is_in_the_user_menu(browser: Browser, server: str, city: DemoCity) -> None:
    page = await browser_sign_in(browser, server, "scjg-210203", staff_password(city))
    await page.locator("header").get_by_label("Open user menu").click()
    await page.locator("header").get_by_role("link", name="修改密码").click()
    await expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    await page.fill("#old_password", staff_password(city))
    await page.fill("#new_password", NEW)
    await page.fill("#new_password_again", NEW + "!")
    await page.get_by_role("button", name="修改密码").click()
    await expect(page.get_by_text("两次输入的新密码不一致")).to_be_visible()
    await page.screenshot(path=screenshot_path("password-change-error"), full_page=True)
    await page.fill("#old_password", staff_password(city))
    await page.fill("#new_password", NEW)
    await page.fill("#new_password_again", NEW)
    await page.get_by_role("button", name="修改密码").click()
    await expect(page.locator("#password-changed")).to_contain_text("密码已修改")


async def test_guessing_the_old_password_locks_the_account_and_ends_the_session(
    api: Api, db: Database, city: DemoCity
) -> None:
    """A stolen session cannot try passwords without end on the password page: the guesses
    count as sign-in failures do, and the lock ends the session and bars the right password."""
    right = staff_password(city)
    client = api.client
    await sign_in(client, "scjg-210203", right)
    for n in range(MAX_FAILED_LOGINS - 1):
        status, page = await _change(client, f"guess-{n}", NEW, NEW)
        assert status == 422 and _feedback(page) == ["原密码不正确"]
    status, page = await _change(client, "guess-last", NEW, NEW)
    assert status == 422 and "登录失败次数过多，账户已锁定" in page
    locked = await last_audit(db)
    assert (locked.action, locked.object_id) == ("user.locked", "scjg-210203")
    assert (await client.get("/admin/")).status_code in (302, 303)  # the session ended
    refused = await sign_in_service(db, "scjg-210203", right)
    assert refused.user is None and "账户已锁定" in (refused.message or "")
    # The guesses changed nothing else: once a maintainer unlocks, the old password still signs in.
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/user/list")
    pk = str((await _user(db, "scjg-210203")).id)
    unlock = {"name": "unlock", "pk": pk}
    done = await client.post("/admin/_api/user/row-action", params=unlock, data={"csrftoken": token})
    assert done.status_code == 200, done.text
    assert (await sign_in_service(db, "scjg-210203", right)).user is not None
