"""目录缺口: what the duty catalog misses, for its maintainers (services.notices.catalog_gaps)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from services.notices.catalog_gaps import MAX_GROUPS, SCAN_LIMIT, returned_notices, unmatched_phrases
from services.platform.access import may_maintain


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
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="catalog_gaps.html",
            context={
                "title": "目录缺口",
                "unmatched": unmatched,
                "returned": returned,
                "scan_limit": SCAN_LIMIT,
                "max_groups": MAX_GROUPS,
            },
        )
