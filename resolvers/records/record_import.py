"""importRecords: a 双归集 batch file over GraphQL (multipart upload), through the one import engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.file_uploads import Upload

from resolvers.platform.context import GqlInfo
from services.platform.access import require_authenticated
from services.platform.errors import DomainError, Forbidden, Problem, Unauthenticated
from services.records import record_import
from services.records.record_columns import RecordKind
from services.records.record_import_report import ImportReport, ReportLine

# Lines in one response; the rest stay counted (and in the admin page's downloadable report).
RESPONSE_LINES = 2_000
_NOT_A_FILE = Problem(
    "INVALID_UPLOAD", "file 须作为文件上传（multipart/form-data，GraphQL multipart request 规范）", "file"
)


@dataclass(frozen=True)
class ImportRecordsResult:
    report: ImportReport | None
    errors: list[Problem]


async def import_records(
    info: GqlInfo,
    kind: RecordKind,
    file: Upload,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    department_code: str | None = None,
) -> ImportRecordsResult:
    context = info.context
    require_authenticated(context.principal)
    upload: Any = file  # strawberry hands over the framework's UploadFile
    stream = getattr(upload, "file", None)
    if stream is None:
        return ImportRecordsResult(None, [_NOT_A_FILE])
    options = record_import.ImportOptions(dry_run=dry_run, all_or_nothing=all_or_nothing)
    try:
        record_import.check_upload_size(getattr(upload, "size", None))
        report = await record_import.import_records(
            context.db, context.principal, kind, upload.filename or "upload", stream, department_code, options
        )
    except (Unauthenticated, Forbidden):
        raise
    except DomainError as error:
        return ImportRecordsResult(None, error.problems)
    return ImportRecordsResult(report, report.errors)


def report_rows(root: ImportReport) -> list[ReportLine]:
    return root.lines[:RESPONSE_LINES]


def report_truncated(root: ImportReport) -> bool:
    return root.truncated or len(root.lines) > RESPONSE_LINES


def report_counts(root: ImportReport) -> ImportReport:
    return root
