"""双归集's mutations, each declared once."""

from __future__ import annotations

from strawberry.file_uploads import Upload

from resolvers.records import record_import
from schema.platform.mutation import Arg, declared_mutation, service_mutation
from schema.records.inputs import (
    RecordComplaintInput,
    RecordLicenseInput,
    RecordPenaltyInput,
    RepairPenaltyInput,
    WithdrawPenaltyInput,
)
from schema.records.record_import import ImportRecordsPayload
from schema.records.types import (
    RecordComplaintPayload,
    RecordLicensePayload,
    RecordPenaltyPayload,
    RepairPenaltyPayload,
    WithdrawPenaltyPayload,
)
from services.platform import sheets
from services.platform.access import Operation
from services.records import records
from services.records.record_columns import RecordKind

# Every record names its source department: the caller's, or one a maintainer acts for.
_DEPARTMENT = ("DEPARTMENT_REQUIRED", "UNKNOWN_DEPARTMENT")
_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")
_DECISION = (*_DEPARTMENT, *_TEXT, "DATE_IN_FUTURE", "INVALID_DOCUMENT_NUMBER", "INVALID_RANGE", "INVALID_USCC")

record_license = service_mutation(
    service=records.record_license,
    input=RecordLicenseInput,
    payload=RecordLicensePayload,
    returns={"license": "record", "outcome": "outcome"},
    permission=Operation.RECORD_LICENSE,
    codes=(*_DECISION, "UNKNOWN_ENTITY"),
    description="报送行政许可；同一来源部门与文书号重复报送不产生变化 / Record a license (idempotent).",
)

record_penalty = service_mutation(
    service=records.record_penalty,
    input=RecordPenaltyInput,
    payload=RecordPenaltyPayload,
    returns={"penalty": "record", "outcome": "outcome", "revoked_license": "revoked"},
    permission=Operation.RECORD_PENALTY,
    codes=(*_DECISION, "AMOUNT_TOO_LARGE", "INVALID_AMOUNT", "RECORD_CLOSED", "UNKNOWN_ENTITY"),
    description="报送行政处罚；吊销许可证件时标记被吊销的许可 / Record a penalty; revocation revokes the license.",
)

_CLOSING = (*_DEPARTMENT, *_TEXT, "INVALID_DOCUMENT_NUMBER", "PENALTY_NOT_FOUND")

withdraw_penalty = service_mutation(
    service=records.withdraw_penalty,
    input=WithdrawPenaltyInput,
    payload=WithdrawPenaltyPayload,
    returns="penalty",
    permission=Operation.WITHDRAW_PENALTY,
    codes=(*_CLOSING, "ALREADY_WITHDRAWN"),
    description="撤销行政处罚（其吊销的许可恢复有效）/ Withdraw a penalty; a license it revoked is restored.",
)

repair_penalty = service_mutation(
    service=records.repair_penalty,
    input=RepairPenaltyInput,
    payload=RepairPenaltyPayload,
    returns="penalty",
    permission=Operation.REPAIR_PENALTY,
    codes=(*_CLOSING, "ALREADY_REPAIRED", "RECORD_CLOSED"),
    description="信用修复：处罚决定不变，提前结束公示 / Credit repair: the penalty leaves the public view early.",
)

record_complaint = service_mutation(
    service=records.record_complaint,
    input=RecordComplaintInput,
    payload=RecordComplaintPayload,
    returns={"complaint": "record", "outcome": "outcome"},
    permission=Operation.RECORD_COMPLAINT,
    codes=(*_DECISION, "INVALID_RESOLUTION", "UNKNOWN_ENTITY"),
    description="报送 12345 投诉 / Record a hotline complaint (idempotent per reference).",
)

# The import commits in batches of its own (services.records.record_import), not in one transaction.
import_records = declared_mutation(
    record_import.import_records,
    {
        "kind": Arg(RecordKind, description="文件中的记录种类 / What the file holds."),
        "file": Arg(
            Upload, description="CSV 或 XLSX 文件（multipart 上传）/ The CSV or XLSX file, as a multipart upload."
        ),
        "dry_run": Arg(bool, default=False, description="试运行：只报告，不保存 / Report only; store nothing."),
        "all_or_nothing": Arg(
            bool, default=False, description="有任何一行被拒绝则整个文件不导入 / Store nothing if any row is rejected."
        ),
        "department_code": Arg(
            str | None, default=None, description="维护人员代报送的来源部门 / For maintainers: the source department."
        ),
    },
    ImportRecordsPayload,
    permission=Operation.IMPORT_RECORDS,
    codes=(
        *_DEPARTMENT,
        *sheets.FILE_CODES,
        "FILE_REJECTED",
        "IMPORT_FAILED",
    ),
    description=(
        "批量导入行政许可、行政处罚或 12345 投诉（CSV 或 XLSX，multipart 上传，表头为双公示中文名称或"
        " XK_*/CF_* 代码），逐行报告；dryRun 只报告不保存；allOrNothing 有任何一行被拒绝则整个文件不导入 / "
        "Import a CSV or XLSX file of records (multipart upload); row-by-row report."
    ),
)
