"""双归集 batch intake: licenses, penalties or complaints from a CSV or XLSX file, row by row.
One engine behind three doors: the admin upload page, `importRecords` (GraphQL upload) and
`python manage.py import` all call `import_records` (the command line and the bench through
`import_file`).

The same rules as a single record: each row is read into the input `record_license`,
`record_penalty` or `record_complaint` takes and checked by their pure validators
(services.records.record_rows), and stored with the outcome they would give it
(services.records.record_writer). The report says, row by row, what was created, updated, left
unchanged or rejected and why, by row and column (services.records.record_import_report).

Large files stream: rows are read one at a time, checked and written in chunks (a few
thousand rows: one query for their entities, one for their stored records, one bulk INSERT,
one bulk UPDATE of the corrected ones), and the report keeps counts and a bounded list of
lines, so memory does not grow with the file. By default the good rows are kept and
committed every `commit_rows` rows, so a long import does not hold the write lock (or the
audit chain) from everyone else for its whole run. A dry run, and the all-or-nothing policy,
run the whole file in one transaction and roll it back at the end (a dry run always; the
policy when any row was rejected), so what they report is exactly what an import would do;
on a large file they hold the write lock (SQLite) or, all-or-nothing, the audit chain
(PostgreSQL) until they end, which is their price.

Audit: each correction is its own event with the record before and after, as a single
correction is; each commit of the run is ONE event (`<kind>.imported`), in that commit's own
transaction, so whatever stops the run (a refusal, a crash, a killed process) every stored row
is named by an event committed with it: a million-row file writes one event per 10,000 rows,
not a million nor one per chunk. The events of a run share its `run` id and number their `part`;
each counts the run so far (rows, created, …) and names the records its own commit created (the
first MAX_LISTED_KEYS); the last one of a run that reached the end of its file says `finished`.
A commit that stored nothing new writes none, nor does a run that stored nothing new (a dry run,
all-or-nothing refused, an identical file).

A file that cannot be read as a whole (not CSV/XLSX, an encoding neither UTF-8 nor GB18030, a
required column missing, no data rows) is refused with one DomainError before any row is
stored. Re-running a file changes nothing and writes no audit event."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.ext.asyncio import AsyncSession

from models import Department
from models.enums import Role
from services.platform import audit, sheets
from services.platform.access import Operation, acting_department, may, require
from services.platform.clock import today
from services.platform.db import Database, refresh_statistics
from services.platform.errors import DomainError, Problem
from services.platform.principal import Principal
from services.platform.sheet_rows import RowOutcome
from services.records import record_columns
from services.records.record_columns import RecordKind
from services.records.record_import_report import ImportReport, ReportFile, ReportLine
from services.records.record_rows import ParsedRow, RowReader, Source
from services.records.record_writer import MODELS, RowResult, write_chunk
from services.registry.departments import get_department

CHUNK_ROWS = 2_000
# A few seconds of rows: the write lock (SQLite) and the audit chain (PostgreSQL) are held
# from a stretch's first write to its commit, and other writers wait for them meanwhile.
COMMIT_ROWS = 10_000
# Through the web doors the upload is spooled to disk before it is read; beyond this, use the CLI.
UPLOAD_MAX_BYTES = 200 * 1024 * 1024
# The created records an import run's audit event names, as the report lists its first lines.
MAX_LISTED_KEYS = 1_000

Progress = Callable[[int, float | None], None]  # rows done, fraction of the file read (when known)


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    all_or_nothing: bool = False
    report_to: IO[str] | None = None  # every row's lines, as CSV, while they are decided
    progress: Progress | None = None
    chunk_rows: int = CHUNK_ROWS
    commit_rows: int = COMMIT_ROWS


async def import_records(
    db: Database,
    principal: Principal,
    kind: RecordKind,
    filename: str,
    source: IO[bytes],
    department_code: str | None = None,
    options: ImportOptions = ImportOptions(),
) -> ImportReport:
    """Import a seekable binary file as `principal`, for its own department (a maintainer names
    the department). Raises DomainError when the file, or the department, refuses the whole
    import; Unauthenticated/Forbidden when the caller may not import."""
    department = await _department(db, principal, department_code)
    report = ImportReport(kind, filename, department.code, department.name, options.dry_run, options.all_or_nothing)
    with sheets.open_table(filename, source) as table:
        layout = record_columns.layout(kind, table.header)
        report.ignored_columns = layout.ignored
        run = _Run(db, principal, department, report, options, layout.column_of)
        reader = RowReader(layout, run.source, today())
        try:
            chunk: list[ParsedRow] = []
            keys: set[str] = set()
            for row in table.rows:
                parsed = reader.read(row)
                # A key seen again goes to the next chunk, which sees the first one stored:
                # the row is then unchanged or a correction, as a second mutation would be.
                if len(chunk) >= options.chunk_rows or (parsed.valid and parsed.key in keys):
                    await run.flush(chunk, table.fraction())
                    chunk, keys = [], set()
                chunk.append(parsed)
                if parsed.valid:
                    keys.add(parsed.key)
            await run.flush(chunk, table.fraction())
            if report.rows == 0:
                raise DomainError("EMPTY_FILE", "文件只有表头，没有数据行", "file")
        except DomainError as error:
            raise await run.abandon(error) from None
        except BaseException:
            await run.abandon(None)
            raise
        await run.finish()
    return report


async def import_file(
    db: Database,
    kind: RecordKind,
    path: Path,
    department_code: str,
    *,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    report_path: Path | None = None,
    progress: Progress | None = None,
    actor: str = "manage.py import",
) -> ImportReport:
    """A file on disk, imported by a system job acting as the department `department_code` (the
    command line, the bench): it sees what the department's own system sees, so a file gives the
    same report through every door. With `report_path`, every row's outcome is written there as CSV."""
    async with db.session(Principal.system(actor)) as session:
        department = await get_department(session, department_code)
    principal = Principal.acting_for(Role.DEPARTMENT, actor, department)
    with path.open("rb") as source:
        if report_path is None:
            options = ImportOptions(dry_run, all_or_nothing, None, progress)
            return await import_records(db, principal, kind, path.name, source, department_code, options)
        with report_path.open("w", encoding="utf-8", newline="") as out:
            options = ImportOptions(dry_run, all_or_nothing, out, progress)
            return await import_records(db, principal, kind, path.name, source, department_code, options)


