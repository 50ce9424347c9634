"""A request body beyond its limit is refused with HTTP 413, counted as it streams in: a
Content-Length that says more is refused before a byte is read, and one that says less (or
none, chunked) cannot carry more, because the count is of what arrives.

The larger upload limit is for a file: a multipart body gets it only if a file part (a part
whose headers give a filename) begins within the ordinary limit, and only while the app has not
withdrawn it (the GraphQL endpoint does for an anonymous caller, who can import nothing). So
a multipart body without a file, or anyone's body before they are known, is held to the
ordinary limit."""

from __future__ import annotations

import contextlib
import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
_ALLOWANCE = "jianguan.upload_allowance"
_FILENAME = re.compile(rb";\s*filename\*?=", re.I)


class UploadAllowance:
    """Whether this request may still send a file up to the upload limit."""

    def __init__(self) -> None:
        self.granted = True


def withdraw_upload_allowance(scope: Scope) -> None:
    """The request is held to the ordinary body limit, file or not (before its body is read)."""
    allowance = scope.get(_ALLOWANCE)
    if isinstance(allowance, UploadAllowance):
        allowance.granted = False


class BodyTooLarge(Exception):
    """Raised from receive once the body passes its limit; the app's reading stops there."""


class BodyLimit:
    """`max_body` bytes for every request body; `max_upload` for a multipart/form-data one that
    carries a file (importRecords, the admin's import pages), unless the allowance is withdrawn."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        boundary: bytes | None = None
        declared: int | None = None
        for name, value in scope["headers"]:
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                boundary = _boundary(value)
            elif name == b"content-length":
                declared = int(value) if value.isdigit() else None
        allowance = UploadAllowance()
        if boundary is not None:
            scope[_ALLOWANCE] = allowance
        limit = self.max_body if boundary is None else self.max_upload  # until the body says otherwise
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False
        head = bytearray()  # a multipart body's first max_body bytes: where a file part must begin

        async def counted() -> Message:
            nonlocal received, exceeded, limit
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if boundary is not None and received <= self.max_body:
                    head.extend(chunk[: self.max_body + 1 - received])
                    if received + len(chunk) > self.max_body:  # the ordinary limit passed: a file's, then?
                        carries_file = allowance.granted and _has_file_part(bytes(head), boundary)
                        limit = self.max_upload if carries_file else self.max_body
                received += len(chunk)
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


def _boundary(content_type: bytes) -> bytes:
    for parameter in content_type.split(b";")[1:]:
        key, _, value = parameter.strip().partition(b"=")
        if key.strip().lower() == b"boundary":
            return value.strip().strip(b'"')
    return b""


def _has_file_part(head: bytes, boundary: bytes) -> bool:
    """Whether a part whose headers name a file begins in `head`. A delimiter is CRLF, "--" and
    the boundary (the first needs no CRLF), and never occurs inside a part, so a field's text
    cannot pass for a file's headers."""
    if not boundary:
        return False
    for part in (b"\r\n" + head).split(b"\r\n--" + boundary)[1:]:
        headers, complete, _ = part.partition(b"\r\n\r\n")
        if complete and _FILENAME.search(headers):
            return True
    return False


def _size(limit: int) -> str:
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):g} MB"
    if limit >= 1 << 10:
        return f"{limit / (1 << 10):g} KB"
    return f"{limit} 字节"
