"""导入部门: upload a CSV/XLSX of departments (dry run or for real), read the row-by-row report,
and download the template (Chinese headers and one example row). Maintainers only; the rules
are services.registry.department_import's."""

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
from services.platform import sheets
from services.platform.db import Database
from services.registry.department_import import (
    COLUMNS,
    OUTCOME_LABELS,
    RowOutcome,
    SheetFile,
    import_departments,
    template_csv,
    template_xlsx,
)


class DepartmentImportView(CustomView):
    """导入部门 (and the template beside it)."""

    def __init__(self) -> None:
        super().__init__(menu_label="导入部门", icon="fa fa-file-import", path="/department-import", add_to_menu=False)
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_maintainer

    def _page(self, request: Request, **context: Any) -> Response:
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="department_import.html",
            context={
                "title": "导入部门",
                "columns": COLUMNS,
                "max_rows": sheets.MAX_ROWS,
                "max_mb": sheets.MAX_BYTES // (1024 * 1024),
                "outcomes": [(o.value, OUTCOME_LABELS[o]) for o in RowOutcome],
                "report": None,
                "problems": [],
                "filename": "",
                "dry_run": False,
                **context,
            },
        )

    @route("", methods=["GET", "POST"], name="department-import")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page(request)
        assert self.db is not None
        form = await request.form()
        upload, dry_run = form.get("file"), form.get("dry_run") == "1"
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._page(request, problems=["请选择要导入的 CSV 或 XLSX 文件"], dry_run=dry_run)
        sent = SheetFile(upload.filename, await upload.read(sheets.MAX_BYTES + 1))
        report, problems = await run_as(self.db, request, lambda session: import_departments(session, sent, dry_run))
        if problems or report is None:
            refused = [p.message for p in problems]
            return self._page(request, filename=sent.filename, problems=refused, dry_run=dry_run)
        return self._page(request, filename=sent.filename, report=report, dry_run=dry_run)

    @route("/template.csv", name="department-template-csv")
    async def template_csv(self, request: Request) -> Response:
        return sheet_download(template_csv(), "csv", "部门导入模板", "departments-template")

    @route("/template.xlsx", name="department-template-xlsx")
    async def template_xlsx(self, request: Request) -> Response:
        return sheet_download(template_xlsx(), "xlsx", "部门导入模板", "departments-template")
