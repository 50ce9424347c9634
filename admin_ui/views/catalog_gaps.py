"""目录缺口: what the duty catalog misses, for its maintainers (services.notices.catalog_gaps)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from services.notices.catalog_gaps import MAX_GROUPS, SCAN_LIMIT, returned_notices, unmatched_phrases
from services.platform.access import may_maintain

T = TypeVar("T")
PHRASES_PER_PAGE = 20
GROUPS_PER_PAGE = 10


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a list the service has already ranked and bounded (at most MAX_GROUPS)."""

    rows: Sequence[T]
    number: int  # from 1
    pages: int
    total: int
    first_index: int  # the first row's position in the whole list, from 1


def page_of(rows: Sequence[T], asked: str | None, size: int) -> Slice[T]:
    """A page number from the URL, held to the pages there are (a stale link lands on the last)."""
    pages = max(1, -(-len(rows) // size))
    number = int(asked) if asked and asked.isdigit() else 1
    number = min(max(number, 1), pages)
    start = (number - 1) * size
    return Slice(rows[start : start + size], number, pages, len(rows), start + 1)


class CatalogGapsView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="目录缺口", icon="fa fa-puzzle-piece", path="/catalog-gaps")

    def is_accessible(self, request: Request) -> bool:
        return may_maintain(principal_of_request(request))

    @route("", name="catalog-gaps")
    async def index(self, request: Request) -> Response:
        session = request.state.session
        unmatched = await unmatched_phrases(session)
        returned = await returned_notices(session)
        params = request.query_params
        base = request.url_for("admin:catalog-gaps")
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="catalog_gaps.html",
            context={
                "title": "目录缺口",
                "unmatched": unmatched,
                "phrases": page_of(unmatched.phrases, params.get("phrases_page"), PHRASES_PER_PAGE),
                "returned": page_of(returned, params.get("returned_page"), GROUPS_PER_PAGE),
                # Each list keeps the other's page when it turns its own.
                "page_url": lambda name, number: str(base.include_query_params(**{**params, name: number})),
                "scan_limit": SCAN_LIMIT,
                "max_groups": MAX_GROUPS,
            },
        )
