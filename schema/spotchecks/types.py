"""一单两库's and the result categories' GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.spotchecks import lists
from schema.enums import CertificateStatus, ResultConsequence
from schema.platform.common import UserError
from schema.records import record_import  # noqa: F401  (registers ImportOutcome)
from schema.registry.types import Department
from services.platform.sheet_rows import RowOutcome


@strawberry.type(description="检查内容 / One item of a check item's result form.")
class CheckFormItem:
    code: str = strawberry.field(
        description="检查内容代码，在该事项内唯一 / The form item's code, unique within its check item."
    )
    name: str = strawberry.field(description="检查内容，如“是否公示营业执照” / What is checked.")


@strawberry.type(
    description=(
        "随机抽查事项清单中的一项 / One kind of check a department may run, with its legal basis and result form."
    )
)
class CheckItem:
    code: str = strawberry.field(description="事项代码，在本部门内唯一 / Unique within the department.")
    name: str = strawberry.field(description="事项名称 / The check item's name.")
    legal_basis: str = strawberry.field(description="检查依据 / The legal basis.")
    form_items = strawberry.field(
        resolver=lists.form_items,
        graphql_type=list[CheckFormItem],
        description="结果表的检查内容，按顺序 / The items of the result form, in order.",
    )
    active: bool = strawberry.field(description="在用 / In use.")
    department = strawberry.field(
        resolver=lists.check_item_department, graphql_type=Department | None, description="所属部门 / Whose item."
    )
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次修改的时间（UTC）/ When it was last changed (UTC)."
    )


@strawberry.type(description="回避声明 / A declared conflict of interest: never assigned to this entity.")
class InspectorConflict:
    uscc: str = strawberry.field(
        description="须回避主体的统一社会信用代码 / The entity the inspector must not inspect."
    )
    reason: str | None = strawberry.field(description="回避理由 / Why.")
    declared_at: datetime.datetime = strawberry.field(description="声明时间（UTC）/ When it was declared (UTC).")


@strawberry.type(
    description="执法检查人员（执法检查人员名录库）/ A law-enforcement officer with a certificate (执法证); internal."
)
class Inspector:
    certificate_no: str = strawberry.field(description="执法证号，全市唯一 / Certificate number, unique city-wide.")
    name: str = strawberry.field(description="姓名 / The inspector's name.")
    department = strawberry.field(
        resolver=lists.inspector_department, graphql_type=Department | None, description="所属部门 / Department."
    )
    valid_from: datetime.date = strawberry.field(description="执法证有效期起 / Certificate valid from.")
    valid_to: datetime.date = strawberry.field(description="执法证有效期止 / Certificate valid to.")
    active: bool = strawberry.field(description="在岗 / On duty.")
    username: str | None = strawberry.field(description="关联的管理后台用户 / The admin user linked, if any.")
    conflicts: list[InspectorConflict] = strawberry.field(description="回避主体 / Declared conflicts (回避).")
    certificate_status = strawberry.field(
        resolver=lists.certificate_status,
        graphql_type=CertificateStatus,
        description="执法证在 on 日（默认今天）的状态 / The certificate's status on `on` (default today).",
    )
    certificate_valid = strawberry.field(
        resolver=lists.certificate_valid,
        graphql_type=bool,
        description="执法证在 on 日（默认今天）有效 / Whether the certificate is valid on `on` (default today).",
    )


@strawberry.type(description="检查结果类别 / One category of a version of the result-category table.")
class ResultCategory:
    version: int = strawberry.field(description="版本；最新版本现行 / Version; the newest is in force.")
    code: str = strawberry.field(description="类别代码 / The category's code.")
    name: str = strawberry.field(description="类别名称，如“未发现问题” / Its name, such as 未发现问题.")
    consequence: ResultConsequence = strawberry.field(description="该类别的后果 / What follows from it.")
    position: int = strawberry.field(description="列表中的顺序 / Order in the table.")


@strawberry.type(description="维护随机抽查事项的结果 / The answer to upsertCheckItem.")
class UpsertCheckItemPayload:
    check_item: CheckItem | None = strawberry.field(
        description="保存后的抽查事项（有错误时为空）/ The check item as stored; null on errors."
    )
    created: bool = strawberry.field(description="新建（而非更新）/ A new check item, not a change.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="维护执法检查人员的结果 / The answer to upsertInspector.")
class UpsertInspectorPayload:
    inspector: Inspector | None = strawberry.field(
        description="保存后的检查人员（有错误时为空）/ The inspector as stored; null on errors."
    )
    created: bool = strawberry.field(description="新建（而非更新）/ A new inspector, not a change.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="发布检查结果类别新版本的结果 / The answer to setResultCategories.")
class SetResultCategoriesPayload:
    version: int | None = strawberry.field(description="新版本号 / The new version, now in force.")
    categories: list[ResultCategory] = strawberry.field(
        description=("新版本的全部类别 / Every category of the new version.")
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="导入报告的一行 / One line of the report (one per problem of a refused row).")
class InspectorImportLine:
    row: int = strawberry.field(description="文件中的行号（表头为第 1 行）/ Row number as the user sees it.")
    outcome: RowOutcome = strawberry.field(description="该行的结果 / What happened to the row.")
    certificate_no: str = strawberry.field(description="执法证号 / Certificate number.")
    column: str | None = strawberry.field(description="出错的列（文件中的表头）/ The column at fault, as headed.")
    code: str | None = strawberry.field(description="稳定的错误代码 / Stable code for programs.")
    message: str | None = strawberry.field(description="中文说明 / Message for people, in Chinese.")


@strawberry.type(description="各结果的行数 / Rows by outcome.")
class InspectorImportCounts:
    rows: int = strawberry.field(description="数据行数 / Data rows read.")
    created: int = strawberry.field(description="新增的行数 / Rows stored as new inspectors.")
    updated: int = strawberry.field(description="更新的行数 / Rows that changed a stored inspector.")
    unchanged: int = strawberry.field(description="无变化的行数 / Rows already stored as they are.")
    rejected: int = strawberry.field(description="被拒绝的行数 / Rows refused.")


@strawberry.type(description="执法检查人员导入报告 / The row-by-row report of an inspector file.")
class InspectorImportReport:
    filename: str = strawberry.field(description="文件名 / The uploaded file's name.")
    dry_run: bool = strawberry.field(description="是否试运行 / Whether it was a dry run.")
    applied: bool = strawberry.field(
        description="已保存（非试运行且没有被拒绝的行）/ Stored: not a dry run, and no row refused."
    )
    summary: str = strawberry.field(description="中文摘要 / One-sentence summary in Chinese.")
    ignored_columns: list[str] = strawberry.field(description="未识别而忽略的列 / Columns not recognised.")
    counts = strawberry.field(
        resolver=lists.import_counts, graphql_type=InspectorImportCounts, description="各结果的行数 / Rows by outcome."
    )
    rows = strawberry.field(
        resolver=lists.import_lines,
        graphql_type=list[InspectorImportLine],
        description="每行的结果，被拒绝的行每个问题一条 / Each row's outcome; a refused row once per problem.",
    )


@strawberry.type(description="导入执法检查人员的结果 / The answer to importInspectors.")
class ImportInspectorsPayload:
    report: InspectorImportReport | None = strawberry.field(
        description="导入报告（整个文件被拒绝时为空）/ The report; null when the file as a whole was refused."
    )
    errors: list[UserError] = strawberry.field(
        description="整个文件的问题（无法读取、缺列）/ Problems with the file as a whole."
    )
