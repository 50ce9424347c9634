"""监管职责目录 as a file: the import page (upload, then the row-by-row report) and the
CSV/XLSX exports, linked from the catalog's list page. Maintainers only; the rules are
services.catalog.catalog_io's."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from admin_ui.export import sheet_download
from services.catalog.catalog_io import COLUMNS, export_csv, export_xlsx, import_catalog, template_csv, template_xlsx
from services.platform import sheets
from services.platform.access import may_maintain
from services.platform.clock import today
from services.platform.db import Database
from services.platform.sheet_rows import OUTCOME_LABELS, RowOutcome


class CatalogFilesView(CustomView):
    """导入监管事项 (and the exports beside it)."""

    def __init__(self) -> None:
        super().__init__(
            menu_label="导入监管事项", icon="fa fa-file-import", path="/supervision-matter-import", add_to_menu=False
        )
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return may_maintain(principal_of_request(request))

    def _page(self, request: Request, **context: Any) -> Response:
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="catalog_import.html",
            context={
                "title": "导入监管事项",
                "columns": COLUMNS,
                "max_rows": sheets.MAX_ROWS,
                "max_mb": sheets.MAX_BYTES // (1024 * 1024),
                "outcomes": [(o.value, OUTCOME_LABELS[o]) for o in RowOutcome],
                "report": None,
                "problems": [],
                "filename": "",
                **context,
            },
        )

    @route("", methods=["GET", "POST"], name="catalog-import")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page(request)
        assert self.db is not None
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._page(request, problems=["请选择要导入的 CSV 或 XLSX 文件"])
        filename, data = upload.filename, await upload.read(sheets.MAX_BYTES + 1)
        report, problems = await run_as(self.db, request, lambda session: import_catalog(session, filename, data))
        if problems or report is None:
            return self._page(request, filename=filename, problems=[p.message for p in problems])
        return self._page(request, filename=filename, report=report)

    @route("/export.csv", name="catalog-export-csv")
    async def export_csv(self, request: Request) -> Response:
        return sheet_download(await export_csv(request.state.session), "csv", "监管职责目录", "catalog")

    @route("/export.xlsx", name="catalog-export-xlsx")
    async def export_xlsx(self, request: Request) -> Response:
        return sheet_download(await export_xlsx(request.state.session), "xlsx", "监管职责目录", "catalog")

    @route("/template.csv", name="catalog-template-csv")
    async def template_csv(self, request: Request) -> Response:
        return sheet_download(
            await template_csv(request.state.session, today()), "csv", "监管职责目录导入模板", "catalog-template"
        )

    @route("/template.xlsx", name="catalog-template-xlsx")
    async def template_xlsx(self, request: Request) -> Response:
        return sheet_download(
            await template_xlsx(request.state.session, today()), "xlsx", "监管职责目录导入模板", "catalog-template"
        )
