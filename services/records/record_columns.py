"""The columns of a 双归集 batch file: each data item by its Chinese name in the 双公示
format or by its XK_*/CF_* column code, and how a header row maps onto them.

A header row that cannot be read as a file of the kind (a required column missing, a
column given twice) refuses the whole file before any row is looked at."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from services.platform.errors import DomainError


class RecordKind(StrEnum):
    LICENSE = "license"
    PENALTY = "penalty"
    COMPLAINT = "complaint"


KIND_LABELS = {RecordKind.LICENSE: "行政许可", RecordKind.PENALTY: "行政处罚", RecordKind.COMPLAINT: "12345投诉"}
# What identifies a record of the kind within its source department.
KEY_LABELS = {RecordKind.LICENSE: "文书号", RecordKind.PENALTY: "文书号", RecordKind.COMPLAINT: "工单编号"}


class Read(Enum):
    """How a cell is read."""

    TEXT = "text"
    DATE = "date"
    VALID_TO = "valid_to"  # a date, or 长期
    LICENSE_CATEGORY = "license_category"
    PENALTY_CATEGORIES = "penalty_categories"  # one or more, separated by ；;、,
    COMPLAINT_CATEGORY = "complaint_category"
    WAN_YUAN = "wan_yuan"  # an amount in 万元, stored in yuan
    YUAN = "yuan"
    YES_NO = "yes_no"
    LICENSE_NAMED = "license_named"  # 暂扣或吊销证照名称及编号: the license number is taken from it


@dataclass(frozen=True)
class Column:
    field: str  # the input field the services name in their problems (documentNumber)
    header: str  # the data item's Chinese name: shown, and written in exported reports
    code: str | None = None  # the XK_*/CF_* column code
    read: Read = Read.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()


SOURCE_NAME, SOURCE_CODE = "sourceName", "sourceCode"  # 数据来源单位: checked against the importer
_USCC_ALIASES = ("行政相对人代码_1(统一社会信用代码)", "行政相对人统一社会信用代码", "社会信用代码")
_SOURCE_CODE_ALIASES = ("数据来源单位代码", "数据来源单位部门代码")

COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    RecordKind.LICENSE: (
        Column("partyName", "行政相对人名称", "XK_XDR_MC"),
        Column("uscc", "统一社会信用代码", "XK_XDR_SHXYM", required=True, aliases=_USCC_ALIASES),
        Column("legalRepresentative", "法定代表人", "XK_FRDB"),
        Column("documentName", "行政许可决定文书名称", "XK_XKWS", required=True),
        Column("documentNumber", "行政许可决定文书号", "XK_WSH", required=True),
        Column("category", "许可类别", "XK_XKLB", Read.LICENSE_CATEGORY, required=True),
        Column("certificateName", "许可证书名称", "XK_XKZS"),
        Column("licenseNumber", "许可编号", "XK_XKBH"),
        Column("content", "许可内容", "XK_NR", required=True),
        Column("decisionDate", "许可决定日期", "XK_JDRQ", Read.DATE, required=True),
        Column("validFrom", "有效期自", "XK_YXQZ", Read.DATE, required=True),
        Column("validTo", "有效期至", "XK_YXQZI", Read.VALID_TO, required=True),
        Column("authorityName", "许可机关", "XK_XKJG"),
        Column(SOURCE_NAME, "数据来源单位", "XK_LYDW"),
        Column(SOURCE_CODE, "数据来源单位统一社会信用代码", "XK_LYDWDM", aliases=_SOURCE_CODE_ALIASES),
    ),
    RecordKind.PENALTY: (
        Column("partyName", "行政相对人名称", "CF_XDR_MC"),
        Column("uscc", "统一社会信用代码", "CF_XDR_SHXYM", required=True, aliases=_USCC_ALIASES),
        Column("legalRepresentative", "法定代表人", "CF_FRDB"),
        Column("documentNumber", "行政处罚决定书文号", "CF_WSH", required=True),
        Column("violationType", "违法行为类型", "CF_WFXW", required=True),
        Column("facts", "违法事实", "CF_SY", required=True),
        Column("basis", "处罚依据", "CF_YJ", required=True),
        Column("categories", "处罚类别", "CF_CFLB", Read.PENALTY_CATEGORIES, required=True),
        Column("content", "处罚内容", "CF_NR", required=True),
        Column("fineAmount", "罚款金额（万元）", "CF_NR_FK", Read.WAN_YUAN),
        Column("confiscatedAmount", "没收违法所得、没收非法财物的金额（万元）", "CF_NR_WFFF", Read.WAN_YUAN),
        # Some departments' systems export yuan; the header says which.
        Column("fineAmount", "罚款金额（元）", read=Read.YUAN),
        Column("confiscatedAmount", "没收违法所得、没收非法财物的金额（元）", read=Read.YUAN),
        Column("revokedLicenseNumber", "暂扣或吊销证照名称及编号", "CF_NR_ZKDX", Read.LICENSE_NAMED),
        Column("decisionDate", "处罚决定日期", "CF_JDRQ", Read.DATE, required=True),
        Column("publicUntil", "公示截止期", "CF_GSJZQ", Read.DATE),
        Column("authorityName", "处罚机关", "CF_CFJG"),
        Column(SOURCE_NAME, "数据来源单位", "CF_LYDW"),
        Column(SOURCE_CODE, "数据来源单位统一社会信用代码", "CF_LYDWDM", aliases=_SOURCE_CODE_ALIASES),
    ),
    RecordKind.COMPLAINT: (
        Column("reference", "工单编号", required=True, aliases=("12345工单编号", "工单号")),
        Column("uscc", "统一社会信用代码", required=True, aliases=("被投诉主体统一社会信用代码", *_USCC_ALIASES)),
        Column("receivedOn", "受理日期", read=Read.DATE, required=True),
        Column("category", "投诉类别", read=Read.COMPLAINT_CATEGORY, required=True),
        Column("resolved", "是否办结", read=Read.YES_NO),
        Column("resolvedOn", "办结日期", read=Read.DATE),
        Column("summary", "投诉摘要", aliases=("投诉内容",)),
        Column(SOURCE_NAME, "数据来源单位"),
        Column(SOURCE_CODE, "数据来源单位统一社会信用代码", aliases=_SOURCE_CODE_ALIASES),
    ),
}


def fold(text: str) -> str:
    """A header or a name as compared: full-width folded, spaces and a required-mark * gone, upper case."""
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", text)).upper()


def _by_header(columns: Sequence[Column]) -> dict[str, Column]:
    spellings = ((spelling, column) for column in columns for spelling in (column.header, column.code, *column.aliases))
    return {fold(spelling): column for spelling, column in spellings if spelling}


_BY_HEADER = {kind: _by_header(columns) for kind, columns in COLUMNS.items()}


def canonical(kind: RecordKind) -> dict[str, str]:
    """Each field's header as the format names it (the first column of the field)."""
    named: dict[str, str] = {}
    for column in COLUMNS[kind]:
        named.setdefault(column.field, column.header)
    return named


