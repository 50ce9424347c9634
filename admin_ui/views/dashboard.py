"""首页: entities by district and status, as the signed-in user may see them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.district_map import district_map
from models.enums import EntityStatus, NoticeStatus, RiskColour
from services.analysis.dashboard import entity_counts
from services.notices.inbox import inbox_counts
from services.platform.access import may_handle
from services.platform.labels import label


class DashboardView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="首页", icon="fa fa-chart-bar", path="/")

    @route("")
    async def index(self, request: Request) -> Response:
        counts = await entity_counts(request.state.session)
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="dashboard.html",
            context={
                "title": "首页",
                "statuses": [(status, label(status)) for status in EntityStatus],
                "colours": [(colour, label(colour)) for colour in RiskColour],
                "counts": counts,
                "district_map": district_map(request, counts),
                "total": sum(row.total for row in counts),
                "notices": await inbox_counts(request.state.session),
                "notice_statuses": {status.value: label(status) for status in NoticeStatus},
                "handles_notices": may_handle(principal_of_request(request)),
                "inbox_url": str(request.url_for("admin:notice-inbox")),
            },
        )
