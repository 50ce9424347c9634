"""GraphQL over HTTP: bearer-token authentication, context, and error shaping."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.datastructures import Headers, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

import schema as schema_module
from middleware.body_limit import withdraw_upload_allowance
from middleware.responses import Watched
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


BAD_REQUEST = "BAD_REQUEST"
SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET"
SUBSCRIPTION_NEEDS_WEBSOCKET_MESSAGE = (
    "订阅须通过 WebSocket（graphql-transport-ws 协议）连接 /graphql，不能用普通 HTTP 请求"
)
# graphql-core's Name: what an operationName can be, so anything else names no operation.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


class RequestRefused(Exception):
    """A request that is not a GraphQL request at all: answered 400 with a code, never a 500."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _bad_request(message: str) -> RequestRefused:
    return RequestRefused(BAD_REQUEST, message)


# strawberry's own refusals of a malformed request, in English: in people's words, with a code.
_STRAWBERRY_REASONS = {
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询（query）",
    "Unsupported content type": "不支持的 Content-Type：请用 application/json，或上传文件时用 multipart/form-data",
    "Unable to parse the multipart body": "multipart 请求体格式无效",
    "File(s) missing in form data": "multipart 请求的 map 指向的文件不在请求中",
}


def _worded(reason: str) -> str:
    if reason in _STRAWBERRY_REASONS:
        return _STRAWBERRY_REASONS[reason]
    if reason.startswith("The GraphQL operation's `"):
        entry = reason.split("`")[1]
        return f"请求中的 {entry} 应为 JSON 对象或 null" if entry != "query" else "请求中的 query 应为字符串或 null"
    if reason.startswith("Unknown operation named"):
        return "请求中的 operationName 在查询中找不到同名操作"
    if reason.startswith("Can't get GraphQL operation type"):
        return "无法确定要执行的操作：请检查 query 与 operationName"
    return "请求无效：" + reason


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
        try:
            async with asyncio.timeout(None if _carries_a_file(request_data.variables) else seconds):
                return await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except HTTPException as refused:
            cause = refused.__cause__
            if isinstance(cause, InvalidOperationTypeError) and cause.operation_type is OperationType.SUBSCRIPTION:
                raise RequestRefused(SUBSCRIPTION_NEEDS_WEBSOCKET, SUBSCRIPTION_NEEDS_WEBSOCKET_MESSAGE) from None
            raise
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

    async def run(self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        # strawberry answers a malformed request in plain English text: here a 400 with a code.
        try:
            return await super().run(request, context, root_value)
        except RequestRefused as refused:
            return error_response(refused.code, refused.message, refused.status)
        except HTTPException as refused:
            if refused.status_code != 400:
                raise
            return error_response(BAD_REQUEST, _worded(refused.reason), 400)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        for data in parsed if isinstance(parsed, list) else [parsed]:
            name = data.operation_name
            if name is not None and not (isinstance(name, str) and _NAME.fullmatch(name)):
                raise _bad_request("operationName 应为 GraphQL 名称（字母、数字、下划线，不以数字开头）或 null")
        return parsed

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        try:
            return await super().parse_multipart(request)
        except StarletteHTTPException as refused:  # starlette's form parser: a part too large, too many
            raise _bad_request(f"multipart 请求体无效：{_form_reason(refused.detail)}") from None

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        # GET's variables or extensions given as null mean none (a body, though, must be an object).
        given = {key: value for key, value in dict(params).items() if not _null_entry(key, value)}
        return super().parse_query_params(given)

    def parse_json(self, data: str | bytes) -> Any:
        # A body, GET's variables, a multipart request's operations and map: nesting bounded as for
        # a JSON POST (JsonTooDeep goes up to GraphQLEndpoint, which words it); each is an object.
        try:
            parsed = request_loads(data)
        except JsonTooDeep:
            raise
        except ValueError:  # not JSON, or not UTF-8
            raise _bad_request("请求体不是有效的 JSON（须为 UTF-8 编码）") from None
        if not isinstance(parsed, dict):
            raise _bad_request('请求体应为 JSON 对象，如 {"query": "{ viewer { name } }"}')
        return parsed

    def decode_json(self, data: str | bytes) -> object:
        # A websocket message: too deep is a message that is not JSON, and the protocol closes the socket.
        try:
            return request_loads(data)
        except JsonTooDeep:
            raise json.JSONDecodeError(JSON_TOO_DEEP_MESSAGE, "", 0) from None


def _carries_a_file(value: object) -> bool:
    """Whether a request's variables hold an uploaded file (the multipart spec puts them there)."""
    if isinstance(value, UploadFile):
        return True
    if isinstance(value, dict):
        return any(_carries_a_file(item) for item in value.values())
    if isinstance(value, list):
        return any(_carries_a_file(item) for item in value)
    return False


def _null_entry(key: str, value: object) -> bool:
    return key in ("variables", "extensions") and isinstance(value, str) and value.strip() == "null"


def _form_reason(detail: str) -> str:
    if detail.startswith("Part exceeded maximum size"):
        return "除文件外的字段每个最多 1 MB"
    if detail.startswith("Too many"):
        return "字段或文件过多"
    return "格式无效"


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
        sending = Watched(send)
        try:
            await self._serve(scope, receive, sending)
        except Exception as error:
            if not unavailable(error) or sending.started:
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
            if not found.is_authenticated:
                withdraw_upload_allowance(scope)  # an anonymous caller imports nothing: no upload's limit
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