def check_upload_size(size: int | None) -> None:
    """An upload through the web doors: beyond UPLOAD_MAX_BYTES, the command line takes the file."""
    if size is not None and size > UPLOAD_MAX_BYTES:
        limit = UPLOAD_MAX_BYTES // (1024 * 1024)
        message = f"文件超过 {limit} MB：请分成几个文件上传，或由管理员用命令行 python manage.py import 导入"
        raise DomainError("FILE_TOO_LARGE", message, "file")


def may_import(principal: Principal) -> bool:
    """Whether the caller may import at all (the admin page's menu entry): a department, or a
    maintainer, who then names the department."""
    return may(principal, Operation.IMPORT_RECORDS)


async def _department(db: Database, principal: Principal, department_code: str | None) -> Department:
    async with db.session(principal) as session:
        require(principal, Operation.IMPORT_RECORDS)
        return await acting_department(session, principal, department_code)


def report_lines(result: RowResult, column_of: Callable[[str | None], str]) -> list[ReportLine]:
    """A row's lines in the report: one per problem of a rejected row, else one."""
    row, key = result.row.number, result.row.key
    if result.outcome is RowOutcome.REJECTED:
        return [
            ReportLine(row, result.outcome, key, column_of(problem.field) or None, problem.code, problem.message)
            for problem in result.problems
        ]
    lines = []
    if result.changed:
        changed = "、".join(dict.fromkeys(column_of(name) or name for name in result.changed))
        lines.append(ReportLine(row, result.outcome, key, None, None, f"更正：{changed}"))
    if result.revoked:
        message = f"吊销许可证件：许可“{result.revoked}”已标记为吊销"
        column = column_of("revokedLicenseNumber")
        lines.append(ReportLine(row, result.outcome, key, column, "LICENSE_REVOKED", message))
    return lines or [ReportLine(row, result.outcome, key)]


async def _record_run(
    session: AsyncSession, kind: RecordKind, filename: str, after: dict[str, object], department_code: str
) -> None:
    # The file's name is in `after`; the id must fit the column whatever the upload was called.
    model_name = MODELS[kind].__name__
    await audit.record(session, f"{kind.value}.imported", model_name, filename[:128], None, after, department_code)


