"""The text rule at the GraphQL boundary: every string and every date a mutation is given, in
its arguments and at any depth of its input objects (variables included: graphql-core has
already coerced them), is checked before the mutation's resolver runs.

Every root Mutation field is declared through schema.platform.mutation (a test holds to that),
and the declaration runs `cleaned` first, so a new mutation or a new input field cannot skip the
rule. What the boundary enforces is the universal part (services.platform.checks): NFC, no
control, format or surrogate characters, one line unless the field holds running text
(services.platform.text_columns.multiline), trimmed, and every date within the range any date
must be in. Lengths, patterns and the narrower date ranges stay in each service's checks.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.utils.str_converters import to_camel_case

from services.platform import checks
from services.platform.errors import Collector, Problem
from services.platform.text_columns import multiline

TEXT_CODES = ("INVALID_TEXT",)
DATE_CODES = ("DATE_OUT_OF_RANGE",)


def _label(description: str | None, path: str) -> str:
    """A field's Chinese name from its description (`名称 / Registered name.` → 名称)."""
    if not description:
        return f"“{path}”"
    head = description.split(" / ")[0].split("，")[0].split("（")[0].split("：")[0].strip()
    return head if head and not head.isascii() else f"“{path}”"


def _named(kind: Any) -> Any:
    """The named type under lists, optionals and annotations."""
    while True:
        if isinstance(kind, StrawberryOptional | StrawberryList):
            kind = kind.of_type
        elif typing.get_origin(kind) is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif typing.get_origin(kind) in (list, typing.Union, types.UnionType) or isinstance(kind, types.UnionType):
            kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        else:
            return kind


@dataclass
class Refused:
    """What the boundary refused: `firm` problems stand whatever the service says (the service
    saw the text without the refused character); `soft` ones (a line break in a one-line field,
    a date out of range) give way to the service's own word on the same field, which says more
    (INVALID_DOCUMENT_NUMBER, DATE_IN_FUTURE)."""

    firm: Collector = field(default_factory=Collector)
    soft: Collector = field(default_factory=Collector)

    @property
    def problems(self) -> list[Problem]:
        return [*self.firm.problems, *self.soft.problems]


def _clean(value: Any, kind: Any, path: str, label: str, name: str, refused: Refused) -> Any:
    if _named(kind) is strawberry.ID or isinstance(value, Enum):
        return value  # an id is parsed by its own rule and never stored as text; a member is no text
    if isinstance(value, str):
        if checks.damaged(value):
            # Returned without what the rule refuses, so that the service can still check the rest.
            return checks.characters(value, label, path, refused.firm, multiline=multiline(name)).strip()
        cleaned = checks.normalised(value).strip()
        checks.characters(cleaned, label, path, refused.soft, multiline=multiline(name))
        return cleaned
    if isinstance(value, datetime.date):
        checks.within(value if not isinstance(value, datetime.datetime) else value.date(), label, path, refused.soft)
        return value
    if isinstance(value, list):
        return [_clean(item, kind, f"{path}.{index}", label, name, refused) for index, item in enumerate(value)]
    kind = type(value)
    if has_object_definition(kind) and dataclasses.is_dataclass(value):
        changes: dict[str, Any] = {}
        for declared in kind.__strawberry_definition__.fields:
            inner = declared.graphql_name or to_camel_case(declared.python_name)
            where = f"{path}.{inner}" if path else inner
            found = getattr(value, declared.python_name)
            label = _label(declared.description, where)
            cleaned = _clean(found, declared.type, where, label, declared.python_name, refused)
            if cleaned is not found:
                changes[declared.python_name] = cleaned
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
    return value


def cleaned(
    given: Mapping[str, Any], kinds: Mapping[str, Any], descriptions: Mapping[str, str | None], refused: Refused
) -> dict[str, Any]:
    """The arguments a mutation was given, with their text normalised and trimmed; what breaks
    the rule is added to `refused`, each under its field's path as the services name it (an
    `input` argument's fields by their own names: `name`, `persons.0.name`)."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        # An input object's fields are named on their own (`name`); a list's items as `input.0.name`.
        path = "" if name == "input" and not isinstance(value, list) else to_camel_case(name)
        out[name] = _clean(value, kinds[name], path, _label(descriptions.get(name), path or name), name, refused)
    return out


def _kinds(kind: Any, seen: set[Any]) -> set[str]:
    """Which of text and dates a declared argument type can carry, at any depth."""
    if kind in seen:
        return set()
    seen.add(kind)
    if isinstance(kind, StrawberryOptional | StrawberryList):
        return _kinds(kind.of_type, seen)
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _kinds(typing.get_args(kind)[0], seen)
    if origin in (list, typing.Union, types.UnionType) or isinstance(kind, types.UnionType):
        return set().union(*(_kinds(arg, seen) for arg in typing.get_args(kind)))
    if kind is strawberry.ID:
        return set()
    if kind is str:
        return {"text"}
    if isinstance(kind, type) and issubclass(kind, datetime.date):
        return {"date"}
    if isinstance(kind, type) and issubclass(kind, Enum):
        return set()
    if has_object_definition(kind):
        found: set[str] = set()
        for field in kind.__strawberry_definition__.fields:
            found |= _kinds(field.type, seen)
        return found
    return set()


def codes_for(types_: Mapping[str, Any]) -> tuple[str, ...]:
    """The codes the boundary can return for arguments of these declared types."""
    kinds: set[str] = set()
    for kind in types_.values():
        kinds |= _kinds(kind, set())
    return (TEXT_CODES if "text" in kinds else ()) + (DATE_CODES if "date" in kinds else ())
