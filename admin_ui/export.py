"""Files the admin hands out: CSV that Excel and WPS open as the maintainers expect (the rule is
services.platform.sheets.write_csv), and a sheet downloaded under a dated Chinese name."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import Response
from starlette_admin.export.csv import CsvExporter
from starlette_admin.fields import BaseField

from services.platform.clock import SHANGHAI
from services.platform.sheets import write_csv

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def sheet_download(content: bytes, extension: str, chinese_name: str, ascii_name: str) -> Response:
    """A CSV or XLSX named in Chinese with today's Beijing date (and in ASCII for old browsers)."""
    name = f"{chinese_name}-{datetime.now(SHANGHAI):%Y%m%d}.{extension}"
    disposition = f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{quote(name)}"
    return Response(
        content, media_type=XLSX_TYPE if extension == "xlsx" else CSV_TYPE, headers={"Content-Disposition": disposition}
    )


class ExcelCsv(CsvExporter):
    """A byte-order mark so Excel reads the Chinese as UTF-8, and cells that start
    with = + - @ escaped so a registered name cannot become a formula."""

    def __init__(self) -> None:
        super().__init__(escape_formulas=True)

    async def generate(self, fields: list[BaseField], rows: list[dict[str, Any]]) -> bytes:
        return write_csv([f.label or f.name for f in fields], ([row.get(f.name, "") for f in fields] for row in rows))


CSV = [ExcelCsv()]