@dataclass(frozen=True)
class Layout:
    kind: RecordKind
    cells: tuple[tuple[int, Column], ...]  # position in the row, and the column found there
    used: dict[str, str]  # field → the header as the file wrote it
    ignored: list[str]

    def column_of(self, field: str | None) -> str:
        """The column a problem with `field` is shown under: the file's own header where it has one."""
        if not field:
            return ""
        return self.used.get(field) or canonical(self.kind).get(field, "")


def layout(kind: RecordKind, header: Sequence[str]) -> Layout:
    by_header = _BY_HEADER[kind]
    cells: list[tuple[int, Column]] = []
    used: dict[str, str] = {}
    ignored: list[str] = []
    for position, text in enumerate(header):
        column = by_header.get(fold(text))
        if column is None:
            if text.strip():
                ignored.append(text.strip())
            continue
        if column.field in used:
            message = f"“{canonical(kind)[column.field]}”列出现了两次（“{used[column.field]}”与“{text.strip()}”）"
            raise DomainError("DUPLICATE_COLUMN", f"{message}；未导入任何内容", "file")
        cells.append((position, column))
        used[column.field] = text.strip()
    missing = [c for c in COLUMNS[kind] if c.required and c.field not in used]
    if missing:
        names = "、".join(f"{c.header}（{c.code}）" if c.code else c.header for c in missing)
        what = KIND_LABELS[kind]
        raise DomainError("MISSING_COLUMNS", f"缺少{what}文件必需的列：{names}；未导入任何内容", "file")
    return Layout(kind, tuple(cells), used, ignored)
