"""目录缺口: what the duty catalog misses, for its maintainers (services.notices.catalog_gaps)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.page_number import page_number
from services.notices.catalog_gaps import MAX_GROUPS, SCAN_LIMIT, returned_notices, unmatched_phrases
from services.platform.access import may_maintain
from services.platform.paging import numbered_slice

PHRASES_PER_PAGE = 20
GROUPS_PER_PAGE = 10


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
                "phrases": numbered_slice(unmatched.phrases, page_number(request, "phrases_page"), PHRASES_PER_PAGE),
                "returned": numbered_slice(returned, page_number(request, "returned_page"), GROUPS_PER_PAGE),
                # Each list keeps the other's page when it turns its own.
                "page_url": lambda name, number: str(base.include_query_params(**{**params, name: number})),
                "phrases_per_page": PHRASES_PER_PAGE,
                "groups_per_page": GROUPS_PER_PAGE,
                "scan_limit": SCAN_LIMIT,
                "max_groups": MAX_GROUPS,
            },
        )
