"""The list pages' text filters (包含, 不包含, 开头是, 结尾是) as every search: the value bounded and
found as typed (services.platform.search). starlette-admin's own write it into an ILIKE pattern."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, not_
from starlette.exceptions import HTTPException
from starlette_admin import BaseField, StringField, TextAreaField
from starlette_admin.contrib.sqla import filters as sqla
from starlette_admin.filters import BaseFilter, FilterApplyContext, filters

from services.platform import search
from services.platform.errors import DomainError


def search_term(term: str) -> str:
    """A search box's or a text filter's text, bounded as every search is: a longer one is a 400
    that says so, not a statement the database chokes on."""
    try:
        return search.search_text(term, "q")
    except DomainError as error:
        raise HTTPException(400, error.problems[0].message) from error


def _text(ctx: FilterApplyContext) -> Any:
    model = getattr(ctx.view, "model", None)  # always a ModelView's here
    return cast(getattr(model, ctx.field_name), String)


def _value(ctx: FilterApplyContext) -> str:
    return search_term(str(ctx.value or ""))


class ContainsFilter(sqla.ContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _text(ctx).icontains(_value(ctx), autoescape=True)


class NotContainsFilter(sqla.NotContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return not_(_text(ctx).icontains(_value(ctx), autoescape=True))


class StartsWithFilter(sqla.StartsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _text(ctx).istartswith(_value(ctx), autoescape=True)


class EndsWithFilter(sqla.EndsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _text(ctx).iendswith(_value(ctx), autoescape=True)


_TEXT = [ContainsFilter, NotContainsFilter, StartsWithFilter, EndsWithFilter]


class TextFilterRegistry(sqla.SqlaFilterRegistry):
    @filters(StringField)
    def string_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [*_TEXT, sqla.EqualFilter, sqla.NotEqualFilter, sqla.IsNullFilter, sqla.IsNotNullFilter]

    @filters(TextAreaField)
    def textarea_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [*_TEXT, sqla.IsNullFilter, sqla.IsNotNullFilter]
