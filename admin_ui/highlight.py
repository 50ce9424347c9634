"""The search box's text marked where a list shows it (`<mark>`), everything else escaped."""

from __future__ import annotations

import re

from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.requests import Request

from services.platform.search import MAX_SEARCH_TEXT


def marked(value: object, term: str) -> Markup:
    """`value` as HTML, each occurrence of `term` (case ignored) inside <mark>."""
    text = str(value)
    term = term.strip()
    if not term or len(term) > MAX_SEARCH_TEXT:
        return escape(text)
    parts: list[Markup] = []
    last = 0
    for found in re.finditer(re.escape(term), text, re.IGNORECASE):
        parts += [escape(text[last : found.start()]), Markup("<mark>{}</mark>").format(found.group())]
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def searched(request: Request) -> str:
    """The list's search text (the `q` of its address)."""
    return request.query_params.get("q", "")


def install(env: Environment) -> None:
    env.filters["marked"] = marked
    env.globals["searched"] = searched
