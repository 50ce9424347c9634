"""A GraphQL input becomes a service's own dataclass field by field of the same name.

Nested inputs and lists of them become the service's nested dataclasses; `rename` maps a
service field to the API's name where the two are spelled differently. A null for a field
the service gives a default means "not given", so the service's default applies.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, Union

D = TypeVar("D")
_NO_RENAMES: Mapping[str, str] = {}


def fields_of(value: Any) -> dict[str, Any]:
    """An input's values by field name."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def build(cls: type[D], values: Mapping[str, Any], rename: Mapping[str, str] = _NO_RENAMES) -> D:
    """`cls` from `values` by field name; a field not given (or null, where `cls` has a default) keeps its default."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = rename.get(field.name, field.name)
        has_default = field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        value = values.get(key)
        if key not in values or (value is None and has_default):
            continue
        kwargs[field.name] = convert(hints[field.name], value, rename)
    return cls(**kwargs)


def from_input(cls: type[D], given: object | None) -> D:
    """A service's filter from an optional GraphQL filter input: all defaults when none is given."""
    return build(cls, {} if given is None else fields_of(given))


def convert(hint: Any, value: Any, rename: Mapping[str, str] = _NO_RENAMES) -> Any:
    """`value` as the service's type `hint` has it: inputs become its dataclasses, lists item by item."""
    if value is None:
        return None
    target = dataclass_of(hint)
    if target is not None and dataclasses.is_dataclass(value) and not isinstance(value, target):
        return build(target, fields_of(value), rename)
    item = _list_item(hint)
    if item is not None and isinstance(value, list):
        return [convert(item, v, rename) for v in value]
    return value


def dataclass_of(hint: Any) -> type | None:
    """The dataclass a (possibly optional) type hint names, if it names one."""
    hint = _unoptional(hint)
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


def _unoptional(hint: Any) -> Any:
    if typing.get_origin(hint) in (Union, types.UnionType):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        return rest[0] if len(rest) == 1 else hint
    return hint


def _list_item(hint: Any) -> Any:
    hint = _unoptional(hint)
    if typing.get_origin(hint) in (list, Sequence, tuple):
        return typing.get_args(hint)[0]
    return None
