"""The ASGI application: /graphql, /admin, /public, /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from admin_ui import mount_admin
from public_ui import mount_public
from resolvers.graphiql import STATIC_PATH, static_app
from resolvers.http import GraphQLEndpoint
from services.notices import notice_events
from services.platform.db import Database
from services.platform.settings import Settings, load_settings


def create_app(settings: Settings | None = None, db: Database | None = None) -> Starlette:
    settings = settings or load_settings()
    database = db or Database(settings.database_url, settings.secret_key)
    graphql = GraphQLEndpoint(database, settings)

    async def healthz(request: Request) -> Response:
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await notice_events.stop(database)
        if db is None:
            await database.dispose()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
            Mount(STATIC_PATH, app=static_app()),  # GraphiQL's scripts and styles
        ],
        lifespan=lifespan,
    )
    mount_public(app, database)
    mount_admin(app, database, settings)
    app.state.db = database
    app.state.settings = settings
    return app
