"""CSV that Excel and WPS open as the maintainers expect (the rule is services.platform.sheets.write_csv)."""

from __future__ import annotations

from typing import Any

from starlette_admin.export.csv import CsvExporter
from starlette_admin.fields import BaseField

from services.platform.sheets import write_csv


class ExcelCsv(CsvExporter):
    """A byte-order mark so Excel reads the Chinese as UTF-8, and cells that start
    with = + - @ escaped so a registered name cannot become a formula."""

    def __init__(self) -> None:
        super().__init__(escape_formulas=True)

    async def generate(self, fields: list[BaseField], rows: list[dict[str, Any]]) -> bytes:
        return write_csv([f.label or f.name for f in fields], ([row.get(f.name, "") for f in fields] for row in rows))


CSV = [ExcelCsv()]
