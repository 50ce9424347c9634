"""Spreadsheet files as people send them: CSV (UTF-8 with or without BOM, GB18030) or XLSX
in, rows numbered as the user sees them; CSV that Excel and WPS open safely, and XLSX, out.

A file that cannot be read as a table is one DomainError (field "file"): no row of it is used."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from services.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
_FIELD = "file"
_BOM = "\ufeff"
_FORMULA_START = frozenset("=+-@")
_LEADING_SPACE = " \t\r\n\x0b\x0c"

Cell = str | date


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number the user sees in Excel, or the record's place in a CSV
    cells: tuple[Cell, ...]

    def cell(self, index: int) -> Cell:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[SheetRow]


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, _FIELD)


# Spreadsheets run a cell that starts with = + - @ (after spaces) as a formula; a quote
# in front makes it text. The import takes the quote off again, so an export re-imports as it was.
def _formula_like(value: str) -> bool:
    return value[:1] in ("\t", "\r") or value.lstrip(_LEADING_SPACE)[:1] in _FORMULA_START


def escape_formula(value: str) -> str:
    # A value that already looks escaped ("'=x") gets a quote too, or the import would take its own off.
    if _formula_like(value.lstrip("'")):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    return value[1:] if value.startswith("'") and escape_formula(value[1:]) != value[1:] else value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the Chinese; formulas escaped."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(v) if isinstance(v, str) else v for v in row])
    return (_BOM + output.getvalue()).encode("utf-8")


def write_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    heading = [WriteOnlyCell(sheet, text) for text in header]
    for cell in heading:
        cell.font = bold
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_sheet(filename: str, data: bytes) -> Sheet:
    """The first worksheet of an XLSX, or a CSV; the first non-blank row is the header."""
    if len(data) > MAX_BYTES:
        raise _refuse("FILE_TOO_LARGE", f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请分成几个文件导入")
    if not data.strip():
        raise _refuse("EMPTY_FILE", "文件是空的：没有表头，也没有数据行")
    rows = _xlsx_rows(data) if _kind(filename, data) == "xlsx" else _csv_rows(data)
    return _with_header(rows)


def _kind(filename: str, data: bytes) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse("UNSUPPORTED_FILE_TYPE", "不支持旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后再导入")
    if suffix in (".xlsx", ".xlsm"):
        if not is_zip:
            raise _refuse("UNREADABLE_FILE", "文件扩展名是 .xlsx，但内容不是 Excel 工作簿")
        return "xlsx"
    is_text = not is_zip and b"\x00" not in _without_utf16_bom(data)[:8192]
    if suffix in (".csv", ".txt", ""):
        if is_text:
            return "csv"
        if suffix == "" and is_zip:
            return "xlsx"
        raise _refuse("UNSUPPORTED_FILE_TYPE", f"“{filename or '文件'}”的内容不是文本表格：只能导入 CSV 或 XLSX")
    raise _refuse("UNSUPPORTED_FILE_TYPE", f"只能导入 CSV 或 XLSX 文件（收到的是“{filename}”）")


def _without_utf16_bom(data: bytes) -> bytes:
    # UTF-16 text is full of zero bytes, yet still text.
    return b"" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data


def _decode(data: bytes) -> str:
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse("UNKNOWN_ENCODING", "无法识别文件的编码：请将 CSV 保存为 UTF-8 或 GB18030（GBK）编码")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, [unescape_formula(value.strip()) for value in record]
    except csv.Error as error:
        raise _refuse("UNREADABLE_FILE", f"CSV 第 {number + 1} 行无法解析：{error}") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _refuse("UNREADABLE_FILE", "无法读取这个 XLSX 文件：文件可能已损坏，或不是 Excel 工作簿") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, list(values)
    finally:
        book.close()


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _with_header(rows: Iterator[tuple[int, list[object]]]) -> Sheet:
    header: list[str] | None = None
    body: list[SheetRow] = []
    for number, values in rows:
        cells = tuple(_cell(value) for value in values)
        if not any(cells):
            continue
        if header is None:
            header = [str(cell) for cell in cells]
            continue
        if len(body) >= MAX_ROWS:
            raise _refuse("FILE_TOO_LARGE", f"数据超过 {MAX_ROWS:,} 行，请分成几个文件导入")
        body.append(SheetRow(number, cells))
    if header is None:
        raise _refuse("EMPTY_FILE", "文件是空的：没有表头，也没有数据行")
    if not body:
        raise _refuse("EMPTY_FILE", "文件只有表头，没有数据行")
    return Sheet(header, body)
