"""The ASGI plumbing around the compiled path: read a request body once, hand it on if the
ordinary path must answer, say which path answered, and (in the test suite) compare them."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PATH_HEADER = b"x-jianguan-path"
COMPILED = b"compiled"
EXECUTED = b"executed"
# A compiled answer is never larger than this without being a request to stream: above it the
# body is left to the ordinary path, which has its own limits.
MAX_BODY = 1 << 20
_log = logging.getLogger("jianguan.compiled")


def wants_json_post(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"application/json" in value  # as strawberry tells a JSON body
    return False


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole request body, and whether it was whole (False: too large, or the client left).
    The app's limit (middleware.body_limit, JIANGUAN_MAX_BODY_BYTES) counts what this receives:
    beyond it, receive raises and the client gets HTTP 413, whatever Content-Length said."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever the client sends next."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return again


def marked(send: Send, path: bytes) -> Send:
    """A send that says on the response which path answered."""

    async def send_marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (PATH_HEADER, path)]}
        await send(message)

    return send_marked


async def send_json(send: Send, body: bytes, path: bytes = COMPILED, status: int = 200) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (PATH_HEADER, path),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def executed_body(app: ASGIApp, scope: Scope, body: bytes) -> bytes:
    """What the ordinary path answers to this request, as bytes."""
    parts: list[bytes] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(parts)


async def checked(compiled: bytes, executed: Callable[[], Awaitable[bytes]], request: Any) -> tuple[bytes, int]:
    """The compiled answer when it equals the ordinary path's; else a 500 that shows both."""
    ordinary = await executed()
    if _exact(compiled) == _exact(ordinary):
        return compiled, 200
    _log.error("compiled and executed answers differ for %s", request)
    difference = {
        "errors": [{"message": "compiled read differs", "extensions": {"code": "COMPILED_READ_DIFFERS"}}],
        "compiled": json.loads(compiled),
        "executed": json.loads(ordinary),
        "request": request,
    }
    return json.dumps(difference, ensure_ascii=False).encode(), 500


def _exact(body: bytes) -> str:
    """The JSON as written, but for spacing: fields in their order, true not 1."""
    return json.dumps(json.loads(body, object_pairs_hook=lambda pairs: pairs), ensure_ascii=False)
