"""The report of a 双归集 batch: counts for every row, and the rows worth reading kept in a
bounded list, so a million-row file does not hold a million row objects. The full report,
every row, goes to a file as it is written, when one is asked for (`ReportFile`)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import IO, Any

from services.platform.errors import Problem
from services.platform.sheet_rows import OUTCOME_LABELS, RowOutcome
from services.platform.sheets import CsvWriter
from services.records.record_columns import KEY_LABELS, KIND_LABELS, RecordKind

# Lines kept in memory: every rejected or corrected row (and each revocation) up to this many;
# the created and unchanged rows too while the file is small enough to list whole.
MAX_KEPT_LINES = 10_000
LIST_ALL_UP_TO_ROWS = 1_000


@dataclass(frozen=True)
class ReportLine:
    row: int  # as the user sees it: the header is row 1
    outcome: RowOutcome
    key: str  # the document number (a complaint's reference)
    column: str | None = None  # the header as the file wrote it; None for the row as a whole
    code: str | None = None
    message: str | None = None

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def document_number(self) -> str:
        return self.key

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "outcome": self.outcome.value,
            "documentNumber": self.key,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }

    def cells(self) -> list[object]:
        return [self.row, self.outcome_label, self.key, self.column, self.code, self.message]


def report_header(kind: RecordKind) -> list[str]:
    return ["行号", "结果", KEY_LABELS[kind], "列", "代码", "原因"]


@dataclass
class ImportReport:
    kind: RecordKind
    filename: str
    department_code: str
    department_name: str
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    revoked_licenses: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    truncated: bool = False  # not every row has its lines here (the counts are whole)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # about the file as a whole
    applied: bool = False  # the changes are stored (not a dry run, not refused whole)

    def count(self, outcome: RowOutcome | str) -> int:
        return {
            RowOutcome.CREATED: self.created,
            RowOutcome.UPDATED: self.updated,
            RowOutcome.UNCHANGED: self.unchanged,
            RowOutcome.REJECTED: self.rejected,
        }[RowOutcome(outcome)]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def tally(self, outcome: RowOutcome, lines: list[ReportLine]) -> None:
        """One row's outcome, and the lines that say it (one per problem when rejected)."""
        self.rows += 1
        if outcome is RowOutcome.CREATED:
            self.created += 1
        elif outcome is RowOutcome.UPDATED:
            self.updated += 1
        elif outcome is RowOutcome.UNCHANGED:
            self.unchanged += 1
        else:
            self.rejected += 1
        worth_reading = outcome in (RowOutcome.REJECTED, RowOutcome.UPDATED) or any(line.code for line in lines)
        if (not worth_reading and self.rows > LIST_ALL_UP_TO_ROWS) or len(self.lines) + len(lines) > MAX_KEPT_LINES:
            self.truncated = True
            return
        self.lines.extend(lines)

    @property
    def summary(self) -> str:
        """One Chinese sentence for people."""
        counts = f"新增 {self.created:,}、更新 {self.updated:,}、无变化 {self.unchanged:,}、拒绝 {self.rejected:,}"
        text = f"{self.kind_label}文件“{self.filename}”（{self.department_name}）：共 {self.rows:,} 行，{counts}"
        if self.revoked_licenses:
            text += f"；吊销许可 {self.revoked_licenses} 件"
        if self.dry_run:
            text += "。试运行：以上为导入后的结果，未保存任何内容"
        elif not self.applied and self.rows:
            text += "。未导入任何内容"
        return text + "。"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "file": self.filename,
            "departmentCode": self.department_code,
            "dryRun": self.dry_run,
            "allOrNothing": self.all_or_nothing,
            "applied": self.applied,
            "counts": {
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
                "revokedLicenses": self.revoked_licenses,
            },
            "ignoredColumns": self.ignored_columns,
            "errors": [{"code": p.code, "message": p.message, "field": p.field} for p in self.errors],
            "truncated": self.truncated,
            "rows": [line.as_json() for line in self.lines],
        }

    def json_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1).encode("utf-8")

    def csv_bytes(self) -> bytes:
        """The kept lines as a CSV that Excel opens safely."""
        output = io.StringIO()
        writer = CsvWriter(output, report_header(self.kind))
        for line in self.lines:
            writer.write(line.cells())
        return output.getvalue().encode("utf-8")


class ReportFile:
    """Every row's lines, written as they are decided: the full report of any size."""

    def __init__(self, out: IO[str], kind: RecordKind) -> None:
        self._writer = CsvWriter(out, report_header(kind))

    def write(self, lines: list[ReportLine]) -> None:
        for line in lines:
            self._writer.write(line.cells())
