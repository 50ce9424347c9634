"""Headless Chromium (Debian's package) driven by Playwright, against a real server process."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import BACKEND, ROOT, DemoCity
from tests.support.server import serve

CHROMIUM = os.environ.get("JIANGUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots" / BACKEND
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM}); `make test` installs it when run as root")
    return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))


def screenshot_path(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_or_skip()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def server(database_url: str, city: DemoCity) -> AsyncIterator[str]:
    async for base in serve(database_url):
        yield base


async def sign_in(browser: Browser, base: str, username: str, password: str) -> Page:
    context = await browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-US", timezone_id="America/New_York"
    )
    page = await context.new_page()
    await page.goto(f"{base}/admin/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_load_state("networkidle")
    return page
