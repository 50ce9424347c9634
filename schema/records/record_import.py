"""GraphQL types of the 双归集 batch import (importRecords)."""

from __future__ import annotations

import strawberry

from resolvers.records import record_import
from schema.platform.common import UserError
from services.platform.sheet_rows import RowOutcome
from services.records.record_columns import RecordKind

strawberry.enum(
    RecordKind, description="双归集记录种类：行政许可、行政处罚、12345 投诉 / Kind of record in a batch file."
)
strawberry.enum(
    RowOutcome,
    name="ImportOutcome",
    description="导入结果：新增、更新（更正）、无变化、拒绝 / Created, updated (corrected), unchanged or rejected.",
)


@strawberry.type(description="导入报告的一行 / One line of an import report (one per problem of a rejected row).")
class RecordImportRow:
    row: int = strawberry.field(description="文件中的行号（表头为第 1 行）/ Row number as the user sees it.")
    outcome: RowOutcome
    document_number: str = strawberry.field(
        description="决定文书号（投诉为工单编号）/ Document number (a complaint's reference)."
    )
    column: str | None = strawberry.field(description="出错的列（文件中的表头）/ The column at fault, as headed.")
    code: str | None = strawberry.field(description="稳定的错误代码 / Stable code for programs.")
    message: str | None = strawberry.field(description="中文说明 / Message for people, in Chinese.")


@strawberry.type(description="各结果的行数 / Rows by outcome.")
class RecordImportCounts:
    rows: int = strawberry.field(description="数据行数 / Data rows read.")
    created: int
    updated: int
    unchanged: int
    rejected: int
    revoked_licenses: int = strawberry.field(description="因吊销许可证件而吊销的许可 / Licenses revoked.")


@strawberry.type(description="批量导入报告 / The row-by-row report of a batch import.")
class RecordImportReport:
    kind: RecordKind
    filename: str
    department_code: str = strawberry.field(description="来源部门 / The source department.")
    dry_run: bool
    all_or_nothing: bool
    applied: bool = strawberry.field(description="已保存（非试运行、未整体拒绝）/ The changes are stored.")
    summary: str = strawberry.field(description="中文摘要 / One-sentence summary in Chinese.")
    ignored_columns: list[str] = strawberry.field(description="未识别而忽略的列 / Columns not recognised.")
    counts = strawberry.field(resolver=record_import.report_counts, graphql_type=RecordImportCounts)
    rows = strawberry.field(
        resolver=record_import.report_rows,
        graphql_type=list[RecordImportRow],
        description=(
            "被拒绝、被更正的行（小文件为每一行），最多 2000 条 / Rejected and corrected rows "
            "(every row of a small file), at most 2,000."
        ),
    )
    truncated = strawberry.field(
        resolver=record_import.report_truncated,
        graphql_type=bool,
        description="rows 未逐行列全（计数完整）/ Not every row is listed; the counts are whole.",
    )


@strawberry.type
class ImportRecordsPayload:
    report: RecordImportReport | None
    errors: list[UserError] = strawberry.field(
        description="整个文件的问题（无法读取、缺列、全部或全不被拒绝）/ Problems with the file as a whole."
    )
