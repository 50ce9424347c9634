"""What every admin view shares: access by role, and writes through services/."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.exceptions import FormValidationError

from admin_ui.auth import principal_of_request
from services.db import Database
from services.errors import Problem
from services.transactions import run_change

T = TypeVar("T")


def form_field(api_field: str | None) -> str:
    """services name fields as the API does (regionCode); forms use the column (region_code)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower() or "__all__"


def form_errors(problems: list[Problem]) -> FormValidationError:
    errors: dict[str | int, Any] = {}
    for problem in problems:
        key = form_field(problem.field).split(".")[0]
        errors[key] = f"{errors[key]}；{problem.message}" if key in errors else problem.message
    return FormValidationError(errors)


class ServiceView(ModelView):
    """A model view that reads through the request's policy-bound session and writes
    only through a service, in one transaction, with its audit event."""

    maintainers_only = True
    db: Database

    def is_accessible(self, request: Request) -> bool:
        principal = principal_of_request(request)
        return principal.is_authenticated and (principal.is_maintainer or not self.maintainers_only)

    def can_delete(self, request: Request) -> bool:
        return False

    async def change(self, request: Request, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        result, problems = await run_change(self.db, principal_of_request(request), work)
        if problems or result is None:
            raise form_errors(problems)
        return result


def value_of(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return str(getattr(value, "value", value)).strip()
