"""What every file import shares: its columns (a field, the Chinese header, whether required),
how a file's header row is matched to them, and the row-by-row report."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.platform.errors import DomainError


@dataclass(frozen=True)
class Column:
    field: str  # the service input's field
    header: str  # the Chinese header of templates and exports
    required: bool = False
    width: int = 14  # in an XLSX template


class RowOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    REJECTED = "REJECTED"


OUTCOME_LABELS = {
    RowOutcome.CREATED: "新增",
    RowOutcome.UPDATED: "更新",
    RowOutcome.UNCHANGED: "无变化",
    RowOutcome.REJECTED: "拒绝",
}


@dataclass(frozen=True)
class RowProblem:
    column: str  # the header as the file wrote it; "" when the problem is the row's as a whole
    code: str
    message: str


@dataclass(frozen=True)
class RowResult:
    row: int  # as the user sees it in the file: the header is row 1
    code: str
    outcome: RowOutcome
    problems: tuple[RowProblem, ...] = ()

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def header_key(header: str) -> str:
    """A header as matched: full-width folded, without spaces, underscores or required marks."""
    return re.sub(r"[\s_*]", "", unicodedata.normalize("NFKC", header)).lower()


@dataclass(frozen=True)
class Layout:
    """Where a file put each known column, what it called it, and the columns it ignored."""

    index: dict[str, int]  # field → position in the row
    used: dict[str, str]  # field → the header text the file used
    ignored: list[str]
    headers: dict[str, str]  # field → the Chinese header

    def column_of(self, field_name: str) -> str:
        return self.used.get(field_name, self.headers.get(field_name, ""))


def read_layout(header: Sequence[str], columns: Sequence[Column]) -> Layout:
    """Match a header row to the columns, by Chinese header or field name; a column twice or a
    required one missing refuses the whole file."""
    by_key = {**{header_key(c.field): c.field for c in columns}, **{header_key(c.header): c.field for c in columns}}
    headers = {c.field: c.header for c in columns}
    index: dict[str, int] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    for position, text in enumerate(header):
        name = by_key.get(header_key(text))
        if name is None:
            if text.strip():
                ignored.append(text.strip())
            continue
        if name in index:
            raise DomainError("DUPLICATE_COLUMN", f"“{headers[name]}”列出现了两次（“{used[name]}”与“{text}”）", "file")
        index[name], used[name] = position, text.strip()
    missing = [c.header for c in columns if c.required and c.field not in index]
    if missing:
        raise DomainError("MISSING_COLUMNS", f"缺少必需的列：{'、'.join(missing)}；未导入任何内容", "file")
    return Layout(index, used, ignored, headers)
