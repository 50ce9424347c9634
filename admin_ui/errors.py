"""Error pages in Chinese, inside the admin's layout: what went wrong, why, and where to go.

starlette-admin raises a bare 403 or 404 (its detail the English status phrase) when a page
is not for this user or a record is not found; a view that knows more raises its own
Chinese detail. Either way the reason reaches error.html in Chinese."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette_admin.contrib.sqla import Admin

from admin_ui.auth import principal_of_request
from admin_ui.template_code import TEMPLATE_CODE
from middleware.body_limit import BodyTooLarge
from services.platform.access import may_maintain

_log = logging.getLogger(__name__)


class _NotAHangUp(logging.Filter):
    """starlette-admin logs every error that crosses its session middleware with a traceback; a
    client gone mid-upload is not one (app.ClientDisconnects logs it in one line), nor a body refused
    as too large (middleware.body_limit answers it with a 413)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ClientDisconnect | BodyTooLarge))


logging.getLogger("starlette_admin.contrib.sqla.middleware").addFilter(_NotAHangUp())

TITLES = {
    401: "尚未登录",
    403: "没有权限",
    404: "找不到页面或记录",
    405: "不支持此操作",
    422: "提交的内容有误",
    500: "服务器出错",
}


def reason(request: Request, status_code: int, detail: str | None) -> str:
    """The Chinese reason for an error: the raiser's own, or one that fits the status."""
    if detail and detail != HTTPStatus(status_code).phrase:
        return detail
    if status_code == 403:
        if may_maintain(principal_of_request(request)):
            return "没有权限：此页面或操作由各部门办理，维护人员只能查看"
        return "没有权限：此页面仅限维护人员"
    if status_code == 404:
        # A page asked for a record (?pk=…, or an id in the path) and it is not there for this user.
        if "pk" in request.query_params or any(name != "key" for name in request.path_params):
            return "找不到这条记录，它可能已被删除或不在你的管辖范围内"
        return "找不到这个页面，请检查网址是否正确"
    if status_code == 500:
        return "服务器处理这个请求时出错，已记录在日志中；请稍后再试，或联系维护人员"
    return TITLES.get(status_code, HTTPStatus(status_code).phrase)


class JianguanAdmin(Admin):
    """starlette-admin's Admin with the error pages above; with `crash_page`, an unexpected
    error also gets the Chinese 500 page (production) instead of the plain text one."""

    def __init__(self, *args: Any, crash_page: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crash_page = crash_page

    def _setup_templates(self) -> None:
        super()._setup_templates()
        # Every admin of this process compiles a template once (admin_ui.template_code).
        self.templates.env.bytecode_cache = TEMPLATE_CODE

    async def _render_error(
        self, request: Request, exc: Exception = HTTPException(status_code=HTTPStatus.INTERNAL_SERVER_ERROR)
    ) -> Response:
        assert isinstance(exc, HTTPException)
        return self._template_response(
            request=request,
            name="error.html",
            context={
                "exc": exc,
                "title": TITLES.get(exc.status_code, str(exc.status_code)),
                "reason": reason(request, exc.status_code, exc.detail),
            },
            status_code=exc.status_code,
        )

    async def _render_crash(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, ClientDisconnect):  # nobody to show a page to; app.ClientDisconnects logs one line
            return Response(status_code=HTTPStatus.BAD_REQUEST)
        if isinstance(exc, BodyTooLarge):  # not a crash: middleware.body_limit answers 413 instead of this
            return Response(status_code=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        _log.exception("admin page failed: %s", request.url.path, exc_info=exc)
        try:
            return await self._render_error(request, HTTPException(HTTPStatus.INTERNAL_SERVER_ERROR))
        except Exception:  # noqa: BLE001 - the page itself failed to render: say it plainly
            return HTMLResponse(f"<h1>500 {TITLES[500]}</h1><p>{reason(request, 500, None)}</p>", status_code=500)

    def mount_to(self, app: Starlette) -> None:
        super().mount_to(app)
        if self.crash_page:
            self.app.add_exception_handler(Exception, self._render_crash)
