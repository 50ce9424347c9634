"""导入记录: a department uploads a file of licenses, penalties or complaints (a maintainer
names the department) and reads the row-by-row report as a page, with the same report to
download as CSV (Excel-safe) and JSON. The engine is services.records.record_import, the one the API
and the command line use."""

from __future__ import annotations

import base64
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.export import sheet_download
from models.enums import LicenseCategory
from services.platform import sheets
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.labels import listed
from services.platform.sheet_rows import OUTCOME_LABELS, RowOutcome
from services.records import record_import
from services.records.record_columns import COLUMNS, KIND_LABELS, RecordKind
from services.records.record_import_report import MAX_KEPT_LINES, ImportReport
from services.records.record_template import template_csv, template_xlsx
from services.registry.departments import list_departments

# Lines shown on the page; the downloads carry every line the report kept.
PAGE_LINES = 1_000


def _data_url(content: bytes, media_type: str) -> str:
    # The report is a download of what the page shows: no server-side copy to keep or expire.
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


class RecordImportView(CustomView):
    """导入记录 (双归集)."""

    def __init__(self) -> None:
        super().__init__(menu_label="导入记录", icon="fa fa-file-arrow-up", path="/record-import")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return record_import.may_import(principal_of_request(request))

    async def _page(self, request: Request, **context: Any) -> Response:
        principal = principal_of_request(request)
        departments = await list_departments(request.state.session) if principal.is_maintainer else []
        report: ImportReport | None = context.get("report")
        downloads = {}
        if report is not None:
            downloads = {
                "csv": _data_url(report.csv_bytes(), "text/csv;charset=utf-8"),
                "json": _data_url(report.json_bytes(), "application/json;charset=utf-8"),
            }
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="record_import.html",
            context={
                "title": "导入记录",
                "kinds": [(kind.value, KIND_LABELS[kind]) for kind in RecordKind],
                "columns": {kind.value: COLUMNS[kind] for kind in RecordKind},
                "maintainer": principal.is_maintainer,
                "departments": departments,
                "outcomes": [(o.value, OUTCOME_LABELS[o]) for o in RowOutcome],
                "license_categories": listed(LicenseCategory),
                "max_mb": record_import.UPLOAD_MAX_BYTES // (1024 * 1024),
                "page_lines": PAGE_LINES,
                "max_lines": MAX_KEPT_LINES,
                "downloads": downloads,
                "template_url": lambda kind, extension: str(
                    request.url_for("admin:record-import-template", kind=kind, extension=extension)
                ),
                "form": {},
                "problems": [],
                "report": None,
                **context,
            },
        )

    @route("", methods=["GET", "POST"], name="record-import")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._page(request)
        assert self.db is not None
        principal = principal_of_request(request)
        form = await request.form()
        chosen = {key: str(form.get(key, "")).strip() for key in ("kind", "dry_run", "policy", "department")}
        upload = form.get("file")
        try:
            kind = RecordKind(chosen["kind"])
        except ValueError:
            return await self._page(request, form=chosen, problems=["请选择记录种类"])
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._page(request, form=chosen, problems=["请选择要导入的 CSV 或 XLSX 文件"])
        options = record_import.ImportOptions(
            dry_run=chosen["dry_run"] == "1", all_or_nothing=chosen["policy"] == "all"
        )
        department = chosen["department"] if principal.is_maintainer else None
        try:
            record_import.check_upload_size(upload.size)
            report = await record_import.import_records(
                self.db, principal, kind, upload.filename, upload.file, department or None, options
            )
        except DomainError as error:  # the whole file, or the department, refused: nothing stored
            shown = sheets.shown_name(upload.filename)
            problems = [f"{shown}：{p.message}" if shown else p.message for p in error.problems]
            return await self._page(request, form=chosen, problems=problems)
        return await self._page(request, form=chosen, report=report)

    @route("/template/{kind:str}.{extension:str}", name="record-import-template")
    async def template(self, request: Request) -> Response:
        """The kind's import template, with one example row the caller can import as it is."""
        try:
            kind = RecordKind(request.path_params["kind"])
        except ValueError:
            raise HTTPException(404) from None
        extension = request.path_params["extension"]
        if extension not in ("csv", "xlsx"):
            raise HTTPException(404)
        session = request.state.session
        content = await (template_csv if extension == "csv" else template_xlsx)(session, kind)
        return sheet_download(content, extension, f"{KIND_LABELS[kind]}导入模板", f"{kind.value}-template")
