"""Every type, field, argument, input field and enum value of the API says what it is, in Chinese
and in English (GraphiQL's documentation explorer and generated clients show these)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    is_scalar_type,
    specified_directives,
    specified_scalar_types,
)
from graphql.type.introspection import introspection_types

import schema

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _described(schema_: GraphQLSchema) -> Iterator[tuple[str, str | None]]:
    """(what, its description) for everything of ours the schema declares."""
    for name, kind in sorted(schema_.type_map.items()):
        if name in introspection_types or name in specified_scalar_types:
            continue  # the spec's own, described by graphql-core
        yield from _of_type(name, kind)
    for directive in schema_.directives:
        if directive not in specified_directives:
            yield f"directive @{directive.name}", directive.description
            for arg_name, arg in directive.args.items():
                yield f"argument @{directive.name}({arg_name})", arg.description


def _of_type(name: str, kind: GraphQLNamedType) -> Iterator[tuple[str, str | None]]:
    yield f"type {name}", kind.description
    if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in kind.fields.items():
            yield f"field {name}.{field_name}", field.description
            for arg_name, arg in field.args.items():
                yield f"argument {name}.{field_name}({arg_name})", arg.description
    elif isinstance(kind, GraphQLInputObjectType):
        for field_name, input_field in kind.fields.items():
            yield f"input field {name}.{field_name}", input_field.description
    elif isinstance(kind, GraphQLEnumType):
        for value_name, value in kind.values.items():
            yield f"enum value {name}.{value_name}", value.description


def test_everything_in_the_schema_has_a_description() -> None:
    everything = list(_described(schema.schema._schema))
    assert len(everything) > 1000  # the walk reached the whole schema
    missing = [what for what, description in everything if not (description or "").strip()]
    assert missing == [], f"{len(missing)} without a description:\n" + "\n".join(missing)


def test_each_description_is_in_chinese_and_in_english() -> None:
    scalars = {f"type {name}" for name, kind in schema.schema._schema.type_map.items() if is_scalar_type(kind)}
    one_language = [
        f"{what}: {description}"
        for what, description in _described(schema.schema._schema)
        if what not in scalars  # strawberry's Date, Decimal, JSON, Upload: the library's words
        and description
        and not (CHINESE.search(description) and ENGLISH.search(description))
    ]
    assert one_language == [], "\n".join(one_language)
