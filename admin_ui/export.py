"""Files the admin hands out. Every list page's 导出全部 (admin_ui.base.ServiceView) exports the
whole result the list shows: its filters, search and order, every page of it, read through the
user's own row policy a chunk at a time and written as it is read (a CSV streamed, an XLSX through
a temporary file), so a million rows take no more memory than a thousand. The cells say what the
page says (services.platform.exports): Chinese labels, Beijing time, JSON; the file is named in
Chinese with the date; each export is one audit event.

Also: a CSV or XLSX built by a service (catalog, templates) downloaded under a dated Chinese name."""

from __future__ import annotations

import io
import os
import tempfile
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from sqlalchemy import Select, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.export.base import BaseExporter, ExportContext
from starlette_admin.export.csv import CsvExporter
from starlette_admin.fields import BaseField, EnumField
from starlette_admin.flash import flash
from starlette_admin.helpers import safe_redirect_url, view_list_url
from starlette_admin.types import RequestAction

from admin_ui.auth import principal_of_request
from services.platform.clock import today
from services.platform.db import Database
from services.platform.exports import Cell, cell, record_export, text
from services.platform.paging import count_rows
from services.platform.principal import Principal
from services.platform.sheets import CsvWriter, XlsxWriter, write_csv, write_xlsx
from services.platform.transactions import run_change

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Rows read and written at a time: what memory holds of an export at once.
CHUNK = 1000
# Rows other than the exported ones (departments, regions) kept at most while an export runs.
KEPT_LOOKUPS = 10_000


def disposition(chinese_name: str, ascii_name: str, extension: str) -> str:
    """An attachment named in Chinese with today's Beijing date (RFC 5987), and in ASCII for
    clients that read only the plain `filename`."""
    day = f"{today():%Y%m%d}"
    name = quote(f"{chinese_name}-{day}.{extension}")
    return f"attachment; filename=\"{ascii_name}-{day}.{extension}\"; filename*=UTF-8''{name}"


def sheet_download(content: bytes, extension: str, chinese_name: str, ascii_name: str) -> Response:
    """A CSV or XLSX a service built, named in Chinese with today's Beijing date."""
    return Response(
        content,
        media_type=XLSX_TYPE if extension == "xlsx" else CSV_TYPE,
        headers={"Content-Disposition": disposition(chinese_name, ascii_name, extension)},
    )


class ExcelCsv(CsvExporter):
    """CSV as Excel and WPS open it: a byte-order mark, formulas escaped (sheets.CsvWriter)."""

    def __init__(self) -> None:
        super().__init__(escape_formulas=True)

    async def generate(self, fields: list[BaseField], rows: list[dict[str, Any]]) -> bytes:
        header = [f.label or f.name for f in fields]
        values = [[row.get(f.name, "") for f in fields] for row in rows]
        return await anyio.to_thread.run_sync(write_csv, header, values)


class ExcelXlsx(BaseExporter):
    content_type = XLSX_TYPE
    extension = "xlsx"

    async def generate(self, ctx: ExportContext) -> bytes:  # type: ignore[override]
        names = [f.name for f in ctx.fields]
        rows = [[row.get(name, "") for name in names] for row in ctx.rows]
        header = [f.label or f.name for f in ctx.fields]
        return await anyio.to_thread.run_sync(write_xlsx, ctx.filename, header, rows)  # off the event loop


# The formats a list page offers, in the order of its export form.
FORMATS: list[BaseExporter] = [ExcelCsv(), ExcelXlsx()]
FORMAT_NAMES = {"csv": "CSV（Excel、WPS 均可打开，适合大量数据）", "xlsx": "Excel 工作簿（XLSX）"}


def extensions(view: ModelView) -> list[str]:
    return [e.extension for e in view.exporters if isinstance(e, BaseExporter)]


async def export_form(request: Request, view: Any) -> str:
    """The 导出全部 dialog: what will be exported, and in which format."""
    assert view._admin is not None
    template = view._admin.templates.env.get_template("export_form.html")
    formats = [(e, FORMAT_NAMES.get(e, e)) for e in extensions(view)]
    return str(template.render(request=request, formats=formats, name=view.display_name))


async def _listed(view: ModelView, request: Request, query: str) -> Select[Any]:
    """The list page's statement for this query string, without its page: the same filters,
    search and order (then the key, so rows that tie keep one order)."""
    request.state.action = RequestAction.LIST
    params = view._parse_list_params(request, QueryParams(query))
    statement = view.get_list_query(request)
    statement = await view._apply_search_and_filters(request, statement, params.q, params.filters)
    statement = view.build_order_clauses(request, params.sorts, statement)
    keys = view._pk_column if isinstance(view._pk_column, tuple) else (view._pk_column,)
    return statement.order_by(*keys)


