"""An import page as a declaration: upload a CSV/XLSX (dry run or for real), read the row-by-row
report, download the template. A page declares its title, template (over _sheet_import.html),
columns, the service it calls and the template file it hands out; its routes stay its own, so
their names and URLs are declared where the page is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.views import CustomView

from admin_ui.base import run_as
from admin_ui.export import sheet_download
from services.platform import sheets
from services.platform.db import Database
from services.platform.sheet_import import SheetFile
from services.platform.sheet_rows import OUTCOME_LABELS, Column, RowOutcome

Kind = Literal["csv", "xlsx"]


class SheetImportView(CustomView):
    heading: ClassVar[str]  # the menu label and the page's title
    page: ClassVar[str]  # the Jinja template
    columns: ClassVar[Sequence[Column]]
    download_names: ClassVar[tuple[str, str]]  # the template file's Chinese and ASCII names

    def __init__(self, path: str) -> None:
        super().__init__(menu_label=self.heading, icon="fa fa-file-import", path=path, add_to_menu=False)
        self.db: Database | None = None

    async def run(self, session: AsyncSession, file: SheetFile, dry_run: bool) -> Any:
        """The service's import: its report, or a DomainError refusing the whole file."""
        raise NotImplementedError

    async def template_file(self, request: Request, kind: Kind) -> bytes:
        raise NotImplementedError

    def page_context(self, request: Request) -> dict[str, Any]:
        """What only this page's template reads."""
        return {}

    def _page(self, request: Request, **context: Any) -> Response:
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name=self.page,
            context={
                "title": self.heading,
                "columns": self.columns,
                **self.page_context(request),
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

    async def upload(self, request: Request) -> Response:
        """The page (GET), or a file imported and the page with its report (POST)."""
        if request.method == "GET":
            return self._page(request)
        assert self.db is not None
        form = await request.form()
        upload, dry_run = form.get("file"), form.get("dry_run") == "1"
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._page(request, problems=["请选择要导入的 CSV 或 XLSX 文件"], dry_run=dry_run)
        sent = SheetFile(upload.filename, await upload.read(sheets.MAX_BYTES + 1))
        report, problems = await run_as(self.db, request, lambda session: self.run(session, sent, dry_run))
        if problems or report is None:
            refused = [p.message for p in problems]
            return self._page(request, filename=sheets.shown_name(sent.filename), problems=refused, dry_run=dry_run)
        return self._page(request, filename=sent.filename, report=report, dry_run=dry_run)

    async def download(self, request: Request, kind: Kind) -> Response:
        return sheet_download(await self.template_file(request, kind), kind, *self.download_names)
