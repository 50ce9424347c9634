"""The admin pages over HTTP: sign-in, CSRF, and who may reach what."""

from __future__ import annotations

import re
from typing import Any

import httpx

from services.db import Database
from services.settings import Settings
from tests.conftest import Api, DemoCity, make_client

CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


async def _csrf(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    token = await _csrf(client, "/admin/login")
    return await client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrftoken": token},
        follow_redirects=True,
    )


async def _list(client: httpx.AsyncClient, key: str, **params: Any) -> str:
    """A list page, as a browser gets it (server-rendered), 100 rows to a page."""
    response = await client.get(f"/admin/{key}/list", params={"page_size": 100, **params})
    assert response.status_code == 200, response.text
    return response.text


async def test_sign_in_and_out(api: Api, city: DemoCity) -> None:
    client = api.client
    assert (await client.get("/admin/")).status_code in (302, 303)
    wrong = await sign_in(client, "admin", "not-the-password")
    assert "用户名或密码错误" in wrong.text
    home = await sign_in(client, "admin", city.report.logins[0].password)
    assert home.status_code == 200 and "法人库概况" in home.text and "演示维护人员" in home.text
    token = await _csrf(client, "/admin/")
    await client.post("/admin/logout", data={"csrftoken": token})
    assert (await client.get("/admin/")).status_code in (302, 303)


async def test_a_post_without_the_csrf_token_is_refused(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"code": "CSRF-210202", "name": "伪造请求局", "level": "DISTRICT", "region_code": "210202"}
    refused = await client.post("/admin/department/create", data=form)
    assert refused.status_code == 403
    assert "CSRF-210202" not in await _list(client, "department", q="CSRF")
    # The same form with its token goes through, and through the department service.
    token = await _csrf(client, "/admin/department/create")
    accepted = await client.post("/admin/department/create", data={**form, "csrftoken": token})
    assert accepted.status_code in (302, 303)
    page = await _list(client, "department", q="CSRF")
    assert "CSRF-210202" in page and "伪造请求局" in page


async def test_a_department_user_is_refused_the_maintainers_pages(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[0].password)
    for key in ("api-token", "user", "audit-event", "department", "region"):
        assert (await client.get(f"/admin/{key}/list")).status_code == 403, key
    assert (await client.get("/admin/market-entity/list")).status_code == 200


async def test_a_department_user_sees_only_its_jurisdiction(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[0].password)
    page = await _list(client, "market-entity")
    assert set(re.findall(r"9[0-9A-Z]{17}", page)) == set(city.zhongshan)
    home = await client.get("/admin/")
    assert "中山区" in home.text and "西岗区" not in home.text
    query = "query($u: String!) { entity(uscc: $u) { name } }"
    name = (await api.data(query, {"u": city.xigang[0]}, city.tokens["city"]))["entity"]["name"]
    assert name not in await _list(client, "market-entity", q=city.xigang[0])
    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        assert name in await _list(maintainer, "market-entity", q=city.xigang[0])
