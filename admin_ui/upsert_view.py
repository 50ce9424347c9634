"""A catalog page as a declaration (Django ModelAdmin style): the model, its fields with their
labels and list columns, the service's input and the service's upsert. Creating and editing
are the same audited upsert, told whether the row must be new or must exist."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from enum import Enum
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from admin_ui.base import ServiceView, choice, day_of, value_of
from services.catalog.catalog_io import split_items
from services.platform.errors import Expect
from services.platform.upsert import Upserted

Reader = Callable[[dict[str, Any], str], Any]


def _reader(hint: Any, default: Any, label: str) -> Reader:
    """How a form value becomes the input field typed `hint`."""
    optional = isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
    if optional:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is bool:
        return lambda data, key: bool(data.get(key))
    if hint is int:
        return lambda data, key: int(data[key]) if data.get(key) not in (None, "") else default
    if hint is date:
        return lambda data, key: day_of(data, key, label, required=not optional)
    if isinstance(hint, type) and issubclass(hint, Enum):
        enum = hint
        return lambda data, key: choice(data, key, enum)
    if typing.get_origin(hint) is Sequence:
        return lambda data, key: split_items(value_of(data, key))
    if optional:
        return lambda data, key: value_of(data, key) or None
    return value_of


def form_readers(form: type, labels: dict[str, str]) -> dict[str, Reader]:
    """A reader for each field of the service's input dataclass, chosen by its type; `labels`
    name the fields in the messages of the shared checks."""
    hints = typing.get_type_hints(form)
    return {f.name: _reader(hints[f.name], f.default, labels.get(f.name, f.name)) for f in dataclasses.fields(form)}


class UpsertView(ServiceView):
    """A catalog page kept by maintainers. A subclass declares `model`, `fields` (labels, list
    columns, help), `form` (the service's input dataclass, whose field names are the form's)
    and `upsert` (the service); the natural key `code` is entered once and never edited."""

    model: Any
    form: ClassVar[type]
    upsert: ClassVar[Callable[[AsyncSession, Any, Expect], Awaitable[Upserted[Any]]]]
    exclude_fields_from_edit = ["code"]
    fields_default_sort = ["code"]
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(self.model)
        if self._pk_coerce is object:
            # sqlmodel's AutoString names no Python type, so starlette-admin would call
            # object(pk) and fail on every edit page of a row keyed by text (regions).
            self._pk_coerce = str
        self._readers = form_readers(self.form, {f.name: f.label or f.name for f in self.fields})

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(self, request: Request, code: str, data: dict[str, Any], expect: Expect) -> Any:
        values = {name: read(data, name) for name, read in self._readers.items() if name != "code"}
        entered = self.form(code=code, **values)
        upsert = type(self).upsert
        done = await self.change(request, lambda session: upsert(session, entered, expect))
        return done.row

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.code, data, Expect.EXISTING)
