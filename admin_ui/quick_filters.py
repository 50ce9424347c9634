"""Quick filters: one click picks a value of a column (a colour, a district, a status) through
starlette-admin's own `filter` parameter, so the filter bar, the count and the export all follow."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from starlette.requests import Request
from starlette_admin.views import BaseModelView


@dataclass(frozen=True)
class QuickDimension:
    field: str
    label: str
    choices: list[tuple[str, str]]  # (value, label)
    badges: bool = False  # shown as colour badges (templates/_colour.html)


@dataclass(frozen=True)
class QuickChoice:
    value: str | None  # None: 全部
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class QuickGroup:
    field: str
    label: str
    badges: bool
    choices: list[QuickChoice] = dc_field(default_factory=list)


def _rules(view: BaseModelView, raw: str | None) -> list[Any]:
    """The top-level rules of the list's filter (an AND of them); an OR group stays one rule."""
    if not raw:
        return []
    try:
        tree = view._parse_filter_string(raw)
    except ValueError:
        return []
    if isinstance(tree, dict) and "rules" in tree and tree.get("logic", "and") == "and":
        return list(tree["rules"])
    return [tree]


def quick_groups(view: BaseModelView, request: Request, dimensions: list[QuickDimension]) -> list[QuickGroup]:
    """For each dimension, a link per value (and 全部) that sets that column `eq` the value, keeping
    the other quick choices and any rule built in the filter builder; which one holds now is marked."""
    quick = {d.field for d in dimensions}
    chosen: dict[str, str] = {}
    others: list[Any] = []
    for rule in _rules(view, request.query_params.get("filter")):
        name = rule.get("field") if isinstance(rule, dict) else None
        value = rule.get("value") if isinstance(rule, dict) else None
        if name in quick and name not in chosen and rule.get("filter") == "eq" and isinstance(value, str):
            chosen[name] = value
        else:
            others.append(rule)

    def url(name: str, value: str | None) -> str:
        picked = {**chosen, name: value} if value is not None else {k: v for k, v in chosen.items() if k != name}
        rules = others + [
            {"field": d.field, "filter": "eq", "value": picked[d.field]} for d in dimensions if d.field in picked
        ]
        return BaseModelView._filter_tree_url(request, "and", rules)

    return [
        QuickGroup(
            d.field,
            d.label,
            d.badges,
            [QuickChoice(None, "全部", url(d.field, None), d.field not in chosen)]
            + [
                QuickChoice(value, text, url(d.field, value), chosen.get(d.field) == value) for value, text in d.choices
            ],
        )
        for d in dimensions
    ]
