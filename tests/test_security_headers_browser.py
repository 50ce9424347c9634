"""The Content-Security-Policy as a real browser enforces it: the admin's pages (starlette-admin's
scripts and ours) and GraphiQL work under it, and the browser reports no violation."""

from __future__ import annotations

from playwright.async_api import Browser, ConsoleMessage, Page, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, server, sign_in

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)


def _watch(page: Page) -> list[str]:
    """The page's CSP violations: console errors, and the securitypolicyviolation events."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    return seen


async def _violations(page: Page) -> list[str]:
    found: list[str] = await page.evaluate("() => window.__violations || []")
    return found


RECORD = (
    "window.__violations = []; document.addEventListener('securitypolicyviolation',"
    " (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


async def test_the_admin_and_graphiql_run_under_the_policy_without_a_violation(
    browser: Browser, server: str, city: DemoCity
) -> None:
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    await page.context.add_init_script(script=RECORD)
    seen = _watch(page)
    pages = [
        "/admin/",
        "/admin/market-entity/list",
        f"/admin/market-entity/list?q={city.zhongshan[0]}",
        "/admin/department/create",
        "/admin/audit-event/list",
        "/admin/result-categories",
        "/admin/spot-check-plans",
        "/admin/market-entity/detail?pk=abc",  # the 404 page
    ]
    for path in pages:
        response = await page.goto(f"{server}{path}")
        assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
        await page.wait_for_load_state("networkidle")
        assert await _violations(page) == [], path
    # starlette-admin's list page ran its inline script (initListPage): the table is filled.
    await page.goto(f"{server}/admin/market-entity/list")
    await expect(page.locator("table tbody tr").first).to_be_visible()
    assert await _violations(page) == []

    graphiql = await page.context.new_page()
    seen += _watch(graphiql)
    response = await graphiql.goto(f"{server}/graphql")
    assert response is not None and "'nonce-" in response.headers["content-security-policy"]
    await expect(graphiql.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    await expect(graphiql.locator("#token-help")).to_contain_text("Authorization: Bearer")
    await graphiql.locator(".graphiql-execute-button").click()
    await expect(graphiql.locator(".result-window")).to_contain_text('"code"')
    await graphiql.wait_for_load_state("networkidle")
    assert await _violations(graphiql) == []
    assert seen == [], seen


async def test_the_policy_is_enforced(browser: Browser, server: str, city: DemoCity) -> None:
    """An inline script without the page's nonce is refused (the policy is not merely sent)."""
    page = await sign_in(browser, server, "admin", city.report.logins[0].password)
    seen = _watch(page)
    await page.goto(f"{server}/admin/")
    ran = await page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); return window.__ran === 1; }"
    )
    assert ran is False
    assert any("Content Security Policy" in text for text in seen), seen
