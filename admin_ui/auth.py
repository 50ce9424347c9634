"""Sign-in for the admin pages: users with argon2 passwords, a signed session cookie
that sign-out voids everywhere, lock-out after repeated failures (services.accounts.users)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.auth import AdminUser, AuthProvider, LoginFailed

from services.accounts.users import active_user, end_sessions, principal_for, sign_in
from services.platform import access
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change

_USER, _EPOCH = "user_id", "epoch"


class JianguanAuth(AuthProvider):
    def __init__(self, db: Database) -> None:
        super().__init__(login_path="/login", logout_path="/logout")
        self.db = db

    async def login(self, username: str, password: str, remember_me: bool, request: Request) -> Response | None:
        outcome = await sign_in(self.db, username, password)
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
            await run_change(self.db, Principal.system("sign-out"), lambda session: end_sessions(session, user_id))
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
        access.bind(request.state.session, principal)
        return AdminUser(username=f"{user.display_name}（{department.name}）")


def principal_of_request(request: Request) -> Principal:
    principal: Any = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else Principal.anonymous()
