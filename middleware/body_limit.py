"""A request body beyond its limit is refused with HTTP 413, counted as it streams in: a
Content-Length that says more is refused before a byte is read, and one that says less (or
none, chunked) cannot carry more, because the count is of what arrives."""

from __future__ import annotations

import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"


class BodyTooLarge(Exception):
    """Raised from receive once the body passes its limit; the app's reading stops there."""


class BodyLimit:
    """`max_body` bytes for every request body; `max_upload` for a multipart/form-data one (a file
    upload: importRecords, the admin's import pages)."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body
        declared: int | None = None
        for name, value in scope["headers"]:
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                limit = self.max_upload
            elif name == b"content-length":
                declared = int(value) if value.isdigit() else None
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # whatever the app made of the refusal: the 413 below answers instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted, guarded)
        if exceeded and not started:
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    message = f"请求体过大：最多 {_size(limit)}。上传大文件请分成几个文件，或由管理员用命令行导入"
    body = json.dumps(
        {"errors": [{"message": message, "extensions": {"code": REQUEST_TOO_LARGE, "limit": limit}}]},
        ensure_ascii=False,
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of the body is never read
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):g} MB"
    if limit >= 1 << 10:
        return f"{limit / (1 << 10):g} KB"
    return f"{limit} 字节"
