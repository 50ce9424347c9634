"""Descriptions of enum values: the Chinese label from services.platform.labels (the words the
admin pages and files use), then an English sentence."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from services.platform.labels import label


def describe_values(enum: type[Enum], english: Mapping[str, str], chinese: Mapping[str, str] | None = None) -> None:
    """Give each value of a registered strawberry enum its description: "标签 / English.".
    `chinese` names a value's Chinese term where the labels table has none."""
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    unknown = set(english) - {value.name for value in definition.values}
    if unknown:
        raise ValueError(f"{enum.__name__} has no value {sorted(unknown)}")
    # A value added later without a description is left for tests/test_schema_descriptions to name.
    for value in (v for v in definition.values if v.name in english):
        member = enum[value.name]
        term = (chinese or {}).get(value.name) or label(member)
        if term == member.value:
            raise ValueError(f"{enum.__name__}.{value.name} has no Chinese label")
        value.description = f"{term} / {english[value.name]}"


__all__ = ["describe_values"]
