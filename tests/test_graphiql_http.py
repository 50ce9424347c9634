"""GraphiQL's page and files over HTTP: everything it loads comes from the app, in development and
in production alike, and the files may be cached for a year."""

from __future__ import annotations

import re

import httpx
import pytest

from services.platform.db import Database
from services.platform.settings import Settings
from tests.conftest import ROOT, make_client

STATIC = ROOT / "resolvers" / "graphiql" / "static"


async def _page_and_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Authorization: Bearer &lt;令牌&gt;" in page.text and "manage.py token create" in page.text
    loaded = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]*)"', page.text)
    scripts_and_styles = [url for url in loaded if not url.startswith("data:")]
    # GraphiQL's script and styles, React's two scripts, and the page's own script and styles.
    assert len(scripts_and_styles) == 6, loaded
    assert all(url.startswith("/graphql/static/") for url in scripts_and_styles), scripts_and_styles
    assert "https://" not in page.text and "http://" not in page.text

    for url in scripts_and_styles:
        name = url.rsplit("/", 1)[1]
        plain = await client.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200, url
        assert plain.content == (STATIC / name).read_bytes()
        assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
        if len(plain.content) < 1024:
            continue  # below GZipMiddleware's minimum size: sent as it is
        squeezed = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert squeezed.headers["content-encoding"] == "gzip"
        assert squeezed.content == plain.content  # httpx inflates it
        assert squeezed.num_bytes_downloaded < len(plain.content) * 0.7, url  # the CSS holds its fonts (woff)

    missing = await client.get("/graphql/static/graphiql.min.js")
    assert missing.status_code == 404


async def test_graphiql_loads_only_files_of_the_app(settings: Settings, db: Database) -> None:
    async with make_client(settings, db) as client:
        await _page_and_files(client)


@pytest.fixture
def production(settings: Settings) -> Settings:
    return Settings(settings.database_url, settings.secret_key, env="production")


async def test_production_serves_the_same_graphiql(production: Settings, db: Database) -> None:
    async with make_client(production, db) as client:
        await _page_and_files(client)


async def test_the_static_route_serves_no_file_outside_its_folder(settings: Settings, db: Database) -> None:
    async with make_client(settings, db) as client:
        for attempt in ("/graphql/static/../__init__.py", "/graphql/static/%2e%2e/page.html"):
            response = await client.get(attempt)
            assert response.status_code == 404, attempt
