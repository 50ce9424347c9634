"""一单两库's and the result categories' mutations, each declared once."""

from __future__ import annotations

from typing import Any

from strawberry.file_uploads import Upload

from schema.platform.mutation import Arg, service_mutation
from schema.spotchecks.inputs import ResultCategoryInput, UpsertCheckItemInput, UpsertInspectorInput
from schema.spotchecks.types import (
    ImportInspectorsPayload,
    SetResultCategoriesPayload,
    UpsertCheckItemPayload,
    UpsertInspectorPayload,
)
from services.platform import sheets
from services.platform.access import Operation
from services.platform.errors import DomainError
from services.platform.sheet_import import SheetFile
from services.spotchecks import check_items, inspector_import, inspectors, result_categories

_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")
# Whose list: the caller's department, or the one a maintainer names.
_KEEPER = ("DEPARTMENT_REQUIRED", "UNKNOWN_DEPARTMENT")
_FILE = sheets.FILE_CODES
_CHECK_ITEM = (
    *_TEXT, *_KEEPER, "DUPLICATE_FORM_ITEM_CODE", "FORM_ITEMS_REQUIRED", "INVALID_CHECK_ITEM_CODE",
    "INVALID_FORM_ITEM_CODE", "TOO_MANY_FORM_ITEMS",
)  # fmt: skip
_INSPECTOR = (
    *_TEXT, *_KEEPER, "DUPLICATE_CONFLICT", "INSPECTOR_OF_OTHER_DEPARTMENT", "INVALID_CERTIFICATE_NO",
    "INVALID_RANGE", "INVALID_USCC", "TOO_MANY_CONFLICTS", "UNKNOWN_ENTITY", "UNKNOWN_USER",
    "USER_ALREADY_LINKED", "USER_OF_OTHER_DEPARTMENT",
)  # fmt: skip
_CATEGORIES = (
    *_TEXT, "CATEGORIES_REQUIRED", "CATEGORIES_UNCHANGED", "DUPLICATE_CATEGORY_CODE", "INVALID_CATEGORY_CODE",
    "TOO_MANY_CATEGORIES",
)  # fmt: skip
_NOT_A_FILE = "file 须作为文件上传（multipart/form-data，GraphQL multipart request 规范）"


def uploaded(upload: Any) -> SheetFile:
    """The multipart file's name and bytes (at most one byte past the limit, which then refuses it)."""
    stream = getattr(upload, "file", None)
    if stream is None:
        raise DomainError("INVALID_UPLOAD", _NOT_A_FILE, "file")
    return SheetFile(upload.filename or "upload", stream.read(sheets.MAX_BYTES + 1))


upsert_check_item = service_mutation(
    service=check_items.upsert_check_item,
    input=UpsertCheckItemInput,
    payload=UpsertCheckItemPayload,
    returns={"check_item": "row", "created": "created"},
    permission=Operation.UPSERT_CHECK_ITEM,
    codes=_CHECK_ITEM,
    description=(
        "维护随机抽查事项清单中的一项，按（部门, 代码）新增或更新"
        "（部门维护本部门的；维护人员以 departmentCode 指定部门）/ "
        "Keep one check item of a department's list, keyed by department and code."
    ),
)

upsert_inspector = service_mutation(
    service=inspectors.upsert_inspector,
    input=UpsertInspectorInput,
    payload=UpsertInspectorPayload,
    returns={"inspector": "inspector", "created": "created"},
    permission=Operation.UPSERT_INSPECTOR,
    codes=_INSPECTOR,
    description=(
        "维护执法检查人员，按执法证号新增或更新（部门维护本部门的；维护人员以 departmentCode 指定部门）/ "
        "Keep one inspector, keyed by certificate number (unique city-wide)."
    ),
)

import_inspectors = service_mutation(
    service=inspector_import.import_inspectors,
    arguments={
        "file": Arg(
            Upload,
            parse=uploaded,
            description="CSV 或 XLSX 文件（multipart 上传）/ The CSV or XLSX file, as a multipart upload.",
        ),
        "dry_run": Arg(bool, default=False, description="试运行：只报告，不保存 / Report only; store nothing."),
    },
    payload=ImportInspectorsPayload,
    returns="report",
    permission=Operation.IMPORT_INSPECTORS,
    codes=(*_FILE,),
    description=(
        "导入执法检查人员（CSV 或 XLSX，multipart 上传；表头：姓名、部门编码、执法证号、有效期起、有效期止、在岗），"
        "逐行报告；有任何一行被拒绝则整个文件不导入；dryRun 只报告不保存 / "
        "Import a file of inspectors, all or nothing, with a row-by-row report."
    ),
)

set_result_categories = service_mutation(
    service=result_categories.set_result_categories,
    arguments={
        "input": Arg(
            list[ResultCategoryInput],
            description="新版本的全部类别，按顺序 / Every category of the new version, in order.",
        )
    },
    payload=SetResultCategoriesPayload,
    permission=Operation.SET_RESULT_CATEGORIES,
    codes=_CATEGORIES,
    description=(
        "设置检查结果类别的新版本（整表；维护人员）：新版本立即现行，已记录的结果保留其版本 / "
        "Set a whole new version of the result categories (maintainers); recorded results keep theirs."
    ),
)