class _Run:
    """The transactions of one import: a write session per stretch of `commit_rows` rows, or
    one for the whole file when its changes may have to be rolled back at the end."""

    def __init__(
        self,
        db: Database,
        principal: Principal,
        department: Department,
        report: ImportReport,
        options: ImportOptions,
        column_of: Callable[[str | None], str],
    ) -> None:
        assert department.id is not None
        self.db, self.principal = db, principal
        self.source = Source(department.id, department.code, department.name, department.level, department.region_code)
        self.report, self.options, self.column_of = report, options, column_of
        self.report_file = ReportFile(options.report_to, report.kind) if options.report_to is not None else None
        self.whole_file = options.dry_run or options.all_or_nothing
        self.session: AsyncSession | None = None
        self.pending = 0  # rows written since the last commit
        self.committed = 0
        # What the run's audit event counts: what stretches committed, and what the open one wrote.
        self.kept: Counter[RowOutcome] = Counter()
        self.pending_counts: Counter[RowOutcome] = Counter()
        self.pending_keys: list[str] = []  # what the open stretch created, as its event names them
        self.run_id = uuid.uuid4().hex[:16]  # ties the events of one run together
        self.parts = 0
        self.analyzed_at = 0  # rows committed when the table's statistics were last refreshed

    async def flush(self, chunk: Sequence[ParsedRow], fraction: float | None) -> None:
        if not chunk:
            return
        if self.session is None:
            self.session = await self.db.write_session(self.principal)
        kind, filename = self.report.kind, self.report.filename
        audited = not self.options.dry_run
        written = await write_chunk(self.session, kind, self.source, chunk, filename, audited)
        for result in written:
            self.pending_counts[result.outcome] += 1
            if result.outcome is RowOutcome.CREATED and len(self.pending_keys) < MAX_LISTED_KEYS:
                self.pending_keys.append(result.row.key)
            lines = report_lines(result, self.column_of)
            self.report.tally(result.outcome, lines)
            self.report.revoked_licenses += result.revoked is not None
            if self.report_file is not None:
                self.report_file.write(lines)
        self.pending += len(chunk)
        if not self.whole_file and self.pending >= self.options.commit_rows:
            # Each commit carries its own event: a run killed before its end leaves no stored row untraced.
            if self.pending_counts[RowOutcome.CREATED] or self.pending_counts[RowOutcome.UPDATED]:
                await self._audit_run(finished=False)
            await self._end(commit=True)
        if self.options.progress is not None:
            self.options.progress(self.report.rows, fraction)

    async def finish(self) -> None:
        refused = self.options.all_or_nothing and self.report.rejected > 0
        keep = not self.options.dry_run and not refused
        if keep:
            await self._audit_run(finished=True)
        await self._end(commit=keep)
        self.report.applied = keep
        if refused:
            rejected = self.report.rejected
            message = (
                f"试运行：有 {rejected} 行会被拒绝；按“全部或全不”的规则，导入时整个文件将不被导入"
                if self.options.dry_run
                else f"有 {rejected} 行被拒绝；按“全部或全不”的规则，整个文件未导入，未保存任何内容"
            )
            self.report.errors.append(Problem("FILE_REJECTED", message, "file"))

    async def abandon(self, error: DomainError | None) -> DomainError:
        """Roll back what is not yet committed (what was, its commits' events name); the error to
        raise says what was kept."""
        await self._end(commit=False)
        if error is None:
            return DomainError("IMPORT_FAILED", "导入中断")
        if not self.committed or error.problems[0].field != "file":
            return error
        first = error.problems[0]
        kept = f"；此前已导入的前 {self.committed} 行已保存（修正后重新导入整个文件即可，已导入的行不会重复）"
        return DomainError(first.code, first.message + kept, first.field)

    async def _audit_run(self, finished: bool) -> None:
        """The open stretch's audit event, in its transaction (one opened for it when none is),
        counting the run up to that commit; none when the run stored nothing new."""
        counts = self.kept + self.pending_counts
        if not counts[RowOutcome.CREATED] and not counts[RowOutcome.UPDATED]:
            return
        if self.session is None:
            self.session = await self.db.write_session(self.principal)
        kind = self.report.kind
        listed = "references" if kind is RecordKind.COMPLAINT else "documentNumbers"
        self.parts += 1
        after = {
            "file": self.report.filename,
            "run": self.run_id,
            "part": self.parts,
            "finished": finished,  # False: the run went on after this commit, or was stopped
            "rows": sum(counts.values()),
            **{outcome.value.lower(): counts[outcome] for outcome in RowOutcome},
            "revokedLicenses": self.report.revoked_licenses,
            listed: self.pending_keys,  # what this commit created
            "listedAll": self.pending_counts[RowOutcome.CREATED] <= MAX_LISTED_KEYS,
        }
        await _record_run(self.session, kind, self.report.filename, after, self.source.code)

    async def _end(self, commit: bool) -> None:
        if self.session is None:
            return
        try:
            if commit:
                # 四色警示: the entities of every chunk since the last commit are re-rated as it
                # commits, once (a re-rating reads every record of its entities).
                await self.session.commit()
                self.committed += self.pending
                self.kept += self.pending_counts
                if self.committed >= 2 * max(self.analyzed_at, self.options.commit_rows):
                    # Each time the import has doubled what it added: a few refreshes in all.
                    await refresh_statistics(self.db, str(MODELS[self.report.kind].__tablename__))
                    self.analyzed_at = self.committed
            else:
                await self.session.rollback()
        finally:
            await self.session.close()
            self.session, self.pending = None, 0
            self.pending_counts, self.pending_keys = Counter(), []
