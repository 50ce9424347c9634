"""修改密码: every signed-in user changes their own password (services.accounts.users)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import carry_on, principal_of_request, signed_in_user_id
from admin_ui.base import form_errors
from services.accounts.passwords import MIN_LENGTH
from services.accounts.users import PasswordChange, change_password


class PasswordView(CustomView):
    """Reached from the user menu in the header, not the sidebar."""

    def __init__(self) -> None:
        super().__init__(menu_label="修改密码", icon="fa fa-key", path="/password", add_to_menu=False)
        self.db: Any = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated and signed_in_user_id(request) is not None

    def _page(self, request: Request, status_code: int = 200, **context: Any) -> Response:
        assert self.templates is not None
        response = self.templates.TemplateResponse(
            request=request,
            name="password_change.html",
            context={"title": "修改密码", "min_length": MIN_LENGTH, "errors": {}, "done": False, **context},
            status_code=status_code,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @route("", methods=["GET", "POST"], name="password")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page(request)
        form = await request.form()
        change = PasswordChange(
            str(form.get("old_password") or ""),
            str(form.get("new_password") or ""),
            str(form.get("new_password_again") or ""),
        )
        user_id = signed_in_user_id(request)
        assert user_id is not None
        epoch, problems = await change_password(self.db, user_id, change)
        if problems or epoch is None:
            return self._page(request, 422, errors=form_errors(problems, fallback="old_password").errors)
        carry_on(request, epoch)
        return self._page(request, done=True)
