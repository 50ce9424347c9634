"""Reading the files people send (services.platform.sheets), seen through the 双归集 batch intake and the
command line: an XLSX whose shared strings would not fit in memory is refused with a request for
CSV, a UTF-8 file with a damaged byte is refused with its line named instead of being read as
GB18030, and GB18030 files still import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from services.platform import sheets
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.sheet_rows import RowOutcome
from services.records.record_columns import RecordKind
from services.records.record_import import import_file
from tests.conftest import DemoCity
from tests.support.audit import audit_count
from tests.support.cli import manage
from tests.support.departments import DISTRICT
from tests.support.record_files import PENALTY_HEADER, penalty_row, write_csv, write_xlsx, write_xlsx_shared_strings
from tests.support.record_import import stored_penalties

SECOND_FACTS = "当事人销售超过保质期的预包装食品（第二批）"


def penalties(city: DemoCity) -> list[list[Any]]:
    """Rows 2 and 3 good, row 4 with a USCC that cannot be one."""
    z = city.zhongshan
    return [
        penalty_row(z[0]),
        penalty_row(z[1], 文号="中市监罚〔2026〕2 号", 违法事实=SECOND_FACTS),
        penalty_row("91210200ABC", 文号="中市监罚〔2026〕3 号"),
    ]


async def refused(db: Database, path: Path) -> DomainError:
    """The import refuses the file whole: nothing stored, nothing audited."""
    events = await audit_count(db)
    with pytest.raises(DomainError) as caught:
        await import_file(db, RecordKind.PENALTY, path, DISTRICT)
    assert caught.value.problems[0].field == "file"
    assert await stored_penalties(db) == {} and await audit_count(db) == events
    return caught.value


def with_stray_byte(data: bytes, before: str, byte: bytes) -> bytes:
    marker = before.encode()
    assert data.count(marker) == 1
    return data.replace(marker, byte + marker)


async def test_an_xlsx_with_more_shared_strings_than_the_limit_is_refused_and_one_at_it_imports(
    db: Database, city: DemoCity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx_shared_strings(tmp_path / "行政处罚.xlsx", PENALTY_HEADER, penalties(city))
    with zipfile.ZipFile(path) as book:
        size = book.getinfo("xl/sharedStrings.xml").file_size

    monkeypatch.setattr(sheets, "MAX_SHARED_STRINGS_BYTES", size - 1)
    error = await refused(db, path)
    assert error.code == "XLSX_TOO_LARGE"
    assert "XLSX" in error.problems[0].message and "另存为 CSV（UTF-8 或 GB18030" in error.problems[0].message

    monkeypatch.setattr(sheets, "MAX_SHARED_STRINGS_BYTES", size)
    report = await import_file(db, RecordKind.PENALTY, path, DISTRICT)
    assert (report.rows, report.created, report.rejected) == (3, 2, 1)
    assert [(line.row, line.code) for line in report.lines if line.outcome is RowOutcome.REJECTED] == [
        (4, "INVALID_USCC")
    ]
    assert (await stored_penalties(db))["中市监罚〔2026〕2 号"].facts == SECOND_FACTS


async def test_an_xlsx_as_openpyxl_writes_it_imports_under_the_real_limit(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    report = await import_file(
        db, RecordKind.PENALTY, write_xlsx(tmp_path / "行政处罚.xlsx", PENALTY_HEADER, penalties(city)), DISTRICT
    )
    assert (report.rows, report.created, report.rejected) == (3, 2, 1)


async def test_an_xlsx_with_a_broken_content_types_part_is_unreadable_not_a_crash(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    good = write_xlsx_shared_strings(tmp_path / "好.xlsx", PENALTY_HEADER, penalties(city))
    broken = tmp_path / "坏.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"<Types" if name == "[Content_Types].xml" else source.read(name))
    assert (await refused(db, broken)).code == "UNREADABLE_FILE"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
async def test_a_utf8_file_with_one_stray_byte_is_refused_naming_its_line(
    db: Database, city: DemoCity, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, penalties(city), encoding)
    path.write_bytes(with_stray_byte(path.read_bytes(), "（第二批）", b"\xb0"))
    error = await refused(db, path)
    assert error.code == "UNKNOWN_ENCODING"
    assert (
        "UTF-8" in error.problems[0].message
        and "第 3 行" in error.problems[0].message
        and "0xB0" in error.problems[0].message
    )


async def test_a_stray_byte_far_into_a_large_utf8_file_is_found_before_any_row_is_stored(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[n % 4], 文号=f"中市监罚〔2026〕{n} 号") for n in range(1, 8001)]
    rows[7000][PENALTY_HEADER.index("违法事实")] = SECOND_FACTS  # on line 7002, after the header
    path = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, rows)
    damaged = with_stray_byte(path.read_bytes(), "（第二批）", b"\xe9")
    assert damaged.index(b"\xe9\xef\xbc\x88") > 2 * 1024 * 1024, "the byte lies megabytes into the file"
    path.write_bytes(damaged)
    error = await refused(db, path)
    assert (
        error.code == "UNKNOWN_ENCODING"
        and "第 7002 行" in error.problems[0].message
        and "0xE9" in error.problems[0].message
    )


async def test_the_command_line_says_where_the_damage_is_and_exits_2(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, penalties(city))
    path.write_bytes(with_stray_byte(path.read_bytes(), "（第二批）", b"\xb0"))
    done = manage(database_url, "import", "penalty", str(path), "--department", DISTRICT)
    assert done.returncode == 2, done.stdout + done.stderr
    said = "".join(done.stderr.split())  # the console wraps long lines
    assert "未导入" in said and "第3行" in said and "0xB0" in said
    assert await stored_penalties(db) == {}


def test_damaged_utf8_that_also_decodes_as_gb18030_is_refused_not_read_as_garbage() -> None:
    data = "事项代码,事项名称,办理部门\nA001,食品经营,市场监管\n".encode().replace(b"A001", b"\xe4A001")
    assert data.decode("gb18030").startswith("浜嬮」浠ｇ爜"), "as GB18030 it reads, as nonsense"
    with pytest.raises(DomainError) as caught, sheets.open_table("目录.csv", io.BytesIO(data)):
        pass
    assert caught.value.code == "UNKNOWN_ENCODING"
    assert "第 2 行" in caught.value.problems[0].message and "0xE4" in caught.value.problems[0].message


async def test_a_gb18030_file_with_rare_characters_still_imports(db: Database, city: DemoCity, tmp_path: Path) -> None:
    facts = "当事人“𠮷野家”门店销售超过保质期的食品，货值金额 300 元。"  # 𠮷 is four bytes in GB18030
    rows = [
        *penalties(city),
        penalty_row(city.zhongshan[2], 文号="中市监罚〔2026〕4 号", 违法事实=facts, 法定代表人="刘䶮"),
    ]
    path = write_csv(tmp_path / "处罚-GB18030.csv", PENALTY_HEADER, rows, "gb18030")
    report = await import_file(db, RecordKind.PENALTY, path, DISTRICT)
    assert (report.rows, report.created, report.rejected) == (4, 3, 1)
    penalty = (await stored_penalties(db))["中市监罚〔2026〕4 号"]
    assert (penalty.facts, penalty.legal_representative) == (facts, "刘䶮")
    assert (await stored_penalties(db))["中市监罚〔2026〕2 号"].facts == SECOND_FACTS
