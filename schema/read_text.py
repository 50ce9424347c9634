"""The text rule for what a read is given: a query or subscription whose variables or string
literals hold a character the rule refuses (services.platform.checks: control, format and lone
surrogate characters) is refused before it runs, with INVALID_TEXT.

Mutations check their text field by field (schema.platform.text_boundary) and report it as
UserErrors; reads only compare the caller's text with what is stored, but a NUL or half a
surrogate pair cannot even be sent to PostgreSQL (or encoded as UTF-8), and an internal error
is the wrong answer to a caller's typo. Searching for a control character finds nothing anyway."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit

from services.platform.checks import refused_character

INVALID_TEXT = "INVALID_TEXT"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, f"{path}.{index}")


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found.append(node.value)


def _refusal(where: str, value: str) -> GraphQLError | None:
    wrong = refused_character(value)
    if wrong is None:
        return None
    return GraphQLError(f"{where}含有{wrong}，请检查后重新填写", extensions={"code": INVALID_TEXT, "field": where})


def in_literals(document: DocumentNode) -> GraphQLError | None:
    """INVALID_TEXT for a string written in the document that the rule refuses."""
    literals = _Literals()
    visit(document, literals)
    return next((e for value in literals.found if (e := _refusal("查询中的字符串", value)) is not None), None)


def in_variables(variables: Mapping[str, Any] | None) -> GraphQLError | None:
    """INVALID_TEXT for a variable holding such text, at any depth (named `$name.field.0`)."""
    for path, value in _strings(dict(variables or {}), ""):
        if (error := _refusal(f"变量 ${path.lstrip('.')}", value)) is not None:
            return error
    return None
