"""Sign-in for the admin pages: users with argon2 passwords, a signed session cookie
that sign-out voids everywhere, lock-out after repeated failures (services.accounts.sign_in)."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.auth import AdminUser, AuthProvider, LoginFailed

from services.accounts.sign_in import active_user, sign_in, sign_out
from services.accounts.users import principal_for
from services.platform.db import Database
from services.platform.principal import Principal

_USER, _EPOCH = "user_id", "epoch"
# starlette-admin logs every username typed on the login page: one may be a password typed in the
# wrong box. The audit log keeps what is needed (services.accounts.sign_in), an unknown name hashed.
logging.getLogger("starlette_admin.auth.password").addFilter(lambda record: False)


class JianguanAuth(AuthProvider):
    def __init__(self, db: Database) -> None:
        super().__init__(login_path="/login", logout_path="/logout")
        self.db = db

    async def login(self, username: str, password: str, remember_me: bool, request: Request) -> Response | None:
        outcome = await sign_in(self.db, username, password, client_address(request))
        if outcome.user is None:
            raise LoginFailed(outcome.message or "登录失败")
        # A fresh session on sign-in: a cookie planted before login is worth nothing after.
        request.session.clear()
        request.session.update({_USER: outcome.user.id, _EPOCH: outcome.user.session_epoch})
        return None

    async def logout(self, request: Request) -> Response | None:
        user_id = request.session.get(_USER)
        request.session.clear()
        if isinstance(user_id, int):
            await sign_out(self.db, user_id, client_address(request))
        return None

    async def authenticate(self, request: Request) -> AdminUser | None:
        user_id, epoch = request.session.get(_USER), request.session.get(_EPOCH)
        if not isinstance(user_id, int) or not isinstance(epoch, int):
            return None
        async with self.db.session(Principal.system("admin-auth")) as session:
            found = await active_user(session, user_id, epoch)
        if found is None:
            request.session.clear()
            return None
        user, department = found
        principal = principal_for(user, department)
        request.state.principal = principal
        # The admin's per-request session reads as this user, under the row policy.
        self.db.bind(request.state.session, principal)
        return AdminUser(username=signed_in_as(user.display_name, department.name))


def signed_in_as(display_name: str, department_name: str) -> str:
    """The header's name: a department's shared login is often named as the department, said once."""
    if display_name.strip() == department_name.strip():
        return department_name
    return f"{display_name}（{department_name}）"


def client_address(request: Request) -> str | None:
    """The address the request came from, as the server saw it (behind a proxy: the proxy's,
    unless the server is told to trust its forwarded headers)."""
    return request.client.host if request.client else None


def signed_in_user_id(request: Request) -> int | None:
    user_id = request.session.get(_USER)
    return user_id if isinstance(user_id, int) else None


def carry_on(request: Request, epoch: int) -> None:
    """After the user's own password change, this session stays signed in; all others end."""
    request.session[_EPOCH] = epoch


def principal_of_request(request: Request) -> Principal:
    principal: Any = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else Principal.anonymous()
