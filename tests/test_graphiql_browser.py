"""GraphiQL on a network without the internet: a real headless Chromium may reach only the app, and
the page still loads, explains the token header, runs a query with the demo token and shows the
schema's descriptions in its documentation explorer."""

from __future__ import annotations

from playwright.async_api import Browser, Page, Route, expect

from tests.conftest import DemoCity
from tests.support.browser import browser, screenshot_path, server

__all__ = ["browser", "server"]  # the shared fixtures (tests/support/browser.py)

PLACEHOLDER = "Bearer 在此粘贴令牌"


async def _offline_page(browser: Browser, base: str) -> tuple[Page, list[str]]:
    """A page for which every host but the app's is unreachable; returns the URLs it tried elsewhere."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    elsewhere: list[str] = []

    async def only_the_app(route: Route) -> None:
        url = route.request.url
        if url == base or url.startswith(base + "/"):
            await route.continue_()
        else:
            elsewhere.append(url)
            await route.abort("internetdisconnected")

    await context.route("**/*", only_the_app)
    page = await context.new_page()
    ws_base = base.replace("http", "ws", 1)
    page.on("websocket", lambda ws: None if ws.url.startswith(ws_base + "/") else elsewhere.append(ws.url))
    return page, elsewhere


async def _set_editor(page: Page, editor: str, text: str) -> None:
    """Replace the text of a GraphiQL editor ("query" or "headers"), as pasting would."""
    # The headers tab is open (the page opens it); the variables editor beside it is hidden.
    selector = (
        ".graphiql-query-editor .CodeMirror"
        if editor == "query"
        else ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
    )
    await page.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [selector, text],
    )


async def _run(page: Page) -> None:
    await page.locator(".graphiql-execute-button").click()


async def test_graphiql_runs_a_query_and_shows_the_docs_with_only_the_app_reachable(
    browser: Browser, server: str, city: DemoCity
) -> None:
    page, elsewhere = await _offline_page(browser, server)
    await page.goto(f"{server}/graphql")
    await expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()

    help_bar = page.locator("#token-help")
    await expect(help_bar).to_contain_text("Authorization: Bearer <令牌>")
    await help_bar.locator("summary").click()
    await expect(help_bar).to_contain_text("python manage.py token create --department")
    headers = page.locator(".graphiql-editor-tool")
    await expect(headers).to_contain_text(PLACEHOLDER)

    # The placeholder left as it is is not sent: the query runs anonymously, and the answer says
    # a token is needed (a placeholder sent would be refused whole as INVALID_AUTHORIZATION).
    await _set_editor(page, "query", "{ viewer { kind } }")
    await _run(page)
    result = page.locator(".result-window")
    await expect(result).to_contain_text('"code": "UNAUTHENTICATED"')

    # With the demo maintainer's token pasted, the same editor sees the city.
    await _set_editor(page, "headers", f'{{"Authorization": "Bearer {city.tokens["maintainer"]}"}}')
    await _set_editor(page, "query", f'{{ viewer {{ role }} entity(uscc: "{city.zhongshan[0]}") {{ uscc name }} }}')
    await _run(page)
    await expect(result).to_contain_text('"role": "MAINTAINER"')
    await expect(result).to_contain_text(city.zhongshan[0])
    await page.screenshot(path=screenshot_path("graphiql-query"))

    # The documentation explorer: the root query's fields, then a type with its description.
    await page.get_by_role("button", name="Show Documentation Explorer").click()
    docs = page.locator(".graphiql-doc-explorer")
    await docs.get_by_role("link", name="Query", exact=True).click()
    await expect(docs).to_contain_text("法人库列表")
    await docs.get_by_role("link", name="entity", exact=True).click()
    await docs.get_by_role("link", name="MarketEntity", exact=True).first.click()
    await expect(docs).to_contain_text("市场主体 / A registered company")
    await expect(docs).to_contain_text("统一社会信用代码")
    await page.screenshot(path=screenshot_path("graphiql-docs"))

    # As the page says: the token is not kept in the browser (a shared office computer). GraphiQL
    # has stored the tab that ran the query (it names the entity), but not its token.
    uscc = city.zhongshan[0]
    await page.wait_for_function(f"() => Object.values(localStorage).some((v) => v.includes('{uscc}'))")
    stored = await page.evaluate("() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })")
    assert city.tokens["maintainer"] not in stored and PLACEHOLDER in stored

    assert elsewhere == [], f"the page tried to reach beyond the app: {elsewhere}"
