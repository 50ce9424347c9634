"""Spreadsheet files as people send them: CSV (UTF-8 with or without BOM, GB18030) or XLSX
in, rows numbered as the user sees them; CSV that Excel and WPS open safely, and XLSX, out.

A file that cannot be read as a table is one DomainError (field "file"): no row of it is used.
`open_table` reads a file of any size a row at a time (a CSV through a text stream, an XLSX
through openpyxl's read-only mode, which still holds the workbook's shared strings: an XLSX
with more than MAX_SHARED_STRINGS_BYTES of them is refused, CSV asked for instead);
`read_sheet` holds a small one whole."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO, Any, NoReturn
from xml.etree import ElementTree

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import ARC_CONTENT_TYPES, CONTYPES_NS, SHARED_STRINGS

from services.platform import checks
from services.platform.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# openpyxl's read-only mode streams the rows but loads the shared-strings table (every distinct
# text of the workbook, xl/sharedStrings.xml) whole before the first one. Measured: 64 MB of it
# takes 160 MB at its peak when the texts are long (违法事实) and 450 MB when they are millions
# of short ones; a CSV of any size streams. The size is the one the zip declares for the part,
# which is also as far as zipfile will inflate it, so a file cannot lie its way past.
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
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


class CsvWriter:
    """Rows to a text stream as an Excel-safe CSV, one at a time: a byte-order mark first (so
    Excel reads the Chinese; the stream must be UTF-8), formulas escaped."""

    def __init__(self, out: IO[str], header: Sequence[str]) -> None:
        out.write(_BOM)
        self._writer = csv.writer(out)
        self._writer.writerow(header)

    def write(self, row: Sequence[Any]) -> None:
        self._writer.writerow([escape_formula(v) if isinstance(v, str) else v for v in row])


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the Chinese; formulas escaped."""
    output = io.StringIO()
    writer = CsvWriter(output, header)
    for row in rows:
        writer.write(row)
    return output.getvalue().encode("utf-8")


# Excel refuses a workbook with a longer text in a cell ("found a problem with some content").
XLSX_CELL_LIMIT = 32_767
_CUT = "…（超出 Excel 单元格长度上限，以下从略；完整内容请导出 CSV）"


def _fits_a_cell(text: str) -> str:
    if len(text) <= XLSX_CELL_LIMIT:
        return text
    return text[: XLSX_CELL_LIMIT - len(_CUT)] + _CUT


