"""One row of a 双归集 batch file, read into the input a single-record service takes and
checked by the same pure validators (services.records.records), so a file applies exactly the rules
a mutation does. Only what is the file's own business is read here: dates as people write
them, labels and codes, amounts in 万元, the license named in 暂扣或吊销证照名称及编号, and
the 数据来源单位 column. No database: the entity and the stored record are the writer's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from models.enums import ComplaintCategory, DepartmentLevel, LicenseCategory, PenaltyCategory
from services.platform import checks
from services.platform.errors import Collector, Problem
from services.platform.labels import label, parse_label
from services.platform.sheets import Cell, SheetRow
from services.platform.text_columns import multiline
from services.records.record_columns import SOURCE_CODE, SOURCE_NAME, Column, Layout, Read, RecordKind, canonical, fold
from services.records.records import (
    LONG_TERM,
    ComplaintInput,
    LicenseInput,
    PenaltyInput,
    complaint_values,
    license_values,
    penalty_values,
)
from services.registry.uscc import CheckedCode, checked_uscc

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
RecordInput = LicenseInput | PenaltyInput | ComplaintInput

_LONG_TERM_WORDS = {"长期", "长期有效", "永久", "永久有效", "无固定期限"}
_LIST = re.compile(r"[；;、,，/\n]+")
# "食品经营许可证 JY22102020012345", "食品经营许可证（JY…）", "公共场所卫生许可证：辽卫公证字…": the number
# follows a name that ends in 证/照/证书; a cell without such a name is the number itself.
_NAMED = re.compile(r"^.*?(?:证书|证照|执照|证|照)\s*[：:，,(（\s]\s*(?P<number>.+?)\s*[)）]?$")
_DATES = {"decisionDate", "validFrom", "validTo", "publicUntil", "receivedOn", "resolvedOn"}
_YES = {"是", "Y", "YES", "TRUE", "1", "已办结", "办结", "已解决"}
_NO = {"否", "N", "NO", "FALSE", "0", "未办结", "未解决", "办理中"}


@dataclass(frozen=True)
class Source:
    """The importing (source) department."""

    id: int
    code: str
    name: str
    level: DepartmentLevel
    region_code: str


@dataclass
class ParsedRow:
    number: int  # as the user sees it: the header is row 1
    key: str  # the document number (the reference, for a complaint), as far as it could be read
    problems: list[Problem] = field(default_factory=list)
    code: CheckedCode | None = None
    data: RecordInput | None = None
    values: dict[str, Any] | None = None  # the validator's columns; None when the row is rejected

    @property
    def valid(self) -> bool:
        return not self.problems and self.values is not None


class _Cells:
    """One row's cells by field, gathering what cannot be read, by field."""

    def __init__(self, row: SheetRow, positions: dict[str, tuple[int, Column]], headers: dict[str, str]) -> None:
        self.positions, self.headers = positions, headers
        self.values = {name: row.cell(position) for name, (position, _) in positions.items()}
        self.problems: list[Problem] = []
        self.failed: set[str] = set()

    def problem(self, name: str, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, name))
        self.failed.add(name)

    def checked(self, name: str, check: Callable[[Collector], T]) -> T:
        """A shared check of one cell, its problems reported against the cell."""
        found = Collector()
        result = check(found)
        for problem in found.problems:
            self.problem(name, problem.code, problem.message)
        return result

    def cell(self, name: str) -> Cell:
        return self.values.get(name, "")

    def text(self, name: str) -> str:
        value = self.cell(name)
        if isinstance(value, date):
            return value.isoformat()
        return self.checked(
            name, lambda found: checks.characters(value, self.headers[name], name, found, multiline=multiline(name))
        )

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def day(self, name: str, required: bool = True, long_term: bool = False) -> date | None:
        value = self.cell(name)
        if long_term and isinstance(value, str) and fold(value.strip()) in _LONG_TERM_WORDS:
            return LONG_TERM
        return self.checked(name, lambda found: checks.day(value, self.headers[name], name, found, required))

    def choice(self, name: str, enum: type[E], codes: str = "") -> E | None:
        text = self.text(name).strip()
        found = parse_label(enum, text) if text else None
        if found is None:
            header = self.headers[name]
            what = f"“{text}”无效" if text else "不能为空"
            spelled = "、".join(label(member) for member in enum)
            self.problem(name, "UNKNOWN_CATEGORY" if text else "REQUIRED", f"{header}{what}：应为 {spelled}{codes}")
        return found

    def categories(self, name: str) -> list[PenaltyCategory]:
        items = [item.strip() for item in _LIST.split(self.text(name)) if item.strip()]
        found = [parse_label(PenaltyCategory, item) for item in items]
        unknown = [item for item, member in zip(items, found, strict=True) if member is None]
        if unknown:
            spelled = "、".join(label(member) for member in PenaltyCategory)
            self.problem(
                name,
                "UNKNOWN_CATEGORY",
                f"处罚类别“{'、'.join(unknown)}”不在行政处罚法（2021 年修订）所列类别中：应为 {spelled}",
            )
        return [member for member in found if member is not None]

    def amount(self, name: str) -> str | None:
        """Yuan as a decimal string, for the validator; a 万元 column is converted exactly."""
        text = self.text(name).strip()
        found = self.positions.get(name)
        if not text or found is None or found[1].read is not Read.WAN_YUAN:
            return text or None
        value = checks.parse_decimal(text)
        if value is None:
            self.problem(
                name, "INVALID_AMOUNT", f"{self.headers[name]}“{text}”不是有效的数字（单位：万元，如 5 或 0.35）"
            )
            return None
        # Exact: 12.3456 万元 is 123456 yuan (trailing zeros dropped, so the fen rule judges the value).
        return format((value * 10000).normalize(), "f")

    def license_named(self, name: str) -> str | None:
        text = self.text(name).strip()
        found = _NAMED.match(text)
        return (found["number"] if found else text) or None

    def yes_no(self, name: str) -> bool | None:
        text = fold(self.text(name))
        if not text:
            return None
        if text in _YES or text in _NO:
            return text in _YES
        self.problem(name, "INVALID_BOOLEAN", f"{self.headers[name]}“{self.text(name)}”应为“是”或“否”")
        return None


