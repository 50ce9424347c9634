"""四色警示 as a coloured badge wherever a colour is shown: one field, one Jinja macro
(templates/_colour.html) and one small stylesheet (static/colour.css)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette_admin import EnumField
from starlette_admin.helpers import static_url
from starlette_admin.types import RequestAction

from models.enums import RiskColour
from services.platform.labels import choices, label


def colour_label(code: Any) -> str:
    """The Chinese name of a colour code (a RiskColour or its value); the code itself if unknown."""
    value = str(getattr(code, "value", code))
    return label(RiskColour(value)) if value in RiskColour.__members__ else value


def install(env: Environment) -> None:
    """Makes `colour_label` known to every admin template (the macro reads it)."""
    env.globals["colour_label"] = colour_label


@dataclass
class ColourField(EnumField):
    """A risk colour (or, `multiple`, several) shown as badges; forms and exports keep the codes."""

    list_template: str = "fields/list/colour_badge.html"
    detail_template: str = "fields/detail/colour_badge.html"

    def __post_init__(self) -> None:
        if not self.choices:
            self.choices = choices(RiskColour)
        super().__post_init__()

    async def serialize_value(self, request: Request, value: Any) -> Any:
        action = request.state.action
        if action.is_form() or action == RequestAction.EXPORT:
            return await super().serialize_value(request, value)
        codes = [v.value if isinstance(v, Enum) else v for v in (value if self.multiple else [value])]
        return codes if self.multiple else codes[0]

    def additional_css_links(self, request: Request) -> list[str]:
        return [static_url(request, "colour.css")]
