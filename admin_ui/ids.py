"""Row ids in the admin's paths and forms, by the one rule for ids (services.platform.ids)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from services.platform.ids import row_id


def path_id(request: Request, name: str) -> int:
    """The row id in the page's path; 404 for one no row can have (a route's `int` takes any
    number of ASCII digits, which the database would refuse to compare past its INTEGER)."""
    found = row_id(request.path_params[name])
    if found is None:
        raise HTTPException(404)
    return found
