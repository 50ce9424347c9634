"""导入执法检查人员: upload a file (dry run or for real), read the row-by-row report, and
download the template (the caller's inspectors as they stand). A department imports its own,
a maintainer any department's; the rules are services.spotchecks.inspector_import's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route

from admin_ui.auth import principal_of_request
from admin_ui.sheet_import_view import Kind, SheetImportView
from services.platform.access import Operation, may
from services.platform.sheet_import import SheetFile
from services.spotchecks.inspector_import import COLUMNS, import_inspectors, template_csv, template_xlsx


class InspectorImportView(SheetImportView):
    """导入执法检查人员 (and the template beside it)."""

    heading = "导入执法检查人员"
    page = "inspector_import.html"
    columns = COLUMNS
    download_names = ("执法检查人员", "inspectors")

    def __init__(self) -> None:
        super().__init__("/inspector-import")

    def is_accessible(self, request: Request) -> bool:
        return may(principal_of_request(request), Operation.IMPORT_INSPECTORS)

    def page_context(self, request: Request) -> dict[str, Any]:
        return {"maintainer": principal_of_request(request).is_maintainer}

    async def run(self, session: AsyncSession, file: SheetFile, dry_run: bool) -> Any:
        return await import_inspectors(session, file, dry_run)

    async def template_file(self, request: Request, kind: Kind) -> bytes:
        session = request.state.session
        return await (template_xlsx(session) if kind == "xlsx" else template_csv(session))

    @route("", methods=["GET", "POST"], name="inspector-import")
    async def index(self, request: Request) -> Response:
        return await self.upload(request)

    @route("/template.csv", name="inspector-template-csv")
    async def template_csv(self, request: Request) -> Response:
        return await self.download(request, "csv")

    @route("/template.xlsx", name="inspector-template-xlsx")
    async def template_xlsx(self, request: Request) -> Response:
        return await self.download(request, "xlsx")
