"""Which numbered page a link asked for, read the same way on every paged admin page."""

from __future__ import annotations

from starlette.requests import Request


def page_number(request: Request, param: str) -> int:
    """The page the link asked for in `param`; the first for anything that is no page number."""
    raw = request.query_params.get(param, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1
