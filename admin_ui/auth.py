"""Sign-in for the admin pages: users with argon2 passwords, a signed session cookie,
lock-out after repeated failures (services.users)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.auth import AdminUser, AuthProvider, LoginFailed

from services import access
from services.db import Database
from services.principal import Principal
from services.transactions import run_change
from services.users import active_user, principal_for, sign_in

_USER = "user_id"


class JianguanAuth(AuthProvider):
    def __init__(self, db: Database) -> None:
        super().__init__(login_path="/login", logout_path="/logout")
        self.db = db

    async def login(self, username: str, password: str, remember_me: bool, request: Request) -> Response | None:
        outcome, problems = await run_change(
            self.db, Principal.system("admin-login"), lambda session: sign_in(session, username, password)
        )
        if outcome is None or outcome.user is None:
            raise LoginFailed((outcome.message if outcome else None) or problems[0].message)
        # A fresh session on sign-in: a cookie planted before login is worth nothing after.
        request.session.clear()
        request.session[_USER] = outcome.user.id
        return None

    async def logout(self, request: Request) -> Response | None:
        request.session.clear()
        return None

    async def authenticate(self, request: Request) -> AdminUser | None:
        user_id = request.session.get(_USER)
        if not isinstance(user_id, int):
            return None
        async with self.db.session(Principal.system("admin-auth")) as session:
            found = await active_user(session, user_id)
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
