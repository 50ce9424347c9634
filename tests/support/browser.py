"""Headless Chromium (Debian's package) driven by Playwright, against a real server process."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import BACKEND, ROOT, SECRET, DemoCity

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def serve(database_url: str) -> AsyncIterator[str]:
    """The app in its own uvicorn process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "JIANGUAN_DATABASE_URL": database_url, "JIANGUAN_SECRET_KEY": SECRET}
    server = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "serve", "--port", str(port),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=1) as probe:
            for _ in range(150):
                try:
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    if server.returncode is not None:  # it died: say so now rather than wait 30 s
                        raise AssertionError(f"the server exited with status {server.returncode}") from None
                    await asyncio.sleep(0.2)
            else:
                raise AssertionError("the server did not come up")
        yield base
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()


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
