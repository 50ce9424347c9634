"""The admin pages over HTTP: CSRF tokens, signing in, list pages, the demo logins."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import DemoCity

CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


async def csrf(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    token = await csrf(client, "/admin/login")
    return await client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrftoken": token},
        follow_redirects=True,
    )


async def list_page(client: httpx.AsyncClient, key: str, **params: Any) -> str:
    """A list page, as a browser gets it (server-rendered), 100 rows to a page."""
    response = await client.get(f"/admin/{key}/list", params={"page_size": 100, **params})
    assert response.status_code == 200, (
        re.findall(r"alert[^>]*>\s*([^<]{0,200})", response.text) or response.status_code
    )
    return response.text


def staff_password(city: DemoCity) -> str:
    return city.report.logins[1].password
