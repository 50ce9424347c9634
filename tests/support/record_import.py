"""双归集 batch intake: a penalty file with good and bad rows, running the import, and what it stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from models import License, Penalty
from services.platform.db import Database
from services.platform.principal import Principal
from services.records.record_columns import RecordKind
from services.records.record_import import ImportOptions, import_records
from services.records.record_import_report import ImportReport
from tests.conftest import DemoCity
from tests.support.departments import DISTRICT
from tests.support.entities import new_code
from tests.support.record_files import department_principal, penalty_row

SYSTEM = Principal.system("record-import-test")


def mixed_penalties(city: DemoCity) -> list[list[Any]]:
    """Rows 2, 3 and 10 good; each of rows 4–9 bad in one way; row 11 an entity of 西岗区,
    which 中山区's department cannot see."""
    z = city.zhongshan
    return [
        penalty_row(z[0]),
        penalty_row(z[1], 文号="中市监罚〔2026〕2 号", 类别="罚款、没收违法所得", 罚款="12.3456", 没收="0.012345",
                    日期="2026年4月1日", 处罚机关="大连市中山区市场监督管理局", 法定代表人="李四"),
        penalty_row(new_code(body="MA0UNK01"), 文号="中市监罚〔2026〕3 号"),
        penalty_row("91210200ABC", 文号="中市监罚〔2026〕4 号"),
        penalty_row(z[2], 文号="中市监罚〔2026〕5 号", 日期="2026-02-30"),
        penalty_row(z[2], 文号="中市监罚〔2026〕6 号", 罚款="-1"),
        penalty_row(z[2], 文号="中市监罚〔2026〕7 号", 类别="警告；游街示众"),
        penalty_row(z[2], 文号="中市监罚〔2026〕8 号", 来源="大连市卫生健康委员会"),
        penalty_row(z[3], 文号="中市监罚〔2026〕9 号", 类别="警告", 罚款="", 日期="20260110", 公示截止期="2026/6/30"),
        penalty_row(city.xigang[0], 文号="中市监罚〔2026〕10 号"),
    ]  # fmt: skip


EXPECTED_PROBLEMS = {
    4: [("统一社会信用代码", "UNKNOWN_ENTITY")],
    5: [("统一社会信用代码", "INVALID_USCC")],
    6: [("处罚决定日期", "INVALID_DATE")],
    7: [("罚款金额（万元）", "INVALID_AMOUNT")],
    8: [("处罚类别", "UNKNOWN_CATEGORY")],
    9: [("数据来源单位", "OTHER_DEPARTMENT")],
    11: [("统一社会信用代码", "UNKNOWN_ENTITY")],
}


async def run(
    db: Database,
    path: Path,
    kind: RecordKind = RecordKind.PENALTY,
    principal: Principal | None = None,
    department_code: str | None = None,
    **options: Any,
) -> ImportReport:
    acting = principal or await department_principal(db, DISTRICT)
    with path.open("rb") as source:
        return await import_records(db, acting, kind, path.name, source, department_code, ImportOptions(**options))


# The demo city has records of its own (大…〔2025〕…号); the tests' files number theirs 中…〔2026〕….
OURS = "中"


async def stored_penalties(db: Database) -> dict[str, Penalty]:
    async with db.session(SYSTEM) as session:
        found = await session.scalars(select(Penalty).where(col(Penalty.document_number).startswith(OURS)))
        return {p.document_number: p for p in found.all()}


async def stored_licenses(db: Database) -> dict[str, License]:
    async with db.session(SYSTEM) as session:
        found = await session.scalars(select(License).where(col(License.document_number).startswith(OURS)))
        return {item.document_number: item for item in found.all()}