_PLATFORM_CODE = re.compile(r"^[A-Z]+-\d{6}$", re.ASCII)


class RowReader:
    """Reads the rows of one file: its layout, its source department, and the day it is checked on."""

    def __init__(self, layout: Layout, source: Source, on: date) -> None:
        self.layout, self.source, self.on = layout, source, on
        self.kind = layout.kind
        self.positions = {column.field: (position, column) for position, column in layout.cells}
        self.headers = {**canonical(self.kind), **layout.used}
        self._own = {SOURCE_NAME: {fold(source.name), fold(source.code)}, SOURCE_CODE: {fold(source.code)}}
        self._wan = {column.field for _, column in layout.cells if column.read is Read.WAN_YUAN}
        readers: dict[RecordKind, Callable[[_Cells], tuple[RecordInput, Any]]] = {
            RecordKind.LICENSE: self._license,
            RecordKind.PENALTY: self._penalty,
            RecordKind.COMPLAINT: self._complaint,
        }
        self._read = readers[self.kind]

    def read(self, row: SheetRow) -> ParsedRow:
        cells = _Cells(row, self.positions, self.headers)
        self._check_source(cells)
        data, validate = self._read(cells)
        rules = Collector()
        code = checked_uscc(data.uscc, rules)
        values = validate(data, self.on, rules)
        problems = cells.problems + self._located(rules.problems, cells)
        key = values.get("document_number") or values.get("reference") or ""
        return ParsedRow(row.number, key, problems, code, data, None if problems else values)

    def _located(self, problems: list[Problem], cells: _Cells) -> list[Problem]:
        """The validator's problems, less those that only echo a cell already reported unreadable
        (its stand-in value broke a rule), with a note where the column was in 万元."""
        kept: list[Problem] = []
        for problem in problems:
            if problem.field in cells.failed or (problem.code == "INVALID_RANGE" and cells.failed & _DATES):
                continue
            if problem.field in self._wan:
                raw = cells.text(problem.field).strip()
                problem = Problem(
                    problem.code, f"{problem.message}（本列单位为万元，填写的是“{raw}”万元）", problem.field
                )
            kept.append(problem)
        return kept

    def _is_own(self, name: str, text: str) -> bool:
        folded = fold(text)
        if folded in self._own[name]:
            return True
        if name == SOURCE_NAME:
            # Files often name the department with its city in front (大连市中山区市场监督管理局).
            return folded.endswith(fold(self.source.name))
        # The 双公示 format puts the department's own USCC here, which the platform does not
        # keep: only a platform department code (SCJG-210202) can be checked against the importer.
        return not _PLATFORM_CODE.match(folded)

    def _check_source(self, cells: _Cells) -> None:
        for name in (SOURCE_NAME, SOURCE_CODE):
            text = cells.text(name).strip()
            if text and not self._is_own(name, text):
                cells.problem(
                    name,
                    "OTHER_DEPARTMENT",
                    f"{self.headers[name]}“{text}”不是导入部门“{self.source.name}”（{self.source.code}）："
                    "一数一源，只能导入本部门的记录",
                )

    # A cell that cannot be read stands in as a harmless value, so the validator still checks
    # the rest of the row and one reply names every problem; `_located` drops the echoes.

    def _license(self, cells: _Cells) -> tuple[RecordInput, Any]:
        data = LicenseInput(
            uscc=cells.text("uscc"),
            document_number=cells.text("documentNumber"),
            document_name=cells.text("documentName"),
            category=cells.choice("category", LicenseCategory, "（或代码 01–06）") or LicenseCategory.OTHER,
            content=cells.text("content"),
            decision_date=cells.day("decisionDate") or self.on,
            valid_from=cells.day("validFrom") or self.on,
            valid_to=cells.day("validTo", long_term=True) or LONG_TERM,
            certificate_name=cells.optional("certificateName"),
            license_number=cells.optional("licenseNumber"),
            party_name=cells.optional("partyName"),
            legal_representative=cells.optional("legalRepresentative"),
            authority_name=cells.optional("authorityName"),
        )
        return data, license_values

    def _penalty(self, cells: _Cells) -> tuple[RecordInput, Any]:
        data = PenaltyInput(
            uscc=cells.text("uscc"),
            document_number=cells.text("documentNumber"),
            violation_type=cells.text("violationType"),
            facts=cells.text("facts"),
            basis=cells.text("basis"),
            categories=cells.categories("categories"),
            content=cells.text("content"),
            decision_date=cells.day("decisionDate") or self.on,
            fine_amount=cells.amount("fineAmount"),
            confiscated_amount=cells.amount("confiscatedAmount"),
            revoked_license_number=cells.license_named("revokedLicenseNumber"),
            public_until=cells.day("publicUntil", required=False),
            party_name=cells.optional("partyName"),
            legal_representative=cells.optional("legalRepresentative"),
            authority_name=cells.optional("authorityName"),
        )
        return data, penalty_values

    def _complaint(self, cells: _Cells) -> tuple[RecordInput, Any]:
        resolved_on = cells.day("resolvedOn", required=False)
        resolved = cells.yes_no("resolved")
        data = ComplaintInput(
            uscc=cells.text("uscc"),
            reference=cells.text("reference"),
            received_on=cells.day("receivedOn") or self.on,
            category=cells.choice("category", ComplaintCategory) or ComplaintCategory.OTHER,
            # 是否办结 left blank (or no such column): a 办结日期 says it was.
            resolved=resolved if resolved is not None else resolved_on is not None,
            resolved_on=resolved_on,
            summary=cells.optional("summary"),
        )
        return data, complaint_values
