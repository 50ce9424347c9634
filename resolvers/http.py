"""GraphQL over HTTP: bearer-token authentication, context, and error shaping."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

import schema as schema_module
from resolvers import response_size
from resolvers.compiled import CompiledReads, asgi
from resolvers.compiled.persisted import PersistedQueries
from resolvers.graphiql import page_html
from resolvers.platform.auth import principal_for
from resolvers.platform.common import Refusal
from resolvers.platform.context import Context
from resolvers.request_json import JSON_TOO_DEEP, JSON_TOO_DEEP_MESSAGE, JsonTooDeep
from resolvers.request_json import loads as request_loads
from resolvers.response_media import negotiated, wants_graphql_response
from resolvers.websocket import TransportWSHandler
from services.platform.db import Database, unavailable
from services.platform.errors import DATABASE_UNAVAILABLE
from services.platform.principal import Principal
from services.platform.settings import Settings

_log = logging.getLogger("jianguan.compiled")
_log_db = logging.getLogger("jianguan.database")
# graphql-core and strawberry's limiters speak English; integrators get a
# stable code and people a Chinese message, whatever the library says.
_KNOWN: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"exceeds maximum operation depth of (\d+)"), "QUERY_TOO_DEEP", "查询嵌套过深：最多 {0} 层"),
    (re.compile(r"aliases found\. Allowed: (\d+)"), "TOO_MANY_ALIASES", "查询别名过多：最多 {0} 个"),
    (re.compile(r"more than (\d+) tokens"), "QUERY_TOO_LARGE", "查询过大：最多 {0} 个词法单元"),
    (re.compile(r"^Syntax Error: (.*)", re.S), "GRAPHQL_PARSE_FAILED", "查询语法错误：{0}"),
    (re.compile(r"^Variable '\$(\w+)'.*", re.S), "BAD_USER_INPUT", "变量 ${0} 的值无效：{msg}"),
]
# graphql-core quotes the whole submitted value back; it may hold identity numbers.
_ECHOED = [(re.compile(r" got invalid value .*?;", re.S), ":"), (re.compile(r", found: .*$", re.S), "")]


def _without_values(message: str) -> str:
    for pattern, replacement in _ECHOED:
        message = pattern.sub(replacement, message)
    return message


_VALIDATION = ("GRAPHQL_VALIDATION_FAILED", "查询无效：{msg}")


def _json(data: object) -> str:
    # ensure_ascii=False: each Chinese character costs 3 bytes instead of 6.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def shape_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if error.original_error is not None and unavailable(error.original_error):
        extensions["code"], formatted["message"] = DATABASE_UNAVAILABLE.code, DATABASE_UNAVAILABLE.message
    elif "code" not in extensions and error.message == schema_module.INTERNAL_ERROR_MESSAGE:
        extensions["code"] = "INTERNAL_ERROR"  # masked in production: nothing more to say
    elif "code" not in extensions:
        message = error.message
        for pattern, code, template in _KNOWN:
            match = pattern.search(message)
            if match:
                extensions["code"] = code
                formatted["message"] = template.format(*match.groups(), msg=_without_values(message))
                break
        else:
            # Without a cause and outside execution (no path), it is the document that is wrong.
            if error.original_error is None and error.path is None:
                extensions["code"], template = _VALIDATION
                formatted["message"] = template.format(msg=message)
            else:
                extensions["code"] = "INTERNAL_ERROR"
    formatted["extensions"] = extensions
    return formatted


TIMED_OUT = "REQUEST_TIMEOUT"


def timed_out_message(seconds: float) -> str:
    return f"请求超时：{seconds:g} 秒内未完成，已中止，未完成的修改均未保存；请缩小查询范围后重试"


def error_response(code: str, message: str, status: int) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(_json(body), status_code=status, media_type="application/json")


class _View(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(
            schema_module.build(settings.production, settings.introspection),
            # Off in production unless JIANGUAN_GRAPHIQL=1: a browser asking /graphql for a page then gets a 404.
            graphql_ide="graphiql" if settings.graphiql else None,
            # importRecords takes a file (GraphQL multipart request spec). Callers authenticate by
            # bearer token, never by cookie, so a cross-site form post reaches nothing as anyone.
            multipart_uploads_enabled=True,
            # Only the current protocol: its connection_init is where a websocket authenticates.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.db = db
        self.settings = settings
        self.ide_html = page_html()

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page: its scripts come from this server, not a CDN, and it explains the token header.
        return HTMLResponse(self.ide_html)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        principal = request.scope.get("state", {}).get("principal") or Principal.anonymous()
        return Context(db=self.db, settings=self.settings, principal=principal)

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,  # cross_web.AsyncHTTPRequestAdapter, strawberry's own dependency
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One operation within the request time limit: past it, the resolvers are cancelled (a
        change's transaction rolls back as its session closes) and the answer says so. A file
        upload (importRecords, up to 200 MB, committed a chunk at a time) is bounded by its size."""
        seconds = self.settings.request_timeout
        upload = (request_adapter.content_type or "").startswith("multipart/")
        try:
            async with asyncio.timeout(None if upload else seconds):
                return await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except TimeoutError:
            error = GraphQLError(timed_out_message(seconds), extensions={"code": TIMED_OUT})
            return ExecutionResult(data=None, errors=[error])

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [shape_error(error) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if (instead := response_size.too_large(len(response.body))) is not None:
            return super().create_response(instead, sub_response)
        # The database out of reach: 503, as from the endpoint (one place decides: _lost).
        answers = response_data if isinstance(response_data, list) else [response_data]
        if any(_lost(answer) for answer in answers):
            response.status_code = 503
        return response

    def encode_json(self, data: object) -> str:
        return _json(data)

    def parse_json(self, data: str | bytes) -> Any:
        # A body, GET's variables, a multipart request's operations: nesting bounded as for a JSON
        # POST; JsonTooDeep goes up to GraphQLEndpoint, which words it.
        try:
            return request_loads(data)
        except json.JSONDecodeError:
            return super().parse_json(data)  # not JSON: strawberry words its 400

    def decode_json(self, data: str | bytes) -> object:
        # A websocket message: too deep is a message that is not JSON, and the protocol closes the socket.
        try:
            return request_loads(data)
        except JsonTooDeep:
            raise json.JSONDecodeError(JSON_TOO_DEEP_MESSAGE, "", 0) from None


def _lost(answer: Any) -> bool:
    errors = (answer.get("errors") or []) if isinstance(answer, dict) else []
    return any(error.get("extensions", {}).get("code") == DATABASE_UNAVAILABLE.code for error in errors)


class GraphQLEndpoint:
    """Authenticates the bearer token once per request; a covered read is answered by the
    compiled path (resolvers.compiled), everything else by strawberry."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.view = _View(db, settings)
        self.compiled = CompiledReads(db, settings.max_page_size) if settings.compiled_reads else None
        self.persisted = PersistedQueries()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._serve(scope, receive, send)
            return
        if wants_graphql_response(scope):
            send = negotiated(send)  # both paths' answers, and the refusals here and below
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._serve(scope, receive, sending)
        except Exception as error:
            if not unavailable(error) or started:
                raise
            # Before anything ran (the token's lookup) or outside strawberry (a compiled read): the
            # same clear answer as a resolver gets, and one line in the log rather than a traceback.
            _log_db.warning("%s：%s", DATABASE_UNAVAILABLE.message, error)
            await error_response(DATABASE_UNAVAILABLE.code, DATABASE_UNAVAILABLE.message, 503)(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            found = await principal_for(self.db, Headers(scope=scope).get("authorization"))
            if isinstance(found, Refusal):
                response = error_response(found.code, found.message, 401)
                if scope["type"] == "http":
                    await response(scope, receive, send)
                else:
                    await _deny_upgrade(WebSocket(scope, receive, send), response)
                return
            # A websocket without the header may still authenticate in its connection_init.
            scope.setdefault("state", {})["principal"] = found
            if asgi.wants_json_post(scope):
                await self._post(scope, receive, send, found)
                return
            if scope["type"] == "http":
                send = asgi.marked(send, asgi.EXECUTED)
        await self._executed(scope, receive, send)

    async def _executed(self, scope: Scope, receive: Receive, send: Send) -> None:
        """strawberry's answer; JSON nested too deep in what it parses is a 400 with its code."""
        try:
            await self.view(scope, receive, send)
        except JsonTooDeep:
            await error_response(JSON_TOO_DEEP, JSON_TOO_DEEP_MESSAGE, 400)(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send, principal: Principal) -> None:
        """A JSON request, read once: a persisted query's text found by its hash, then the compiled
        path's answer if it has one, else strawberry's."""
        body, complete = await asgi.read_body(receive)
        request: Any = None
        if complete:
            try:
                request = request_loads(body)
            except ValueError:
                request = None
            except JsonTooDeep:
                await error_response(JSON_TOO_DEEP, JSON_TOO_DEEP_MESSAGE, 400)(scope, receive, send)
                return
            resolved = self.persisted.resolve(request)
            if isinstance(resolved, Refusal):
                await error_response(resolved.code, resolved.message, 200)(scope, receive, send)
                return
            if resolved is not request:
                request, body = resolved, _json(resolved).encode()
        try:
            async with asyncio.timeout(self.settings.request_timeout):
                answer = await self._compiled_answer(principal, request) if complete else None
        except TimeoutError:
            message = timed_out_message(self.settings.request_timeout)
            await error_response(TIMED_OUT, message, 200)(scope, receive, send)
            return
        if answer is None:
            await self._executed(scope, asgi.replay(body, complete, receive), asgi.marked(send, asgi.EXECUTED))
            return
        status = 200
        if (instead := response_size.too_large(len(answer))) is not None:
            answer = _json(instead).encode()  # the ordinary path refuses it too, without a comparable size
        elif self.settings.check_compiled_reads:
            answer, status = await asgi.checked(answer, lambda: asgi.executed_body(self.view, scope, body), request)
        await asgi.send_json(send, answer, status=status)

    async def _compiled_answer(self, principal: Principal, request: Any) -> bytes | None:
        if self.compiled is None:
            return None
        try:
            return await self.compiled.answer(principal, request)
        except Exception as error:
            if unavailable(error):
                raise  # the ordinary path would not reach the database either: answered as such above
            _log.exception("compiled read failed; the ordinary path answers")
            return None


async def _deny_upgrade(websocket: WebSocket, response: Response) -> None:
    """The same 401 as over HTTP where the server can send one, else a plain refusal (HTTP 403)."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(response)
    else:
        await websocket.close(code=4403)


__all__ = ["GraphQLEndpoint", "error_response", "shape_error"]
