"""一单两库's admin pages as a browser posts them: a create form with its CSRF token."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.admin import csrf


async def create(client: httpx.AsyncClient, key: str, form: dict[str, Any]) -> httpx.Response:
    """Post the create form of the `key` list page (a redirect when it was stored)."""
    token = await csrf(client, f"/admin/{key}/create")
    return await client.post(f"/admin/{key}/create", data={**form, "csrftoken": token})


def stored(response: httpx.Response) -> bool:
    return response.status_code in (302, 303)
