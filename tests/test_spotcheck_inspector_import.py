"""执法检查人员 from a file: Chinese headers, a row-by-row report, and all or nothing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.audit import audit_count
from tests.support.lists import IMPORT, IMPORT_HEADER, INSPECTOR, INSPECTORS, csv_file, inspector
from tests.support.record_files import graphql_upload, graphql_upload_as_sent


async def _import(api: Api, token: str, name: str, content: bytes, dry: bool = False) -> dict[str, Any]:
    body = await graphql_upload(api.client, IMPORT, {"dry": dry}, (name, content), token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["importInspectors"]
    return payload


GOOD = csv_file(
    ("李建国", "", "21020200001", "2024-01-01", "2029-12-31", "是"),
    ("王芳", "SCJG-210202", "21020200002", "2024/1/1", "2028年12月31日", "否"),
)


async def test_a_department_imports_its_inspectors_and_a_second_run_changes_nothing(
    api: Api, city: DemoCity, db: Database
) -> None:
    token = city.tokens["district"]
    trial = (await _import(api, token, "人员.csv", GOOD, dry=True))["report"]
    assert trial["dryRun"] is True and trial["applied"] is False and trial["counts"]["created"] == 2
    assert "试运行" in trial["summary"]
    assert (await api.data(INSPECTORS, {}, token))["inspectors"] == []

    report = (await _import(api, token, "人员.csv", GOOD))["report"]
    assert report["applied"] is True
    assert [(r["row"], r["outcome"], r["certificateNo"]) for r in report["rows"]] == [
        (2, "CREATED", "21020200001"),
        (3, "CREATED", "21020200002"),
    ]
    listed = (await api.data(INSPECTORS, {}, token))["inspectors"]
    assert [(i["name"], i["active"], i["department"]["code"]) for i in listed] == [
        ("李建国", True, "SCJG-210202"),
        ("王芳", False, "SCJG-210202"),
    ]
    events = await audit_count(db)
    again = (await _import(api, token, "人员.csv", GOOD))["report"]
    assert again["counts"] == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert await audit_count(db) == events


async def test_one_bad_row_keeps_the_whole_file_out_and_each_problem_is_reported(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    await ok(api, INSPECTOR, inspector("21020300009", name="赵六"), city.tokens["other_district"])
    content = csv_file(
        ("李建国", "", "21020200001", "2024-01-01", "2029-12-31", "是"),
        ("王芳", "", "21020200002", "2026-01-01", "2025-12-31", "也许"),
        ("张三", "SCJG-210203", "21020200003", "2024-01-01", "2029-12-31", ""),
        ("赵六", "", "21020300009", "2024-01-01", "2029-12-31", ""),
        ("李建国", "", "21020200001", "2024-01-01", "2029-12-31", ""),
        ("孙七", "", "21020200004", "明天", "2029-12-31", ""),
    )
    report = (await _import(api, token, "人员.csv", content))["report"]
    assert report["applied"] is False and "整个文件未导入" in report["summary"]
    problems = {(r["row"], r["column"], r["code"]) for r in report["rows"] if r["outcome"] == "REJECTED"}
    assert problems == {
        (3, "在岗", "INVALID_ACTIVE"),
        (4, "部门编码", "OTHER_DEPARTMENT"),
        (5, "执法证号", "INSPECTOR_OF_OTHER_DEPARTMENT"),
        (6, "执法证号", "DUPLICATE_ROW"),
        (7, "有效期起", "INVALID_DATE"),
    }
    assert (await api.data(INSPECTORS, {}, token))["inspectors"] == []
    # Once the file is put right, it goes in.
    fixed = csv_file(("王芳", "", "21020200002", "2025-01-01", "2025-12-31", "否"))
    second = (await _import(api, token, "人员.csv", fixed))["report"]
    assert second["applied"] is True and second["counts"]["created"] == 1


async def test_the_range_is_checked_by_the_same_rule_as_the_api(api: Api, city: DemoCity) -> None:
    content = csv_file(("王芳", "", "21020200002", "2026-01-01", "2025-12-31", ""))
    report = (await _import(api, city.tokens["district"], "人员.csv", content))["report"]
    assert [(r["column"], r["code"]) for r in report["rows"]] == [("有效期止", "INVALID_RANGE")]


async def test_a_maintainers_rows_each_name_their_department(api: Api, city: DemoCity) -> None:
    content = csv_file(
        ("李建国", "SCJG-210202", "21020200001", "2024-01-01", "2029-12-31", ""),
        ("王芳", "", "21020300002", "2024-01-01", "2029-12-31", ""),
    )
    report = (await _import(api, city.tokens["maintainer"], "人员.csv", content))["report"]
    assert [(r["row"], r["column"], r["code"]) for r in report["rows"] if r["code"]] == [
        (3, "部门编码", "DEPARTMENT_REQUIRED")
    ]
    fixed = content.replace(b",,21020300002", b",SCJG-210203,21020300002")
    applied = (await _import(api, city.tokens["maintainer"], "人员.csv", fixed))["report"]
    assert applied["applied"] is True
    listed = (await api.data(INSPECTORS, {}, city.tokens["maintainer"]))["inspectors"]
    assert [(i["certificateNo"], i["department"]["code"]) for i in listed] == [
        ("21020200001", "SCJG-210202"),
        ("21020300002", "SCJG-210203"),
    ]


async def test_an_xlsx_with_dates_as_dates_imports_and_a_file_without_a_column_is_refused(
    api: Api, city: DemoCity
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*IMPORT_HEADER, "备注"])
    sheet.append(["李建国", None, 21020200001, date(2024, 1, 1), date(2029, 12, 31), "在岗"])
    buffer = io.BytesIO()
    book.save(buffer)
    payload = await _import(api, city.tokens["district"], "人员.xlsx", buffer.getvalue())
    report = payload["report"]
    assert report["applied"] is True and report["ignoredColumns"] == ["备注"]
    listed = (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"]
    assert [i["certificateNo"] for i in listed] == ["21020200001"]

    missing = await _import(api, city.tokens["district"], "人员.csv", csv_file(("李建国",), header=("姓名",)))
    assert missing["report"] is None
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("file", "MISSING_COLUMNS")]
    assert "执法证号" in missing["errors"][0]["message"]


async def test_a_file_whose_name_breaks_the_text_rule_is_refused_and_nothing_is_stored(
    api: Api, db: Database, city: DemoCity
) -> None:
    before = await audit_count(db)
    for name in ("nul\x00z.csv", "bell\x07\x1b[31mred.csv", "人员\u202evsc.csv"):
        body = await graphql_upload_as_sent(api.client, IMPORT, {"dry": False}, (name, GOOD), city.tokens["district"])
        payload = body["data"]["importInspectors"]
        assert payload["report"] is None, name
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("file", "INVALID_TEXT")], name
    assert (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"] == []
    assert await audit_count(db) == before
