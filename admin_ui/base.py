"""What every admin view shares: access by role, and writes through services/."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from enum import Enum
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import (
    ColorField,
    EmailField,
    EnumField,
    PhoneField,
    SlugField,
    StringField,
    TextAreaField,
    URLField,
)
from starlette_admin.actions import ActionSelection, action
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.exceptions import FormValidationError
from starlette_admin.export.base import BaseExporter

from admin_ui.auth import principal_of_request
from admin_ui.export import FORMATS, export_filtered, export_form
from admin_ui.record_ids import record_key
from admin_ui.text_filters import TextFilterRegistry, search_term
from services.platform import checks, search
from services.platform.access import may_maintain
from services.platform.db import Database
from services.platform.errors import Collector, Problem
from services.platform.transactions import run_change

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def form_field(api_field: str | None) -> str:
    """services name fields as the API does (regionCode); forms use the column (region_code)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower().split(".")[0]


def form_errors(problems: list[Problem], fallback: str = "name") -> FormValidationError:
    """Each message beside its field; one without a field goes beside `fallback`."""
    errors: dict[str | int, Any] = {}
    for problem in problems:
        key = form_field(problem.field) or fallback
        errors[key] = f"{errors[key]}；{problem.message}" if key in errors else problem.message
    return FormValidationError(errors)


async def run_as(
    db: Database, request: Request, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[Problem]]:
    """One change as the signed-in user, in one transaction (services.platform.transactions)."""
    return await run_change(db, principal_of_request(request), work)


def value_of(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return str(getattr(value, "value", value)).strip()


def day_of(data: dict[str, Any], key: str, label: str, required: bool = True) -> date | None:
    """A date field's value, or the shared REQUIRED / INVALID_DATE message beside it."""
    value = data.get(key)
    problems = Collector()
    found = checks.day(value if isinstance(value, date) else value_of(data, key), label, key, problems, required)
    if problems.problems:
        raise form_errors(problems.problems, fallback=key)
    return found


def choice(data: dict[str, Any], key: str, enum: type[E]) -> E:
    """A select's value as the enum, or the form's own error beside the field."""
    try:
        return enum(value_of(data, key))
    except ValueError:
        raise FormValidationError({key: "请选择一项"}) from None


# The field kinds starlette-admin's own search reads (ServiceView.get_search_query).
_SEARCHED = (StringField, SlugField, TextAreaField, EmailField, URLField, PhoneField, ColorField, EnumField)


class ServiceView(ModelView):
    """A model view that reads through the request's policy-bound session and writes
    only through a service, in one transaction, with its audit event."""

    maintainers_only = True
    db: Database
    # Every list exports its whole filtered result (admin_ui.export); a page that must not
    # export says `exporters = []`.
    exporters: Sequence[BaseExporter | str] = FORMATS

    def is_accessible(self, request: Request) -> bool:
        principal = principal_of_request(request)
        return principal.is_authenticated and (may_maintain(principal) or not self.maintainers_only)

    def can_delete(self, request: Request) -> bool:
        return False

    def get_search_query(self, request: Request, term: str) -> Any:
        """starlette-admin's search over the searchable text columns, with the term bounded and
        found as typed: its own writes the term into an ILIKE pattern, % and _ as wildcards."""
        text = search_term(term)
        fields = [f for f in self.get_fields_list(request) if f.searchable and type(f) in _SEARCHED]
        return or_(*(search.containing(getattr(self.model, field.name), text) for field in fields))

    def get_filter_registry(self) -> TextFilterRegistry:
        return TextFilterRegistry()

    def can_export(self, request: Request) -> bool:
        # Bulk copies of the registry are a maintainer's job, not a district desk's.
        return may_maintain(principal_of_request(request))

    @action(
        name="export",
        text="导出全部",
        confirmation="",  # a dialog (the form), not a click that exports at once
        header="导出全部筛选结果",
        icon_class="list.export",
        submit_btn_text="导出",
        form=export_form,
        custom_response=True,
        allow_empty_selection=True,
        dedicated_button=True,
        modal_size="md",
    )
    async def export_action(self, request: Request, selection: ActionSelection) -> Response:
        # Not the selected rows or the page: the list as it is filtered, searched and ordered.
        return await export_filtered(self, self.db, request)

    async def find_by_pk(self, request: Request, pk: Any) -> Any:
        # Every page of a record (detail, edit, a row's action) finds it here: a malformed key is a 404.
        if isinstance(self._pk_coerce, type):
            pk = record_key(self._pk_coerce, pk)
            if isinstance(pk, date):  # starlette-admin would call date(pk)
                found = cast(ColumnElement[bool], self._pk_column == pk)
                statement = self.get_detail_query(request).where(found)
                return (await request.state.session.execute(statement)).scalars().one_or_none()
        return await super().find_by_pk(request, pk)

    async def existing(self, request: Request, pk: Any) -> Any:
        found = await self.find_by_pk(request, pk)
        if found is None:
            raise HTTPException(404)
        return found

    async def change(self, request: Request, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        result, problems = await run_as(self.db, request, work)
        if problems or result is None:
            raise form_errors(problems, fallback=self.fields[0].name if self.fields else "name")
        return result
