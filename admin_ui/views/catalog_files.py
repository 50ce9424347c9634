"""监管职责目录 as a file: the import page (upload, then the row-by-row report) and the
CSV/XLSX exports, linked from the catalog's list page. Maintainers only; the rules are
services.catalog.catalog_io's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route

from admin_ui.auth import principal_of_request
from admin_ui.export import sheet_download
from admin_ui.sheet_import_view import Kind, SheetImportView
from services.catalog.catalog_io import COLUMNS, export_csv, export_xlsx, import_catalog, template_csv, template_xlsx
from services.platform.access import may_maintain
from services.platform.clock import today
from services.platform.sheet_import import SheetFile


class CatalogFilesView(SheetImportView):
    """导入监管事项 (and the exports beside it). Rows are kept or refused one by one, so the
    page has no dry run."""

    heading = "导入监管事项"
    page = "catalog_import.html"
    columns = COLUMNS
    download_names = ("监管职责目录导入模板", "catalog-template")

    def __init__(self) -> None:
        super().__init__("/supervision-matter-import")

    def is_accessible(self, request: Request) -> bool:
        return may_maintain(principal_of_request(request))

    async def run(self, session: AsyncSession, file: SheetFile, dry_run: bool) -> Any:
        return await import_catalog(session, file.filename, file.data)

    async def template_file(self, request: Request, kind: Kind) -> bytes:
        session = request.state.session
        return await (template_xlsx(session, today()) if kind == "xlsx" else template_csv(session, today()))

    @route("", methods=["GET", "POST"], name="catalog-import")
    async def index(self, request: Request) -> Response:
        return await self.upload(request)

    @route("/export.csv", name="catalog-export-csv")
    async def export_csv(self, request: Request) -> Response:
        return sheet_download(await export_csv(request.state.session), "csv", "监管职责目录", "catalog")

    @route("/export.xlsx", name="catalog-export-xlsx")
    async def export_xlsx(self, request: Request) -> Response:
        return sheet_download(await export_xlsx(request.state.session), "xlsx", "监管职责目录", "catalog")

    @route("/template.csv", name="catalog-template-csv")
    async def template_csv(self, request: Request) -> Response:
        return await self.download(request, "csv")

    @route("/template.xlsx", name="catalog-template-xlsx")
    async def template_xlsx(self, request: Request) -> Response:
        return await self.download(request, "xlsx")
