"""监管职责目录 as a file: CSV/XLSX import row by row (a bad row reported by row and column,
the rest applied), whole files refused for what makes them unreadable, and exports that
re-import unchanged."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from services.catalog.catalog_io import ImportReport, export_csv, export_xlsx, import_catalog
from services.platform.db import Database
from services.platform.principal import Principal, PrincipalKind
from services.platform.sheet_rows import RowOutcome
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support.admin import CSRF, sign_in
from tests.support.audit import audit_count
from tests.support.catalog import UPSERT
from tests.support.catalog import matter as duty_matter
from tests.support.catalog_files import HEADER, ROWS, row, write_csv, write_xlsx

MATTERS = """
{ supervisionMatters { code name mode approvalLevel claimDeadlineDays keywords handlingDepartment { code } } }
"""
MAINTAINER = Principal.system("catalog-import-test")


async def run_import(db: Database, path: Path, principal: Principal = MAINTAINER) -> tuple[ImportReport | None, Any]:
    data = read(path)
    return await run_change(db, principal, lambda session: import_catalog(session, path.name, data))


def read(path: Path) -> bytes:
    return path.read_bytes()


def outcomes(report: ImportReport) -> dict[int, tuple[str, RowOutcome]]:
    return {r.row: (r.code, r.outcome) for r in report.rows}


def problems(report: ImportReport) -> dict[int, list[tuple[str, str]]]:
    return {r.row: [(p.column, p.code) for p in r.problems] for r in report.rows if r.problems}


async def matters(api: Api, city: DemoCity) -> dict[str, dict[str, Any]]:
    listed = (await api.data(MATTERS, token=city.tokens["district"]))["supervisionMatters"]
    return {m["code"]: m for m in listed}


async def assert_file_applied_but_bad_rows(report: ImportReport, api: Api, city: DemoCity) -> None:
    assert outcomes(report) == {
        2: ("CW-ZL", RowOutcome.CREATED),
        3: ("CW-MR", RowOutcome.REJECTED),
        4: ("SP-XS", RowOutcome.UPDATED),
        5: ("CW-SY", RowOutcome.REJECTED),
        6: ("YP-PF", RowOutcome.CREATED),
    }
    assert problems(report) == {3: [("承接部门", "UNKNOWN_DEPARTMENT")], 5: [("监管模式", "INVALID_MODE")]}
    [unknown] = report.rows[1].problems
    assert unknown.message == "部门“NOPE-210200”不存在"
    assert "审管一体" in report.rows[3].problems[0].message, "the reason names what the column accepts"
    catalog = await matters(api, city)
    assert "CW-MR" not in catalog and "CW-SY" not in catalog
    assert catalog["CW-ZL"] == {
        "code": "CW-ZL", "name": "动物诊疗许可", "mode": "APPROVAL", "approvalLevel": "DISTRICT",
        "claimDeadlineDays": 7, "keywords": ["动物诊疗", "宠物医院"], "handlingDepartment": None,
    }  # fmt: skip
    assert catalog["SP-XS"]["claimDeadlineDays"] == 10
    # Approved at city level with no 承接部门: the line's city department takes the notices.
    assert catalog["YP-PF"]["handlingDepartment"] == {"code": "SCJG-210200"}


async def test_an_xlsx_is_applied_row_by_row_and_bad_rows_are_reported(
    api: Api, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    report, refused = await run_import(db, write_xlsx(tmp_path / "监管职责目录.xlsx", ROWS))
    assert refused == [] and report is not None
    await assert_file_applied_but_bad_rows(report, api, city)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
async def test_a_csv_in_each_encoding_is_applied_row_by_row(
    api: Api, city: DemoCity, db: Database, tmp_path: Path, encoding: str
) -> None:
    report, refused = await run_import(db, write_csv(tmp_path / "目录.csv", ROWS, encoding))
    assert refused == [] and report is not None
    await assert_file_applied_but_bad_rows(report, api, city)


async def test_re_importing_a_file_changes_nothing(db: Database, city: DemoCity, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "目录.xlsx", ROWS)
    await run_import(db, path)
    events = await audit_count(db)
    again, refused = await run_import(db, path)
    assert refused == [] and again is not None
    assert {r.outcome for r in again.rows if r.row not in (3, 5)} == {RowOutcome.UNCHANGED}
    assert again.count(RowOutcome.UNCHANGED) == 3 and again.count(RowOutcome.REJECTED) == 2
    assert await audit_count(db) == events, "an unchanged row leaves no audit event"


async def test_field_names_and_spelling_variants_are_accepted_as_headers(
    api: Api, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    header = ["code", "name", "mode", "legalBasis", "line", "approval_level", "keywords", "认领时限(工作日)",
              "生效日期", "备注"]  # fmt: skip
    rows = [["GA-KZ", "公章刻制业特种行业许可", "审管一体（谁审批谁负责）", "《印铸刻字业暂行管理规则》", "ga",
             "区县级", "公章刻制，印章刻制、 刻章", "3", "2026/1/1", "试点"]]  # fmt: skip
    report, refused = await run_import(db, write_csv(tmp_path / "fields.csv", rows, "utf-8", header))
    assert refused == [] and report is not None
    assert outcomes(report) == {2: ("GA-KZ", RowOutcome.CREATED)}
    assert report.ignored_columns == ["备注"]
    created = (await matters(api, city))["GA-KZ"]
    assert created["keywords"] == ["公章刻制", "印章刻制", "刻章"] and created["claimDeadlineDays"] == 3


async def test_bad_cells_are_reported_by_row_and_column(db: Database, city: DemoCity, tmp_path: Path) -> None:
    rows = [
        row(事项代码="X-1", 生效日期="2026-13-01", 时限="五天"),
        row(事项代码="X-2", 审批层级="乡镇级", 关键词="", 负责条线="NOPE"),
        row(事项代码="X-3"),
        row(事项代码="X-3", 事项名称="重复的一行"),
    ]
    report, _ = await run_import(db, write_csv(tmp_path / "bad.csv", rows, "utf-8"))
    assert report is not None
    assert problems(report) == {
        2: [("生效日期", "INVALID_DATE"), ("认领时限（工作日）", "INVALID_NUMBER")],
        3: [("审批层级", "INVALID_APPROVAL_LEVEL")],
        5: [("事项代码", "DUPLICATE_ROW")],
    }
    assert outcomes(report)[4] == ("X-3", RowOutcome.CREATED)
    assert "第 4 行已出现" in report.rows[3].problems[0].message


async def test_service_rules_name_the_column_the_file_used(db: Database, city: DemoCity, tmp_path: Path) -> None:
    header = ["code" if h == "事项代码" else "认领时限(工作日)" if h.startswith("认领时限") else h for h in HEADER]
    rows = [row(事项代码="X-4", 负责条线="NOPE", 关键词="", 时限=99)]
    report, _ = await run_import(db, write_csv(tmp_path / "rules.csv", rows, "utf-8", header))
    assert report is not None
    assert problems(report) == {
        2: [("负责条线", "UNKNOWN_LINE"), ("关键词", "MATCH_RULE_REQUIRED"), ("认领时限(工作日)", "INVALID_DEADLINE")]
    }
    assert report.rows[0].problems[0].message == "没有属于条线“NOPE”的部门"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("目录.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "UNSUPPORTED_FILE_TYPE"),
        ("目录.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UNSUPPORTED_FILE_TYPE"),
        ("目录.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "UNSUPPORTED_FILE_TYPE"),
        ("目录.xlsx", "事项代码,事项名称\n".encode(), "UNREADABLE_FILE"),
        ("目录.csv", b"", "EMPTY_FILE"),
        ("目录.csv", "\ufeff\r\n\r\n".encode(), "EMPTY_FILE"),
        ("目录.csv", ",".join(HEADER).encode("gb18030"), "EMPTY_FILE"),
        ("目录.csv", b"code,name\n\x81\x30\xff\xff\x80", "UNKNOWN_ENCODING"),
        ("目录.csv", "事项代码,code,事项名称\nA-1,A-1,甲\n".encode(), "DUPLICATE_COLUMN"),
    ],
)
async def test_a_file_that_is_not_a_catalog_is_refused_whole(
    db: Database, city: DemoCity, tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    events = await audit_count(db)
    report, refused = await run_import(db, path)
    assert report is None and [(p.code, p.field) for p in refused] == [(code, "file")]
    assert await audit_count(db) == events


async def test_a_missing_required_column_refuses_the_file_and_applies_nothing(
    api: Api, city: DemoCity, db: Database, tmp_path: Path
) -> None:
    header = [h for h in HEADER if h not in ("监管模式", "负责条线")]
    rows = [[v for h, v in zip(HEADER, row(), strict=True) if h in header]]
    events = await audit_count(db)
    report, refused = await run_import(db, write_xlsx(tmp_path / "缺列.xlsx", rows, header))
    assert report is None
    assert [(p.code, p.message) for p in refused] == [
        ("MISSING_COLUMNS", "缺少必需的列：监管模式、负责条线；未导入任何内容")
    ]
    assert "CW-ZL" not in await matters(api, city)
    assert await audit_count(db) == events


async def test_a_department_cannot_import(db: Database, city: DemoCity, tmp_path: Path) -> None:
    from services.platform.errors import Forbidden

    department = Principal(PrincipalKind.DEPARTMENT, "中山区市场监督管理局", department_code="SCJG-210202")
    with pytest.raises(Forbidden):
        await run_import(db, write_csv(tmp_path / "目录.csv", [row()], "utf-8"), department)


async def test_an_export_re_imports_unchanged(api: Api, city: DemoCity, db: Database, tmp_path: Path) -> None:
    # A legal basis that a spreadsheet would run as a formula stays text both ways.
    tricky = row(事项代码="F-1", 设定依据='=HYPERLINK("http://x")', 关键词="-负号开头；@符号", 失效日期="2030-12-31")
    report, _ = await run_import(db, write_csv(tmp_path / "f.csv", [tricky], "utf-8"))
    assert report is not None and outcomes(report) == {2: ("F-1", RowOutcome.CREATED)}
    # A stored value that itself starts with a quote before "=" survives too.
    quoted = duty_matter(code="F-2", legalBasis="'=引号开头的依据", approvalLevel="DISTRICT")
    assert (await api.data(UPSERT, {"i": quoted}, city.tokens["maintainer"]))["upsertSupervisionMatter"]["errors"] == []
    async with db.session(MAINTAINER) as session:
        as_csv, as_xlsx = await export_csv(session), await export_xlsx(session)
    assert as_csv.startswith("\ufeff".encode()), "a BOM, so Excel reads the Chinese as UTF-8"
    lines = list(csv.reader(io.StringIO(as_csv.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    count = len(await matters(api, city))
    assert len(lines) == 1 + count
    exported = {line[0]: line for line in lines[1:]}
    assert exported["F-1"][3] == '\'=HYPERLINK("http://x")', "escaped so Excel shows it as text"
    assert exported["SP-XS"][2] == "审管一体（谁审批谁负责）" and exported["DL-WX"][5] == "市级"
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER and sheet.max_row == 1 + count
    events = await audit_count(db)
    for name, content in (("export.csv", as_csv), ("export.xlsx", as_xlsx)):
        (tmp_path / name).write_bytes(content)
        again, refused = await run_import(db, tmp_path / name)
        assert refused == [] and again is not None
        assert again.count(RowOutcome.UNCHANGED) == count == len(again.rows), name
    assert await audit_count(db) == events
    async with db.session(MAINTAINER) as session:
        assert await export_csv(session) == as_csv


async def _csrf_of(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.text)
    assert found
    return found.group(1)


async def test_a_maintainer_uploads_a_file_in_the_admin_and_reads_the_report(
    api: Api, city: DemoCity, tmp_path: Path
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    listed = await client.get("/admin/supervision-matter/list")
    assert "/admin/supervision-matter-import" in listed.text and "导出 XLSX" in listed.text
    token = await _csrf_of(client, "/admin/supervision-matter-import")
    path = write_xlsx(tmp_path / "监管职责目录.xlsx", ROWS)
    files = {"file": (path.name, path.read_bytes(), "application/octet-stream")}
    page = await client.post("/admin/supervision-matter-import", data={"csrftoken": token}, files=files)
    assert page.status_code == 200
    assert "“监管职责目录.xlsx”的导入结果" in page.text
    assert 'data-outcome="CREATED">新增 2 行' in page.text and 'data-outcome="REJECTED">拒绝 2 行' in page.text
    rejected = {
        int(n): text for n, text in re.findall(r'<tr class="table-danger" data-row="(\d+)"(.*?)</tr>', page.text, re.S)
    }
    assert set(rejected) == {3, 5}
    assert re.search(r">\s*承接部门\s*<", rejected[3]) and "部门“NOPE-210200”不存在" in rejected[3]
    assert re.search(r">\s*监管模式\s*<", rejected[5])
    assert "CW-ZL" in (await client.get("/admin/supervision-matter/list", params={"q": "CW-ZL"})).text

    # A whole-file refusal is said once, at the top.
    token = await _csrf_of(client, "/admin/supervision-matter-import")
    pdf = {"file": ("目录.pdf", b"%PDF-1.7", "application/pdf")}
    refused = await client.post("/admin/supervision-matter-import", data={"csrftoken": token}, files=pdf)
    assert "只能导入 CSV 或 XLSX 文件" in refused.text and "导入结果" not in refused.text

    exported = await client.get("/admin/supervision-matter-import/export.csv")
    assert exported.status_code == 200 and exported.content.startswith("\ufeff".encode())
    assert "attachment" in exported.headers["content-disposition"]
    assert "CW-ZL" in exported.content.decode("utf-8-sig")
    xlsx = await client.get("/admin/supervision-matter-import/export.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]["A1"].value == "事项代码"


async def test_a_department_user_cannot_reach_import_or_export(api: Api, city: DemoCity, tmp_path: Path) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    token = await _csrf_of(client, "/admin/")
    path = write_csv(tmp_path / "目录.csv", [row()], "utf-8")
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    assert (await client.get("/admin/supervision-matter-import")).status_code == 403
    posted = await client.post("/admin/supervision-matter-import", data={"csrftoken": token}, files=files)
    assert posted.status_code == 403
    assert (await client.get("/admin/supervision-matter-import/export.csv")).status_code == 403
    assert (await client.get("/admin/supervision-matter-import/export.xlsx")).status_code == 403
