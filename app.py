"""The ASGI application: /graphql, /admin, /public, /healthz."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin_ui import mount_admin
from middleware.body_limit import BodyLimit
from middleware.security_headers import SecurityHeaders
from public_ui import mount_public
from resolvers.graphiql import STATIC_PATH, static_app
from resolvers.http import GraphQLEndpoint
from services.notices import notice_events
from services.platform.db import Database
from services.platform.settings import Settings, load_settings

_log = logging.getLogger(__name__)


class ClientDisconnects:
    """A client that hangs up before its request was read (a load generator stopping, a browser
    leaving a slow page) is an everyday event, not a server error: one line, no traceback. The
    server would log the ClientDisconnect escaping the app as "Exception in ASGI application"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            _log.info("客户端已断开：%s %s", scope.get("method", ""), scope.get("path", ""))


class WorkerHeader:
    """Names the worker process in every HTTP response (X-Jianguan-Worker), so bench/workers.py
    can count how the workers shared the load. Installed only when JIANGUAN_WORKER_HEADER=1."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-jianguan-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, named if scope["type"] == "http" else send)


class Jianguan(Starlette):
    """The app. A POST to /graphql, the integrators' hot path, goes straight to its endpoint
    through the same outer middleware (a hang-up is one line); the router and starlette's error
    middleware, a tenth of a compiled read's time, add nothing there: the endpoint words its
    own errors, and the server answers anything unexpected with a 500 as starlette would.
    Security headers go on outside everything, starlette's own error pages included."""

    def __init__(self, graphql: ASGIApp, middleware: list[Middleware], production: bool, **kwargs: Any) -> None:
        super().__init__(middleware=middleware, **kwargs)
        self.graphql = graphql
        for cls, args, options in reversed(middleware):
            self.graphql = cls(self.graphql, *args, **options)
        self.secured = SecurityHeaders(self._dispatch, production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.secured(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/graphql" and scope["method"] == "POST":
            scope["app"] = self
            await self.graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def settle_heap() -> None:
    """What a process has built by the time it serves (the modules, the schema, the mappers) lives as
    long as it does: collected once, then kept out of the garbage collector's sight (gc.freeze), so
    that a full collection walks only what came after. Walking it took 95 ms, at about every
    hundredth search: the pause at the tail of the search bench's figures."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, db: Database | None = None) -> Starlette:
    settings = settings or load_settings()
    database = db or Database(
        settings.database_url, settings.secret_key, settings.db_pool_size, statement_timeout=settings.request_timeout
    )
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
        settle_heap()
        yield
        await notice_events.stop(database)
        if db is None:
            await database.dispose()

    app = Jianguan(
        graphql,
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
            Mount(STATIC_PATH, app=static_app()),  # GraphiQL's scripts and styles
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(ClientDisconnects),
            Middleware(BodyLimit, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes),
            *([Middleware(WorkerHeader)] if settings.worker_header else []),
        ],
        production=settings.production,
    )
    mount_public(app, database)
    mount_admin(app, database, settings)
    app.state.db = database
    app.state.settings = settings
    return app
