"""The text rule for every form the admin receives: a middleware in front of every admin page, so
that no view, starlette-admin's own create and edit pages included, reads a field that breaks
it. A field with a control, format or surrogate character, or a line break in a one-line field
(one the page does not offer as a text box, nor a TEXT column's running text: see
services.platform.text_columns.multiline), gets the 422 page naming the field and the character;
nothing is stored. Normalising (NFC, trimming) stays with the services' checks, which
every admin write goes through."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_admin import TextAreaField
from starlette_admin.fields import DecimalField, FloatField, IntegerField

from services.platform import checks
from services.platform.text_columns import multiline

if TYPE_CHECKING:
    from admin_ui.errors import JianguanAdmin

_log = logging.getLogger(__name__)
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# A password is compared, never stored or shown: whatever characters it holds are the user's own.
_UNCHECKED = ("csrftoken", "password")


# The admin's own pages whose text boxes take one item a line (not a TEXT column's running text):
# a task's attachment names and its referrals, a plan's inspectors per department.
_LIST_BOXES = re.compile(r"^(attachments|inspectors_per_department|referral_message_\d+)$")
_NUMBER = re.compile(r"([+-]?[0-9]+(\.[0-9]*)?|[+-]?\.[0-9]+)?", re.ASCII)
# starlette-admin's NumberField is also the base of its date and time fields: these three are the numbers.
_NUMBER_FIELDS = (IntegerField, DecimalField, FloatField)


@dataclass(frozen=True)
class _Page:
    """What the page posted to says about its fields: their labels and which are text boxes."""

    labels: dict[str, str]
    boxes: frozenset[str]
    numbers: frozenset[str] = frozenset()

    def multiline(self, key: str) -> bool:
        return key in self.boxes or bool(_LIST_BOXES.match(key)) or multiline(key)


def refusal(form: list[tuple[str, str]], page: _Page) -> str | None:
    """The first field of a form that breaks the text rule, in words (by the field's label on
    the page where known), or None. Line breaks pass in a text box (<textarea>) only: a browser
    sends none from a one-line field."""
    for key, value in form:
        if any(word in key for word in _UNCHECKED):
            continue
        label = page.labels.get(key, f"“{key}”一栏")
        wrong = checks.refused_character(value, page.multiline(key))
        if wrong is not None:
            return f"{label}含有{wrong}，请删去后重新提交（没有保存任何内容）"
        # Python's int() and Decimal() read "٣" and "３" as 3: a number field takes the digits 0-9 only.
        if key in page.numbers and not _NUMBER.fullmatch(value.strip()):
            return f"{label}只能填写阿拉伯数字 0–9（可带小数点和正负号），请改正后重新提交（没有保存任何内容）"
    return None


def _page(admin: JianguanAdmin, scope: Scope) -> _Page:
    """The fields of the page posted to (/admin/<key>/...), where it declares them."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    key = path.strip("/").split("/")[0]
    for view in admin._model_views:
        if getattr(view, "key", None) == key:
            fields = list(getattr(view, "fields", ()))
            labels = {f.name: str(f.label) for f in fields if f.label}
            boxes = frozenset(f.name for f in fields if isinstance(f, TextAreaField))
            return _Page(labels, boxes, frozenset(f.name for f in fields if isinstance(f, _NUMBER_FIELDS)))
    return _Page({}, frozenset())


class TextForms:
    """ASGI middleware: checks every posted form's text fields before the page reads them."""

    def __init__(self, app: ASGIApp, admin: JianguanAdmin) -> None:
        self.app = app
        self.admin = admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        kind = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if kind not in _FORMS:
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        replay = _replay(body, receive)
        wrong = await _check(scope, _replay(body, receive), _page(self.admin, scope))
        if wrong is None:
            await self.app(scope, replay, send)
            return
        response = await self._page(Request(scope, replay), wrong)
        await response(scope, replay, send)

    async def _page(self, request: Request, reason: str) -> Response:
        try:
            return await self.admin._render_error(request, HTTPException(HTTPStatus.UNPROCESSABLE_ENTITY, reason))
        except Exception:  # noqa: BLE001 - outside the admin's own middleware the layout may not render
            return HTMLResponse(f"<h1>422 提交的内容有误</h1><p>{reason}</p>", status_code=422)


async def _read(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _check(scope: Scope, receive: Receive, page: _Page) -> str | None:
    request = Request(scope, receive)
    try:
        async with request.form() as form:
            fields = [(key, value) for key, value in form.multi_items() if not isinstance(value, UploadFile)]
    except (MultiPartException, ValueError, KeyError) as exc:  # the page itself will answer the broken form
        _log.debug("form not checked: %s", exc)
        return None
    return refusal([(key, value) for key, value in fields if isinstance(value, str)], page)
