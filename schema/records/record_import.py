"""GraphQL types of the 双归集 batch import (importRecords)."""

from __future__ import annotations

import strawberry

from resolvers.records import record_import
from schema.platform.common import UserError
from schema.platform.enum_values import describe_values
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
describe_values(
    RecordKind,
    {
        "LICENSE": "Licences (双公示 XK_ columns).",
        "PENALTY": "Penalties (CF_ columns).",
        "COMPLAINT": "12345 complaints.",
    },
    chinese={"LICENSE": "行政许可", "PENALTY": "行政处罚", "COMPLAINT": "12345 投诉"},
)
describe_values(
    RowOutcome,
    {
        "CREATED": "A new record was stored.",
        "UPDATED": "An existing record (same source and document number) was corrected.",
        "UNCHANGED": "The same record was already stored: nothing changed.",
        "REJECTED": "Refused: nothing of the row was stored (see its code and message).",
    },
    chinese={"CREATED": "新增", "UPDATED": "更新（更正）", "UNCHANGED": "无变化", "REJECTED": "拒绝"},
)


@strawberry.type(description="导入报告的一行 / One line of an import report (one per problem of a rejected row).")
class RecordImportRow:
    row: int = strawberry.field(description="文件中的行号（表头为第 1 行）/ Row number as the user sees it.")
    outcome: RowOutcome = strawberry.field(description="该行的结果 / What happened to the row.")
    document_number: str = strawberry.field(
        description="决定文书号（投诉为工单编号）/ Document number (a complaint's reference)."
    )
    column: str | None = strawberry.field(description="出错的列（文件中的表头）/ The column at fault, as headed.")
    code: str | None = strawberry.field(description="稳定的错误代码 / Stable code for programs.")
    message: str | None = strawberry.field(description="中文说明 / Message for people, in Chinese.")


@strawberry.type(description="各结果的行数 / Rows by outcome.")
class RecordImportCounts:
    rows: int = strawberry.field(description="数据行数 / Data rows read.")
    created: int = strawberry.field(description="新增的行数 / Rows stored as new records.")
    updated: int = strawberry.field(description="更正的行数 / Rows that corrected a stored record.")
    unchanged: int = strawberry.field(description="无变化的行数 / Rows already stored as they are.")
    rejected: int = strawberry.field(description="被拒绝的行数 / Rows refused.")
    revoked_licenses: int = strawberry.field(description="因吊销许可证件而吊销的许可 / Licenses revoked.")


@strawberry.type(description="批量导入报告 / The row-by-row report of a batch import.")
class RecordImportReport:
    kind: RecordKind = strawberry.field(description="记录种类 / What the file holds.")
    filename: str = strawberry.field(description="文件名 / The uploaded file's name.")
    department_code: str = strawberry.field(description="来源部门 / The source department.")
    dry_run: bool = strawberry.field(description="是否试运行 / Whether it was a dry run.")
    all_or_nothing: bool = strawberry.field(
        description="是否要求整个文件全部成功 / Whether any rejected row kept the whole file out."
    )
    applied: bool = strawberry.field(description="已保存（非试运行、未整体拒绝）/ The changes are stored.")
    summary: str = strawberry.field(description="中文摘要 / One-sentence summary in Chinese.")
    ignored_columns: list[str] = strawberry.field(description="未识别而忽略的列 / Columns not recognised.")
    counts = strawberry.field(
        resolver=record_import.report_counts,
        graphql_type=RecordImportCounts,
        description="各结果的行数 / Rows by outcome.",
    )
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


@strawberry.type(description="批量导入的结果 / The answer to importRecords.")
class ImportRecordsPayload:
    report: RecordImportReport | None = strawberry.field(
        description="导入报告（整个文件被拒绝时为空）/ The report; null when the file as a whole was refused."
    )
    errors: list[UserError] = strawberry.field(
        description="整个文件的问题（无法读取、缺列、全部或全不被拒绝）/ Problems with the file as a whole."
    )