class XlsxWriter:
    """Rows to an XLSX one at a time, in openpyxl's write-only mode (each row goes to the file as
    it comes, so a sheet of a million rows takes no more memory than one of ten): texts stay text
    even when they start with "=", dates and times show as Excel shows them."""

    def __init__(self, title: str, header: Sequence[str], widths: Sequence[int] = ()) -> None:
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title[:31])
        self._sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = width
        bold = Font(bold=True)
        heading = [WriteOnlyCell(self._sheet, text) for text in header]
        for cell in heading:
            cell.font = bold
        self._sheet.append(heading)

    def write(self, row: Sequence[Any]) -> None:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = _fits_a_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell = WriteOnlyCell(self._sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        self._sheet.append(cells)

    def save(self, target: str | IO[bytes]) -> None:
        self._book.save(target)


def write_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()) -> bytes:
    writer = XlsxWriter(title, header, widths)
    for row in rows:
        writer.write(row)
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def read_sheet(filename: str, data: bytes) -> Sheet:
    """The first worksheet of an XLSX, or a CSV; the first non-blank row is the header."""
    if len(data) > MAX_BYTES:
        raise _refuse("FILE_TOO_LARGE", f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请分成几个文件导入")
    if not data.strip():
        raise _refuse("EMPTY_FILE", "文件是空的：没有表头，也没有数据行")
    body: list[SheetRow] = []
    with open_table(filename, io.BytesIO(data)) as table:
        for row in table.rows:
            if len(body) >= MAX_ROWS:
                raise _refuse("FILE_TOO_LARGE", f"数据超过 {MAX_ROWS:,} 行，请分成几个文件导入")
            body.append(row)
    if not body:
        raise _refuse("EMPTY_FILE", "文件只有表头，没有数据行")
    return Sheet(table.header, body)


@dataclass
class TableStream:
    """A table being read: its header now, its rows one at a time (blank rows skipped)."""

    header: list[str]
    header_row: int
    rows: Iterator[SheetRow]
    _progress: Callable[[], float | None]

    def fraction(self) -> float | None:
        """How far through the file the reading is (0 to 1), where the format can tell."""
        return self._progress()


# Every code a file may be refused with before its rows are read (its name, size, type, encoding, headers,
# and the upload itself): each import mutation declares them all from here.
FILE_CODES = (
    "DUPLICATE_COLUMN", "EMPTY_FILE", "FILE_TOO_LARGE", "INVALID_TEXT", "INVALID_UPLOAD", "MISSING_COLUMNS",
    "TOO_LONG", "UNKNOWN_ENCODING", "UNREADABLE_FILE", "UNSUPPORTED_FILE_TYPE", "XLSX_TOO_LARGE",
)  # fmt: skip

# What every common file system allows; a longer name was never a file on the caller's disk.
MAX_FILE_NAME = 255


def check_file_name(filename: str) -> None:
    """INVALID_TEXT (field "file") for a file name the text rule refuses: the name is stored in
    the audit log and the import's report, and a NUL in it was an internal error on PostgreSQL,
    a bell or an escape sequence stored as sent. Refused rather than cleaned: a name that
    quietly differs from the one on the caller's disk would be hard to find again. Every
    upload is read through open_table, so every import (records, departments, inspectors,
    the catalogue; GraphQL and admin pages alike) checks it before anything is stored.
    TOO_LONG beyond MAX_FILE_NAME characters: the name is stored and shown with every report."""
    wrong = checks.refused_character(filename, multiline=False)
    if wrong is not None:
        raise _refuse("INVALID_TEXT", f"文件名含有{wrong}，请重命名文件后再导入")
    if len(filename) > MAX_FILE_NAME:
        raise _refuse("TOO_LONG", f"文件名过长：最多 {MAX_FILE_NAME} 个字符，请重命名文件后再导入")


def shown_name(filename: str) -> str:
    """The file's name as a page about the upload may show it: none when the rule refuses it."""
    return "" if checks.damaged(filename) else filename


@contextmanager
def open_table(filename: str, source: IO[bytes]) -> Iterator[TableStream]:
    """A CSV, or the first worksheet of an XLSX, from a seekable binary file, read lazily: a
    file of a million rows takes the memory of a few. What makes a file unreadable as a whole
    (its type, its encoding, a damaged byte anywhere in it, an XLSX too large to stream, no
    header) is refused before the first row is handed out: the encoding is settled by reading
    the whole file first, a block at a time, so no row of a file that turns out to be
    undecodable further down is ever used. The caller's file is left open."""
    check_file_name(filename)
    head = source.read(8192)
    source.seek(0)
    if not head.strip() and len(head) < 8192:
        raise _refuse("EMPTY_FILE", "文件是空的：没有表头，也没有数据行")
    values, progress = _xlsx_values(source) if _kind(filename, head) == "xlsx" else _csv_values(source)
    try:
        rows = _non_blank(values)
        first = next(rows, None)
        if first is None:
            raise _refuse("EMPTY_FILE", "文件是空的：没有表头，也没有数据行")
        yield TableStream([str(cell) for cell in first.cells], first.number, rows, progress)
    finally:
        values.close()


def _non_blank(values: Iterator[tuple[int, list[object]]]) -> Iterator[SheetRow]:
    for number, raw in values:
        cells = tuple(_cell(value) for value in raw)
        if any(cells):
            yield SheetRow(number, cells)


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


def _encoding(source: IO[bytes]) -> str:
    """The encoding the whole file decodes in: UTF-16 by its mark, else UTF-8 (with or without
    BOM), else GB18030 when the file reads as GB18030 text rather than as UTF-8 with a damaged
    byte or two; a block at a time, so a large file costs no memory."""
    mark = source.read(3)
    source.seek(0)
    if mark[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16" if _decodes(source, "utf-16") else _unknown_encoding()
    if _decodes(source, "utf-8-sig"):
        return "utf-8-sig"
    scan = _scan_utf8(source)
    if mark == codecs.BOM_UTF8 or scan.wide >= scan.bad:
        more = f"，全文共 {scan.bad} 个这样的字节" if scan.bad > 1 else ""
        raise _refuse(
            "UNKNOWN_ENCODING",
            f"文件是 UTF-8 编码，但第 {scan.line} 行有一个不属于 UTF-8 的字节（0x{scan.byte:02X}）{more}："
            "文件可能在编辑或传输中损坏，请改正后重新保存为 UTF-8 再导入",
        )
    return "gb18030" if _decodes(source, "gb18030") else _unknown_encoding()


def _unknown_encoding() -> NoReturn:
    raise _refuse("UNKNOWN_ENCODING", "无法识别文件的编码：请将 CSV 保存为 UTF-8 或 GB18030（GBK）编码")


_BLOCK = 1 << 20


def _decodes(source: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while block := source.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        source.seek(0)


# Chinese in GB18030 makes a valid UTF-8 character of three or four bytes (CJK, full-width
# punctuation) only by chance: measured on the project's own Chinese text and on random GBK
# characters, one for every 30 to 60 bytes that are not UTF-8 (one for every 17 at the most,
# over 500 characters). Chinese in UTF-8 with a stray or lost byte has far more of them than bad
# bytes: a file with at least as many is damaged UTF-8, refused rather than read as GB18030.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # decoding with "surrogateescape" makes bad byte b U+DC00+b


@dataclass
class _Utf8Scan:
    wide: int = 0  # valid UTF-8 characters of three or four bytes
    bad: int = 0  # bytes that are not UTF-8
    line: int = 0  # where the first bad byte is, as a text editor numbers lines
    byte: int = 0  # and its value


def _scan_utf8(source: IO[bytes]) -> _Utf8Scan:
    scan = _Utf8Scan()
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    lines = 0
    try:
        while True:
            block = source.read(_BLOCK)
            text = decoder.decode(block, final=not block)
            if not text.isascii():
                wide, bad = _wide_and_bad(text)
                scan.wide += wide
                scan.bad += bad
                if not scan.line and (first := _NOT_UTF8.search(text)):
                    scan.line = lines + text.count("\n", 0, first.start()) + 1
                    scan.byte = ord(first.group()) - 0xDC00
            lines += text.count("\n")
            if not block:
                return scan
    finally:
        source.seek(0)


def _wide_and_bad(text: str) -> tuple[int, int]:
    valid = text.encode("utf-8", "ignore")  # the valid characters' bytes, the bad ones left out
    bad = len(text.encode("utf-8", "surrogateescape")) - len(valid)
    return len(valid.translate(None, _NOT_WIDE_LEADS)), bad


# In valid UTF-8 a character of three or four bytes is one whose first byte is E0-F4; counting
# those bytes runs at C speed, where a regular expression over the characters takes 20 times as long.
_NOT_WIDE_LEADS = bytes(range(0xE0)) + bytes(range(0xF5, 0x100))


_Records = Generator[tuple[int, list[object]], None, None]
_Values = tuple[_Records, Callable[[], float | None]]


def _csv_values(source: IO[bytes]) -> _Values:
    encoding = _encoding(source)
    size = source.seek(0, io.SEEK_END)
    source.seek(0)

    def records() -> _Records:
        text = io.TextIOWrapper(source, encoding=encoding, newline="")
        number = 0
        try:
            first_line = text.readline()
            delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
            for record in csv.reader(itertools.chain([first_line], text), delimiter=delimiter):
                number += 1
                yield number, [unescape_formula(value.strip()) for value in record]
        except csv.Error as error:
            raise _refuse("UNREADABLE_FILE", f"CSV 第 {number + 1} 行无法解析：{error}") from None
        finally:
            text.detach()  # closing the wrapper would close the caller's file

    return records(), lambda: min(source.tell() / size, 1.0) if size else None


_BROKEN_XLSX = "无法读取这个 XLSX 文件：文件可能已损坏，或不是 Excel 工作簿"


def _xlsx_values(source: IO[bytes]) -> _Values:
    _check_shared_strings(source)
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _refuse("UNREADABLE_FILE", _BROKEN_XLSX) from None
    sheet = book.worksheets[0]
    total = sheet.max_row  # as the file records it: only a guide for progress
    sheet.reset_dimensions()  # some writers record a wrong size; read what is there
    done = 0

    def records() -> _Records:
        nonlocal done
        try:
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                done = number
                yield number, list(values)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise _refuse("UNREADABLE_FILE", f"XLSX 第 {done + 1} 行无法读取：{error}") from None
        finally:
            book.close()

    return records(), lambda: min(done / total, 1.0) if total else None


def _check_shared_strings(source: IO[bytes]) -> None:
    """Refuse a workbook whose shared-strings table would not fit in MAX_SHARED_STRINGS_BYTES,
    finding the part as openpyxl does: the first one [Content_Types].xml gives its type."""
    try:
        with zipfile.ZipFile(source) as archive:
            types = ElementTree.fromstring(archive.read(ARC_CONTENT_TYPES))
            overrides = types.iter(f"{{{CONTYPES_NS}}}Override")
            part = next((o.get("PartName", "") for o in overrides if o.get("ContentType") == SHARED_STRINGS), "")
            size = archive.getinfo(part[1:]).file_size if part else 0
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        raise _refuse("UNREADABLE_FILE", _BROKEN_XLSX) from None
    finally:
        source.seek(0)
    if size > MAX_SHARED_STRINGS_BYTES:
        raise _refuse(
            "XLSX_TOO_LARGE",
            f"这个 XLSX 工作簿太大，无法逐行读取：它的文字内容（共享字符串表）超过 "
            f"{MAX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB。请在 Excel 或 WPS 中将它另存为 CSV"
            "（UTF-8 或 GB18030 编码）后再导入",
        )


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(value, ".15g")  # as Excel shows it: 0.1+0.2 is 0.3, not 0.30000000000000004
    # Every cell as the text rule writes text (NFC, \\n line breaks); what the rule refuses is
    # kept, for the importer's reader to refuse by its column (services.platform.checks.characters).
    return checks.normalised(str(value)).strip()