def _cells(request: Request, fields: Sequence[BaseField]) -> Callable[[Any], Awaitable[list[Cell]]]:
    labels = {
        f.name: {str(c[0]): str(c[1]) for c in f.choices if isinstance(c, tuple)}
        for f in fields
        if isinstance(f, EnumField) and f.choices
    }

    async def row(obj: Any) -> list[Cell]:
        cells: list[Cell] = []
        for field in fields:
            value = await field.parse_obj(request, obj)
            own = (field.formatter or {}).get(RequestAction.EXPORT)
            cells.append(cell(await own(request, value) if own else value, labels.get(field.name)))
        return cells

    return row


def _keep_looked_up(session: AsyncSession, model: type) -> None:
    """Keep what the getters look up (a row's department, by id) in the session while the export
    runs: the identity map holds objects only weakly, so a lookup made on every row would be a
    query on every row. The exported rows themselves are not kept, and the rest only so many."""
    kept: OrderedDict[int, object] = OrderedDict()

    def loaded(_session: Session, instance: object) -> None:
        if not isinstance(instance, model):
            kept[id(instance)] = instance
            if len(kept) > KEPT_LOOKUPS:
                kept.popitem(last=False)

    event.listen(session.sync_session, "loaded_as_persistent", loaded)


async def _chunks(
    db: Database,
    principal: Principal,
    request: Request,
    statement: Select[Any],
    fields: Sequence[BaseField],
    model: type,
) -> AsyncGenerator[list[list[Cell]], None]:
    session = await db.snapshot_session(principal)
    # The fields' getters read through the request's session; the page's own is closed by the
    # time a streamed body is written.
    request.state.session = session
    _keep_looked_up(session, model)
    row = _cells(request, fields)
    try:
        result = await session.stream_scalars(statement.execution_options(yield_per=CHUNK))
        async for part in result.partitions():
            yield [await row(obj) for obj in part]
    finally:
        await session.close()


async def export_filtered(view: ModelView, db: Database, request: Request) -> Response:
    """The list as filtered, searched and ordered on screen, every page of it, as CSV or XLSX."""
    form = await request.form()
    file_format = str(form.get("format") or "csv")
    if file_format not in extensions(view):
        # The dialog posts as a page, not a script: the reason goes back to the list as a message.
        flash(request, "请选择导出格式：CSV 或 Excel（XLSX）", "error")
        back = view_list_url(request, str(view.key))
        return RedirectResponse(safe_redirect_url(request.query_params.get("_origin") or back, request, back), 303)
    query = (request.query_params.get("_list_query") or "").lstrip("?")
    principal = principal_of_request(request)
    statement = await _listed(view, request, query)
    request.state.action = RequestAction.EXPORT
    fields = view.get_fields_list(request, action=RequestAction.EXPORT)
    header = [f.label or f.name for f in fields]
    chunks = _chunks(db, principal, request, statement, fields, view.model)
    headers = {"Content-Disposition": disposition(view.display_name or "导出", view.key or "export", file_format)}

    async def exported(rows: int) -> None:
        object_type = view.model.__name__
        await run_change(
            db, principal, lambda session: record_export(session, object_type, view.display_name or "", file_format,
                                                         query, rows)
        )  # fmt: skip

    if file_format == "csv":
        # Audited before the first byte, with the rows counted under the same policy: a
        # download taken whole and then cut off (or an audit write failing after it) would
        # otherwise leave no trace of who took the file.
        await exported(await _count(db, principal, statement, view.model))
        return StreamingResponse(_csv(header, chunks), media_type=CSV_TYPE, headers=headers)
    path, rows = await _xlsx(view.display_name or "导出", header, chunks)
    try:
        await exported(rows)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=XLSX_TYPE, headers=headers, background=BackgroundTask(os.unlink, path))


async def _count(db: Database, principal: Principal, statement: Select[Any], model: type) -> int:
    key: Any = sa_inspect(model).primary_key[0]
    async with db.session(principal) as session:
        return await count_rows(session, statement, key)


async def _csv(header: list[str], chunks: AsyncGenerator[list[list[Cell]], None]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = CsvWriter(out, header)
    # Closed however the download ends (a browser that goes away mid-file), so the reading
    # session goes back to the pool at once.
    async with aclosing(chunks):
        async for chunk in chunks:
            for values in chunk:
                writer.write([text(value) for value in values])
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")  # the header of an empty result


async def _xlsx(title: str, header: list[str], chunks: AsyncGenerator[list[list[Cell]], None]) -> tuple[str, int]:
    """The rows into a temporary XLSX (openpyxl's write-only mode keeps none of them in memory)."""
    handle, path = tempfile.mkstemp(prefix="jianguan-export-", suffix=".xlsx")
    os.close(handle)
    try:
        writer = XlsxWriter(title, header)

        def write(part: list[list[Cell]]) -> None:
            for values in part:
                writer.write(values)

        rows = 0
        async with aclosing(chunks):
            async for chunk in chunks:
                await anyio.to_thread.run_sync(write, chunk)
                rows += len(chunk)
        await anyio.to_thread.run_sync(writer.save, path)
    except BaseException:
        os.unlink(path)
        raise
    return path, rows
