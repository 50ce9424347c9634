"""导入部门: upload a CSV/XLSX of departments (dry run or for real), read the row-by-row report,
and download the template (Chinese headers and one example row). Maintainers only; the rules
are services.registry.department_import's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route

from admin_ui.auth import principal_of_request
from admin_ui.sheet_import_view import Kind, SheetImportView
from services.platform.sheet_import import SheetFile
from services.registry.department_import import COLUMNS, import_departments, template_csv, template_xlsx


class DepartmentImportView(SheetImportView):
    """导入部门 (and the template beside it)."""

    heading = "导入部门"
    page = "department_import.html"
    columns = COLUMNS
    download_names = ("部门导入模板", "departments-template")

    def __init__(self) -> None:
        super().__init__("/department-import")

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_maintainer

    async def run(self, session: AsyncSession, file: SheetFile, dry_run: bool) -> Any:
        return await import_departments(session, file, dry_run)

    async def template_file(self, request: Request, kind: Kind) -> bytes:
        return template_xlsx() if kind == "xlsx" else template_csv()

    @route("", methods=["GET", "POST"], name="department-import")
    async def index(self, request: Request) -> Response:
        return await self.upload(request)

    @route("/template.csv", name="department-template-csv")
    async def template_csv(self, request: Request) -> Response:
        return await self.download(request, "csv")

    @route("/template.xlsx", name="department-template-xlsx")
    async def template_xlsx(self, request: Request) -> Response:
        return await self.download(request, "xlsx")
