"""双归集 batch intake (services.records.record_import): real CSV and XLSX files with Chinese headers,
some rows bad; the report names each bad row by row, column and reason, the good rows are
stored as the single-record services store them, and re-importing changes nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from models import AuditEvent, Complaint, MarketEntity, RiskColourChange
from models.enums import ComplaintCategory, LicenseCategory, PenaltyCategory, RecordStatus, RiskColour
from services.credit import risk
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.sheet_rows import RowOutcome
from services.records.record_columns import RecordKind
from services.records.record_import import import_file
from services.records.record_import_report import ImportReport
from services.records.records import LONG_TERM
from tests.conftest import Api, DemoCity
from tests.support.audit import audit_count
from tests.support.departments import DISTRICT
from tests.support.record_files import (
    COMPLAINT_HEADER,
    LICENSE_CODES,
    LICENSE_HEADER,
    PENALTY_CODES,
    PENALTY_HEADER,
    department_principal,
    license_row,
    penalty_row,
    write_csv,
    write_xlsx,
)
from tests.support.record_import import (
    EXPECTED_PROBLEMS,
    SYSTEM,
    mixed_penalties,
    run,
    stored_licenses,
    stored_penalties,
)
from tests.support.records import PENALTY, penalty


def outcomes(report: ImportReport) -> dict[int, RowOutcome]:
    return {line.row: line.outcome for line in report.lines}


def problems(report: ImportReport) -> dict[int, list[tuple[str | None, str | None]]]:
    found: dict[int, list[tuple[str | None, str | None]]] = {}
    for line in report.lines:
        if line.outcome is RowOutcome.REJECTED:
            found.setdefault(line.row, []).append((line.column, line.code))
    return found


def penalty_file(city: DemoCity, tmp_path: Path, form: str) -> Path:
    rows = mixed_penalties(city)
    if form == "xlsx":
        return write_xlsx(tmp_path / "行政处罚.xlsx", PENALTY_HEADER, rows)
    return write_csv(tmp_path / f"行政处罚-{form}.csv", PENALTY_HEADER, rows, form)


@pytest.mark.parametrize("form", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
async def test_a_penalty_file_keeps_the_good_rows_and_names_each_bad_one(
    db: Database, city: DemoCity, tmp_path: Path, form: str
) -> None:
    report = await run(db, penalty_file(city, tmp_path, form))
    assert (report.rows, report.created, report.rejected, report.updated, report.unchanged) == (10, 3, 7, 0, 0)
    assert problems(report) == EXPECTED_PROBLEMS
    assert {row for row, outcome in outcomes(report).items() if outcome is RowOutcome.CREATED} == {2, 3, 10}
    by_row = {line.row: line for line in report.lines}
    assert by_row[6].message == "处罚决定日期“2026-02-30”这一天不存在"
    assert "游街示众" in (by_row[8].message or "") and "警告" in (by_row[8].message or "")
    assert "中山区市场监督管理局" in (by_row[9].message or "")
    assert "万元" in (by_row[7].message or ""), "the reason says the column was in 万元"
    assert report.applied and report.errors == []

    stored = await stored_penalties(db)
    assert set(stored) == {"中市监罚〔2026〕1 号", "中市监罚〔2026〕2 号", "中市监罚〔2026〕9 号"}
    first, second, warning = (stored[f"中市监罚〔2026〕{n} 号"] for n in (1, 2, 9))
    # 万元 become yuan exactly: 0.5 → 5,000.00; 12.3456 → 123,456.00; 0.012345 → 123.45.
    assert first.fine_amount == Decimal("5000.00") and first.confiscated_amount is None
    assert (second.fine_amount, second.confiscated_amount) == (Decimal("123456.00"), Decimal("123.45"))
    assert [PenaltyCategory(c) for c in second.categories] == [
        PenaltyCategory.FINE,
        PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS,
    ]
    assert str(second.decision_date) == "2026-04-01" and str(warning.decision_date) == "2026-01-10"
    assert str(warning.public_until) == "2026-06-30" and warning.fine_amount is None
    # Names left blank are the registry's and the department's, as recordPenalty fills them.
    assert first.party_name and first.legal_representative and first.authority_name == "中山区市场监督管理局"
    assert (second.authority_name, second.legal_representative) == ("大连市中山区市场监督管理局", "李四")
    assert first.status is RecordStatus.EFFECTIVE and first.revoked_license_number is None


async def test_the_xk_and_cf_column_codes_read_as_the_chinese_names(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[0]), penalty_row(city.zhongshan[1], 文号="中市监罚〔2026〕2 号", 罚款="3")]
    report = await run(db, write_csv(tmp_path / "cf.csv", PENALTY_CODES, rows))
    assert (report.created, report.rejected) == (2, 0)
    assert (await stored_penalties(db))["中市监罚〔2026〕2 号"].fine_amount == Decimal("30000.00")

    health = await department_principal(db, "WJ-210202")
    licenses = [
        license_row(city.zhongshan[0], 来源="中山区卫生健康局", 许可类别="02"),
        license_row(city.zhongshan[1], 文号="中卫许〔2026〕2 号", 许可类别="XK_BAD", 来源=""),
    ]
    report = await run(db, write_csv(tmp_path / "xk.csv", LICENSE_CODES, licenses), RecordKind.LICENSE, health)
    assert problems(report) == {3: [("XK_XKLB", "UNKNOWN_CATEGORY")]}, "the column is named as the file heads it"
    stored = (await stored_licenses(db))["中市监许〔2026〕1 号"]
    assert stored.category is LicenseCategory.FRANCHISE and stored.authority_name == "中山区卫生健康局"


async def test_a_license_file_checks_dates_and_validity(db: Database, city: DemoCity, tmp_path: Path) -> None:
    z = city.zhongshan
    rows = [
        license_row(z[0], 至="2099/12/31", 类别="核准"),
        license_row(z[1], 文号="中市监许〔2026〕2 号", 自="2026-05-01", 至="2026-04-30"),
        license_row(z[2], 文号="中市监许〔2026〕3 号", 至="长期", 类别="05", 日期="2026年1月5日"),
        license_row(z[3], 文号="中市监许〔2026〕4 号", 日期="2026/13/01", 内容=""),
    ]
    report = await run(db, write_xlsx(tmp_path / "许可.xlsx", LICENSE_HEADER, rows), RecordKind.LICENSE)
    assert problems(report) == {
        3: [("有效期至", "INVALID_RANGE")],
        5: [("许可决定日期", "INVALID_DATE"), ("许可内容", "REQUIRED")],
    }, "an unreadable cell and a broken rule on one row are reported together"
    stored = await stored_licenses(db)
    assert stored["中市监许〔2026〕1 号"].valid_to == LONG_TERM
    assert stored["中市监许〔2026〕1 号"].category is LicenseCategory.VERIFICATION
    assert stored["中市监许〔2026〕3 号"].valid_to == LONG_TERM
    assert stored["中市监许〔2026〕3 号"].category is LicenseCategory.REGISTRATION
    assert str(stored["中市监许〔2026〕3 号"].decision_date) == "2026-01-05"


async def test_re_importing_changes_nothing_and_a_corrected_row_is_audited(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    path = penalty_file(city, tmp_path, "utf-8")
    await run(db, path)
    batch = await _last_event(db, "penalty.imported")
    assert batch.after is not None and batch.department_code == DISTRICT
    assert batch.after["documentNumbers"] == ["中市监罚〔2026〕1 号", "中市监罚〔2026〕2 号", "中市监罚〔2026〕9 号"]
    assert (batch.after["created"], batch.after["rejected"], batch.after["finished"]) == (3, 7, True)
    events = await audit_count(db)

    again = await run(db, path)
    assert (again.unchanged, again.created, again.updated, again.rejected) == (3, 0, 0, 7)
    assert await audit_count(db) == events, "an identical file writes no audit event"

    rows = mixed_penalties(city)
    rows[0] = penalty_row(city.zhongshan[0], 处罚内容="警告，罚款人民币伍仟元整（更正）")
    corrected = await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, rows))
    assert outcomes(corrected)[2] is RowOutcome.UPDATED and corrected.updated == 1 and corrected.unchanged == 2
    [said] = [line for line in corrected.lines if line.row == 2]
    assert said.message == "更正：处罚内容", "the report says what the correction changed"
    # The correction, with its before and after as a single correction has; and the run, with its counts.
    assert await audit_count(db) == events + 2
    correcting = await _last_event(db, "penalty.imported")
    assert correcting.object_id == "更正.csv" and correcting.after is not None
    assert (correcting.after["updated"], correcting.after["unchanged"], correcting.after["created"]) == (1, 2, 0)
    event = await _last_event(db, "penalty.updated")
    assert event.object_id == "中市监罚〔2026〕1 号" and event.department_code == DISTRICT
    assert event.before is not None and event.after is not None
    assert (event.before["content"], event.after["content"]) == (
        "警告，罚款人民币伍仟元整",
        "警告，罚款人民币伍仟元整（更正）",
    )
    assert event.after["fine_amount"] == event.before["fine_amount"] == "5000.00"


async def test_an_imported_row_is_the_row_record_penalty_stores(
    api: Api, db: Database, city: DemoCity, tmp_path: Path
) -> None:
    """The mutation, given the same decision, finds nothing to change, and the reverse."""
    decided = penalty(city.zhongshan[4])
    row = penalty_row(
        decided["uscc"], 文号=decided["documentNumber"], 违法行为类型=decided["violationType"],
        违法事实=decided["facts"], 处罚依据=decided["basis"], 类别="警告、罚款", 处罚内容=decided["content"],
        罚款="5", 日期=decided["decisionDate"],
    )  # fmt: skip
    report = await run(db, write_csv(tmp_path / "一条.csv", PENALTY_HEADER, [row]))
    assert report.created == 1
    sent = await api.data(PENALTY, {"i": decided}, city.tokens["district"])
    assert sent["recordPenalty"]["outcome"] == "UNCHANGED"
    # A fine sent without decimals is the same amount, not a correction (it used to be "updated").
    again = await api.data(PENALTY, {"i": {**decided, "fineAmount": "50000"}}, city.tokens["district"])
    assert again["recordPenalty"]["outcome"] == "UNCHANGED"
    assert (await run(db, write_csv(tmp_path / "再一条.csv", PENALTY_HEADER, [row]))).unchanged == 1


async def test_a_dry_run_reports_what_would_happen_and_changes_nothing(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    events = await audit_count(db)
    report = await run(db, penalty_file(city, tmp_path, "utf-8"), dry_run=True)
    assert (report.created, report.rejected) == (3, 7) and problems(report) == EXPECTED_PROBLEMS
    assert not report.applied and "试运行" in report.summary
    assert await stored_penalties(db) == {} and await audit_count(db) == events


async def test_all_or_nothing_refuses_a_file_with_a_bad_row_and_stores_nothing(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    events = await audit_count(db)
    report = await run(db, penalty_file(city, tmp_path, "utf-8"), all_or_nothing=True)
    assert [p.code for p in report.errors] == ["FILE_REJECTED"] and not report.applied
    assert problems(report) == EXPECTED_PROBLEMS, "the report still names every bad row"
    assert await stored_penalties(db) == {} and await audit_count(db) == events

    clean = [penalty_row(city.zhongshan[0]), penalty_row(city.zhongshan[1], 文号="中市监罚〔2026〕2 号")]
    report = await run(db, write_csv(tmp_path / "好.csv", PENALTY_HEADER, clean), all_or_nothing=True)
    assert report.applied and report.errors == [] and len(await stored_penalties(db)) == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("处罚.pdf", b"%PDF-1.7 not a table", "UNSUPPORTED_FILE_TYPE"),
        ("处罚.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "UNSUPPORTED_FILE_TYPE"),
        ("处罚.xlsx", "统一社会信用代码,处罚类别\n".encode(), "UNREADABLE_FILE"),
        # Windows-1252: neither UTF-8 nor GB18030 (0x80 and 0xFF start no GB18030 character).
        ("处罚.csv", "Document No,Café €1 ÿ\n".encode("cp1252"), "UNKNOWN_ENCODING"),
        ("处罚.csv", b"", "EMPTY_FILE"),
        ("处罚.csv", b"\n \n", "EMPTY_FILE"),
        ("处罚.csv", ",".join(PENALTY_HEADER).encode(), "EMPTY_FILE"),
        ("处罚.csv", "统一社会信用代码,处罚类别\n91210202MA0QW3R8XX,警告\n".encode(), "MISSING_COLUMNS"),
        ("处罚.csv", (",".join([*PENALTY_HEADER, "CF_WSH"]) + "\n").encode(), "DUPLICATE_COLUMN"),
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_whole(
    db: Database, city: DemoCity, tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    events = await audit_count(db)
    with pytest.raises(DomainError) as refused:
        await run(db, path)
    assert refused.value.code == code and refused.value.problems[0].field == "file"
    assert refused.value.problems[0].message
    assert await stored_penalties(db) == {} and await audit_count(db) == events


async def test_a_missing_column_is_named(db: Database, city: DemoCity, tmp_path: Path) -> None:
    header = [h for h in PENALTY_HEADER if h != "处罚类别"]
    rows = [[v for h, v in zip(PENALTY_HEADER, penalty_row(city.zhongshan[0]), strict=True) if h != "处罚类别"]]
    with pytest.raises(DomainError) as refused:
        await run(db, write_csv(tmp_path / "缺列.csv", header, rows))
    assert "处罚类别（CF_CFLB）" in refused.value.problems[0].message
    assert await stored_penalties(db) == {}


async def test_a_revocation_row_revokes_the_named_license(db: Database, city: DemoCity, tmp_path: Path) -> None:
    uscc, number = city.zhongshan[5], "JY22102020012345"
    health = await department_principal(db, "WJ-210202")
    licenses = [license_row(uscc, 编号=number, 来源="中山区卫生健康局")]
    await run(db, write_csv(tmp_path / "许可.csv", LICENSE_HEADER, licenses), RecordKind.LICENSE, health)

    revoking = [
        penalty_row(
            uscc, 文号="中市监罚〔2026〕20 号", 类别="吊销许可证件", 罚款="", 吊销=f"食品经营许可证（{number}）"
        )
    ]
    path = write_csv(tmp_path / "吊销.csv", PENALTY_HEADER, revoking)
    report = await run(db, path)
    assert report.revoked_licenses == 1
    [line] = report.lines
    assert (line.outcome, line.code, line.column) == (RowOutcome.CREATED, "LICENSE_REVOKED", "暂扣或吊销证照名称及编号")
    license = (await stored_licenses(db))["中市监许〔2026〕1 号"]
    penalty_row_stored = (await stored_penalties(db))["中市监罚〔2026〕20 号"]
    assert license.status is RecordStatus.REVOKED and license.revoked_by_id == penalty_row_stored.id
    assert penalty_row_stored.revoked_license_number == number
    event = await _last_event(db, "license.revoked")
    assert event.department_code == DISTRICT and event.object_id == "中市监许〔2026〕1 号"

    events = await audit_count(db)
    again = await run(db, path)
    assert (again.unchanged, again.revoked_licenses) == (1, 0) and await audit_count(db) == events


async def test_revocations_follow_files_whatever_order_they_arrive_in(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    uscc, number = city.zhongshan[6], "JY22102020054321"
    health = await department_principal(db, "WJ-210202")
    revoking = [penalty_row(uscc, 文号="中市监罚〔2026〕21 号", 类别="吊销许可证件", 罚款="", 吊销=number)]
    penalties = await run(db, write_csv(tmp_path / "吊销.csv", PENALTY_HEADER, revoking))
    assert (penalties.created, penalties.revoked_licenses) == (1, 0), "no such license yet"

    # The license file arrives afterwards: its license is stored revoked.
    license_file = write_csv(
        tmp_path / "许可.csv", LICENSE_HEADER, [license_row(uscc, 编号=number, 来源="中山区卫生健康局")]
    )
    await run(db, license_file, RecordKind.LICENSE, health)
    revoker = (await stored_penalties(db))["中市监罚〔2026〕21 号"]
    license = (await stored_licenses(db))["中市监许〔2026〕1 号"]
    assert license.status is RecordStatus.REVOKED and license.revoked_by_id == revoker.id
    events = await audit_count(db)
    again = await run(db, license_file, RecordKind.LICENSE, health)
    assert again.unchanged == 1 and await audit_count(db) == events, "re-running the license file changes nothing"

    # A corrected penalty file that no longer revokes gives the license back its standing.
    corrected = [penalty_row(uscc, 文号="中市监罚〔2026〕21 号", 类别="警告", 罚款="")]
    report = await run(db, write_csv(tmp_path / "更正.csv", PENALTY_HEADER, corrected))
    assert report.updated == 1
    license = (await stored_licenses(db))["中市监许〔2026〕1 号"]
    assert (license.status, license.revoked_by_id, license.status_reason) == (RecordStatus.EFFECTIVE, None, None)
    restored = await _last_event(db, "license.restored")
    assert restored.object_id == "中市监许〔2026〕1 号" and "更正.csv" in str(restored.after)


async def test_complaints_are_imported_by_their_reference(db: Database, city: DemoCity, tmp_path: Path) -> None:
    z = city.zhongshan
    rows = [
        ["SX-20261101-0001", z[0], "2026/11/1", "食品安全", "是", "2026-11-05", "买到过期面包"],
        ["SX-20261101-0002", z[1], "2026-11-02", "PRICE", "", "", ""],
        ["SX-20261101-0003", z[2], "2026-11-03", "噪音扰民", "否", "", ""],
        ["SX-20261101-0004", z[3], "2026-11-04", "其他", "是", "", ""],
        ["SX-20261101-0005", z[4], "2026-11-04", "服务质量", "", "2026-11-06", ""],
    ]
    report = await run(db, write_csv(tmp_path / "12345.csv", COMPLAINT_HEADER, rows, "gb18030"), RecordKind.COMPLAINT)
    assert problems(report) == {4: [("投诉类别", "UNKNOWN_CATEGORY")], 5: [("办结日期", "REQUIRED")]}
    async with db.session(SYSTEM) as session:
        found = await session.scalars(select(Complaint).where(col(Complaint.reference).startswith("SX-")))
        stored = {c.reference: c for c in found.all()}
    first = stored["SX-20261101-0001"]
    assert (first.category, first.resolved, str(first.resolved_on), first.summary) == (
        ComplaintCategory.FOOD_SAFETY, True, "2026-11-05", "买到过期面包",
    )  # fmt: skip
    assert stored["SX-20261101-0002"].resolved is False
    assert stored["SX-20261101-0005"].resolved is True, "a 办结日期 with 是否办结 left blank means resolved"


async def test_a_document_number_twice_in_a_file_is_read_in_order(db: Database, city: DemoCity, tmp_path: Path) -> None:
    z = city.zhongshan[0]
    rows = [penalty_row(z), penalty_row(z), penalty_row(z, 处罚内容="更正后的处罚内容")]
    report = await run(db, write_csv(tmp_path / "重复.csv", PENALTY_HEADER, rows))
    assert outcomes(report) == {2: RowOutcome.CREATED, 3: RowOutcome.UNCHANGED, 4: RowOutcome.UPDATED}
    assert (await stored_penalties(db))["中市监罚〔2026〕1 号"].content == "更正后的处罚内容"


async def test_chunks_commit_as_they_go_and_the_full_report_lists_every_row(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[i % 6], 文号=f"中市监罚〔2026〕{100 + i} 号") for i in range(11)]
    rows[7][1] = "91210200ABC"
    out = io.StringIO()
    report = await run(db, write_csv(tmp_path / "多.csv", PENALTY_HEADER, rows), chunk_rows=3, commit_rows=4,
                       report_to=out)  # fmt: skip
    assert (report.created, report.rejected) == (10, 1)
    assert len(await stored_penalties(db)) == 10
    async with db.session(SYSTEM) as session:
        runs = (await session.scalars(select(AuditEvent).where(col(AuditEvent.action).like("penalty.%")))).all()
    # Four chunks in two commits, an audit event with each, and the run's last saying it finished.
    assert [event.action for event in runs] == ["penalty.imported"] * 3, "one audit event per commit"
    event = runs[-1]
    assert event.after is not None and event.object_id == "多.csv" and event.department_code == DISTRICT
    counts = {name: event.after[name] for name in ("rows", "created", "updated", "unchanged", "rejected")}
    assert counts == {"rows": 11, "created": 10, "updated": 0, "unchanged": 0, "rejected": 1}
    assert event.after["finished"] is True
    named = [number for run in runs if run.after is not None for number in run.after["documentNumbers"]]
    assert named == [f"中市监罚〔2026〕{100 + i} 号" for i in range(11) if i != 7]
    written = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert written[0] == ["行号", "结果", "文书号", "列", "代码", "原因"]
    assert [int(line[0]) for line in written[1:]] == list(range(2, 13))
    assert written[8][1:5] == ["拒绝", "中市监罚〔2026〕107 号", "统一社会信用代码", "INVALID_USCC"]


async def test_a_larger_file_lists_its_problems_and_counts_the_rest(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[i % 6], 文号=f"中市监罚〔2026〕{1000 + i} 号") for i in range(1_005)]
    rows[-1] = penalty_row(city.zhongshan[0], 文号="中市监罚〔2026〕9999 号", 日期="2026-02-30")
    report = await run(db, write_csv(tmp_path / "大.csv", PENALTY_HEADER, rows))
    assert (report.rows, report.created, report.rejected, report.truncated) == (1_005, 1_004, 1, True)
    # The first thousand rows are listed, then only what needs reading: the bad row at the end is there.
    assert len(report.lines) == 1_001 and report.lines[-1].row == 1_006
    assert (report.lines[-1].column, report.lines[-1].code) == ("处罚决定日期", "INVALID_DATE")


async def test_a_district_department_cannot_import_for_an_entity_outside_its_district(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    other = await department_principal(db, "SCJG-210203")
    rows = [penalty_row(city.zhongshan[0], 来源="西岗区市场监督管理局")]
    report = await run(db, write_csv(tmp_path / "辖区外.csv", PENALTY_HEADER, rows), principal=other)
    assert problems(report) == {2: [("统一社会信用代码", "UNKNOWN_ENTITY")]}
    assert await stored_penalties(db) == {}


async def test_the_bench_entry_imports_a_file_as_the_department_s_system(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    rows = [penalty_row(city.zhongshan[0]), penalty_row(city.xigang[0], 文号="中市监罚〔2026〕2 号")]
    path = write_csv(tmp_path / "系统.csv", PENALTY_HEADER, rows)
    seen: list[int] = []
    report = await import_file(db, RecordKind.PENALTY, path, DISTRICT, progress=lambda rows, _: seen.append(rows))
    # It sees what the department's own system sees: the same report as through its token.
    assert problems(report) == {3: [("统一社会信用代码", "UNKNOWN_ENTITY")]} and seen == [2]
    event = await _last_event(db, "penalty.imported")
    assert (event.actor, event.actor_kind, event.department_code) == ("manage.py import", "DEPARTMENT", DISTRICT)
    with pytest.raises(DomainError) as unknown:
        await import_file(db, RecordKind.PENALTY, path, "NOPE-210202")
    assert unknown.value.code == "UNKNOWN_DEPARTMENT"


async def _last_event(db: Database, action: str) -> AuditEvent:
    async with db.session(SYSTEM) as session:
        query = select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id).desc())
        event = await session.scalar(query.limit(1))
    assert event is not None, action
    return event


async def test_the_source_department_may_be_named_with_its_city_and_the_format_s_own_code(
    city: DemoCity, db: Database, tmp_path: Path
) -> None:
    header = [*PENALTY_HEADER, "数据来源单位统一社会信用代码"]
    z = city.zhongshan_without_records
    rows = [
        [*penalty_row(z[0], 文号="中市监罚〔2026〕31 号", 来源="大连市中山区市场监督管理局"), "11210202MB0123456X"],
        [*penalty_row(z[1], 文号="中市监罚〔2026〕32 号"), "SCJG-210202"],
        [*penalty_row(z[1], 文号="中市监罚〔2026〕33 号", 来源="大连市西岗区市场监督管理局"), ""],
        [*penalty_row(z[1], 文号="中市监罚〔2026〕34 号"), "SCJG-210203"],
    ]
    report = await run(db, write_csv(tmp_path / "来源.csv", header, rows))
    assert outcomes(report) == {2: RowOutcome.CREATED, 3: RowOutcome.CREATED, 4: RowOutcome.REJECTED,
                                5: RowOutcome.REJECTED}  # fmt: skip
    assert problems(report) == {
        4: [("数据来源单位", "OTHER_DEPARTMENT")],
        5: [("数据来源单位统一社会信用代码", "OTHER_DEPARTMENT")],
    }


async def test_a_computed_amount_in_a_spreadsheet_reads_as_excel_shows_it(
    city: DemoCity, db: Database, tmp_path: Path
) -> None:
    z = city.zhongshan_without_records
    rows = [penalty_row(z[2], 文号="中市监罚〔2026〕41 号", 罚款=0.1 + 0.2)]  # 0.30000000000000004 as a float
    report = await run(db, write_xlsx(tmp_path / "计算.xlsx", PENALTY_HEADER, rows))
    assert outcomes(report) == {2: RowOutcome.CREATED}
    assert (await stored_penalties(db))["中市监罚〔2026〕41 号"].fine_amount == Decimal("3000.00")


async def test_an_imported_file_re_rates_the_entities_it_touched(db: Database, city: DemoCity, tmp_path: Path) -> None:
    async with db.session(SYSTEM) as session:
        green = select(MarketEntity.uscc).where(col(MarketEntity.region_code) == "210202",
                                                col(MarketEntity.risk_colour) == RiskColour.GREEN)  # fmt: skip
        uscc = await session.scalar(green.limit(1))
    assert uscc is not None
    rows = [penalty_row(uscc, 文号=f"中市监罚〔2026〕{30 + n} 号", 日期=today().isoformat()) for n in range(3)]
    await run(db, write_csv(tmp_path / "三次处罚.csv", PENALTY_HEADER, rows))
    async with db.session(SYSTEM) as session:
        entity = await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == uscc))
        assert entity is not None and entity.id is not None
        assessed = (await risk.assess(session, [entity.id], today()))[entity.id]
        history = await session.scalar(
            select(RiskColourChange).where(col(RiskColourChange.entity_id) == entity.id).order_by(
                col(RiskColourChange.id).desc()).limit(1)
        )  # fmt: skip
    assert "PENALTIES_RED" in {reason.rule for reason in assessed.reasons}
    assert entity.risk_colour is assessed.colour is RiskColour.RED
    assert history is not None and (history.old_colour, history.cause) == (RiskColour.GREEN, "penalty.import")


async def test_a_license_moved_by_a_corrected_file_re_rates_the_entity_it_left(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    async with db.session(SYSTEM) as session:
        green = select(MarketEntity.uscc).where(col(MarketEntity.region_code) == "210202",
                                                col(MarketEntity.risk_colour) == RiskColour.GREEN)  # fmt: skip
        first, second = (await session.scalars(green.limit(2))).all()
    health = await department_principal(db, "WJ-210202")
    number = "JY22102020099999"
    granted = [license_row(first, 编号=number, 来源="中山区卫生健康局")]
    await run(db, write_csv(tmp_path / "许可.csv", LICENSE_HEADER, granted), RecordKind.LICENSE, health)
    revoking = [penalty_row(first, 文号="中市监罚〔2026〕40 号", 类别="吊销许可证件", 罚款="", 吊销=number)]
    await run(db, write_csv(tmp_path / "吊销.csv", PENALTY_HEADER, revoking))
    moved = [license_row(second, 编号=number, 来源="中山区卫生健康局")]
    await run(db, write_csv(tmp_path / "更正许可.csv", LICENSE_HEADER, moved), RecordKind.LICENSE, health)
    async with db.session(SYSTEM) as session:
        rows = (await session.execute(select(MarketEntity.id, MarketEntity.uscc, MarketEntity.risk_colour).where(
            col(MarketEntity.uscc).in_([first, second])))).all()  # fmt: skip
        assessed = await risk.assess(session, [int(i or 0) for i, _, _ in rows], today())
    colours = {uscc: stored for _, uscc, stored in rows}
    assert colours == {uscc: assessed[int(i or 0)].colour for i, uscc, _ in rows}, "stored as assessed, both"
    assert colours[first] is RiskColour.YELLOW, "the revoking penalty stays; the license it revoked has gone"


async def test_the_license_category_codes_are_not_penalty_categories(
    db: Database, city: DemoCity, tmp_path: Path
) -> None:
    # 01–06 are the 双公示 codes of 许可类别 only: a penalty's "06" is not 其他.
    rows = [penalty_row(city.zhongshan[0], 类别="06")]
    report = await run(db, write_csv(tmp_path / "处罚-06.csv", PENALTY_HEADER, rows))
    assert outcomes(report) == {2: RowOutcome.REJECTED}
    assert await stored_penalties(db) == {}
