"""The three doors of the 双归集 batch intake, each over its real transport: `importRecords`
as a GraphQL multipart upload to the ASGI app, the 导入记录 admin page over HTTP with CSRF,
and `python manage.py import` as a process (its exit status and its report file)."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from services.platform.db import Database
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.audit import audit_count
from tests.support.cli import manage, manage_together
from tests.support.record_files import (
    PENALTY_HEADER,
    graphql_upload,
    graphql_upload_as_sent,
    multipart_as_sent,
    penalty_row,
    write_csv,
    write_xlsx,
)
from tests.support.record_import import EXPECTED_PROBLEMS, mixed_penalties, stored_penalties

IMPORT = """
mutation($kind: RecordKind!, $file: Upload!, $dryRun: Boolean, $all: Boolean, $dept: String) {
  importRecords(kind: $kind, file: $file, dryRun: $dryRun, allOrNothing: $all, departmentCode: $dept) {
    report {
      kind filename departmentCode dryRun allOrNothing applied summary truncated ignoredColumns
      counts { rows created updated unchanged rejected revokedLicenses }
      rows { row outcome documentNumber column code message }
    }
    errors { field code message }
  }
}
"""


def _file(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


async def _import(api: Api, path: Path, token: str | None, **variables: Any) -> dict[str, Any]:
    body = await graphql_upload(api.client, IMPORT, {"kind": "PENALTY", **variables}, _file(path), token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["importRecords"]
    return payload


def _rejected(rows: list[dict[str, Any]]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        if row["outcome"] == "REJECTED":
            found.setdefault(row["row"], []).append((row["column"], row["code"]))
    return found


async def test_a_department_uploads_a_file_through_graphql(
    api: Api, db: Database, city: DemoCity, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "行政处罚.xlsx", PENALTY_HEADER, mixed_penalties(city))
    payload = await _import(api, path, city.tokens["district"])
    assert payload["errors"] == []
    report = payload["report"]
    assert report["counts"] == {
        "rows": 10, "created": 3, "updated": 0, "unchanged": 0, "rejected": 7, "revokedLicenses": 0,
    }  # fmt: skip
    assert (report["kind"], report["departmentCode"], report["applied"], report["truncated"]) == (
        "PENALTY", "SCJG-210202", True, False,
    )  # fmt: skip
    assert {row: [tuple(p) for p in problems] for row, problems in _rejected(report["rows"]).items()} == {
        row: list(problems) for row, problems in EXPECTED_PROBLEMS.items()
    }
    created = [row for row in report["rows"] if row["outcome"] == "CREATED"]
    assert [row["documentNumber"] for row in created] == [
        "中市监罚〔2026〕1 号",
        "中市监罚〔2026〕2 号",
        "中市监罚〔2026〕9 号",
    ]
    assert created[0]["column"] is None and created[0]["code"] is None, "a small file is listed row by row"
    assert "新增 3" in report["summary"] and "拒绝 7" in report["summary"]
    assert len(await stored_penalties(db)) == 3

    again = await _import(api, path, city.tokens["district"], dryRun=True)
    assert again["report"]["counts"]["unchanged"] == 3 and again["report"]["applied"] is False


async def test_graphql_refusals_come_back_as_errors(api: Api, db: Database, city: DemoCity, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, [penalty_row(city.zhongshan[0], 来源="")])
    pdf = tmp_path / "处罚.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    refused = await _import(api, pdf, city.tokens["district"])
    assert refused["report"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("file", "UNSUPPORTED_FILE_TYPE")]

    unnamed = await _import(api, good, city.tokens["maintainer"])
    assert [e["code"] for e in unnamed["errors"]] == ["DEPARTMENT_REQUIRED"]
    named = await _import(api, good, city.tokens["maintainer"], dept="SCJG-210202", dryRun=True)
    assert named["report"]["departmentCode"] == "SCJG-210202" and named["report"]["counts"]["created"] == 1

    mixed = write_csv(tmp_path / "混合.csv", PENALTY_HEADER, mixed_penalties(city))
    events = await audit_count(db)
    whole = await _import(api, mixed, city.tokens["district"], all=True)
    assert [e["code"] for e in whole["errors"]] == ["FILE_REJECTED"] and whole["report"]["applied"] is False
    assert await stored_penalties(db) == {} and await audit_count(db) == events

    other = await graphql_upload(
        api.client, IMPORT, {"kind": "PENALTY", "dept": "SCJG-210203"}, _file(good), city.tokens["district"]
    )
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await graphql_upload(api.client, IMPORT, {"kind": "PENALTY"}, _file(good), None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Sent as JSON the "file" is a string: said so, not a crash.
    as_json = await api.data(IMPORT, {"kind": "PENALTY", "file": "处罚.csv"}, city.tokens["district"])
    assert [e["code"] for e in as_json["importRecords"]["errors"]] == ["INVALID_UPLOAD"]


def _download(page: str, element: str) -> bytes:
    found = re.search(rf'id="{element}" href="data:[^;]+;(?:charset=utf-8;)?base64,([^"]+)"', page)
    assert found, f"no {element} link"
    return base64.b64decode(found.group(1))


async def test_a_department_user_uploads_in_the_admin_and_downloads_the_report(
    api: Api, db: Database, city: DemoCity, tmp_path: Path
) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    assert "/admin/record-import" in (await client.get("/admin/")).text, "导入记录 is in the menu"
    path = write_csv(tmp_path / "行政处罚.csv", PENALTY_HEADER, mixed_penalties(city), "gb18030")
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    form = {"kind": "penalty", "policy": "keep"}

    refused = await client.post("/admin/record-import", data=form, files=files)
    assert refused.status_code == 403, "no CSRF token, no import"
    assert await stored_penalties(db) == {}

    page = await client.post(
        "/admin/record-import", data={**form, "csrftoken": await csrf(client, "/admin/record-import")}, files=files
    )
    assert page.status_code == 200
    assert "“行政处罚.csv”的导入结果（行政处罚，中山区市场监督管理局）" in page.text
    assert 'data-outcome="CREATED">新增 3 行' in page.text and 'data-outcome="REJECTED">拒绝 7 行' in page.text
    rows = dict(
        re.findall(r'<tr class="table-danger" data-row="(\d+)" data-outcome="REJECTED">(.*?)</tr>', page.text, re.S)
    )
    assert {int(n) for n in rows} == set(EXPECTED_PROBLEMS)
    assert "处罚决定日期“2026-02-30”这一天不存在" in rows["6"] and ">罚款金额（万元）<" in rows["7"]
    assert len(await stored_penalties(db)) == 3

    as_csv = _download(page.text, "report-csv")
    assert as_csv.startswith("\ufeff".encode()), "Excel reads the Chinese"
    lines = list(csv.reader(io.StringIO(as_csv.decode("utf-8-sig"))))
    assert lines[0] == ["行号", "结果", "文书号", "列", "代码", "原因"]
    assert lines[5][:5] == ["6", "拒绝", "中市监罚〔2026〕5 号", "处罚决定日期", "INVALID_DATE"]
    as_json = json.loads(_download(page.text, "report-json"))
    assert as_json["counts"]["created"] == 3 and as_json["counts"]["rejected"] == 7
    assert {row["row"] for row in as_json["rows"] if row["outcome"] == "REJECTED"} == set(EXPECTED_PROBLEMS)

    dry = {**form, "dry_run": "1", "csrftoken": await csrf(client, "/admin/record-import")}
    again = await client.post("/admin/record-import", data=dry, files=files)
    assert 'id="dry-run-note"' in again.text and 'data-outcome="UNCHANGED">无变化 3 行' in again.text

    pdf = {"file": ("处罚.pdf", b"%PDF-1.7", "application/pdf")}
    whole = await client.post(
        "/admin/record-import", data={**form, "csrftoken": await csrf(client, "/admin/record-import")}, files=pdf
    )
    assert "处罚.pdf：只能导入 CSV 或 XLSX 文件" in whole.text and "导入结果" not in whole.text


async def test_a_maintainer_names_the_department_in_the_admin(
    api: Api, db: Database, city: DemoCity, tmp_path: Path
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = await client.get("/admin/record-import")
    assert 'name="department"' in page.text and "SCJG-210202" in page.text
    path = write_csv(tmp_path / "处罚.csv", PENALTY_HEADER, [penalty_row(city.zhongshan[0])])
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    unnamed = await client.post(
        "/admin/record-import",
        data={"kind": "penalty", "csrftoken": await csrf(client, "/admin/record-import")},
        files=files,
    )
    assert "须填写 departmentCode" in unnamed.text and len(await stored_penalties(db)) == 0
    named = {"kind": "penalty", "department": "SCJG-210202", "csrftoken": await csrf(client, "/admin/record-import")}
    done = await client.post("/admin/record-import", data=named, files=files)
    assert 'data-outcome="CREATED">新增 1 行' in done.text
    assert (await stored_penalties(db))["中市监罚〔2026〕1 号"].source_department_id is not None


def test_the_command_line_imports_and_says_so_by_its_exit_status(
    database_url: str, city: DemoCity, tmp_path: Path
) -> None:
    mixed = write_csv(tmp_path / "行政处罚.csv", PENALTY_HEADER, mixed_penalties(city))
    report = tmp_path / "报告.csv"
    clean = write_csv(
        tmp_path / "好.csv", PENALTY_HEADER, [penalty_row(city.zhongshan[6], 文号="中市监罚〔2026〕30 号")]
    )
    args = ("import", "penalty", str(clean), "--department", "SCJG-210202")
    pdf = tmp_path / "处罚.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    # The refused files write nothing, so they run beside the first import (a process takes about a
    # second to start); the imports that write run one after another.
    done, unreadable, missing, nobody = manage_together(
        database_url,
        ["import", "penalty", str(mixed), "--department", "SCJG-210202", "--report", str(report)],
        ["import", "penalty", str(pdf), "--department", "SCJG-210202"],
        ["import", "penalty", str(tmp_path / "无.csv"), "--department", "SCJG-210202"],
        [*args[:3], "--department", "NOPE-210202"],
    )
    assert done.returncode == 1, done.stderr
    assert "共 10 行，新增 3、更新 0、无变化 0、拒绝 7" in done.stdout
    assert "第 6 行 处罚决定日期：处罚决定日期“2026-02-30”这一天不存在（INVALID_DATE）" in done.stdout
    written = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert len(written) == 1 + 10 and written[1][:2] == ["2", "新增"], "the report file lists every row"

    dry = manage(database_url, *args, "--dry-run")
    assert dry.returncode == 0 and "试运行" in dry.stdout and "新增 1" in dry.stdout
    assert manage(database_url, *args).returncode == 0
    again = manage(database_url, *args)
    assert again.returncode == 0 and "无变化 1" in again.stdout

    whole = manage(database_url, "import", "penalty", str(mixed), "--department", "SCJG-210202", "--all-or-nothing")
    assert whole.returncode == 1 and "整个文件未导入" in whole.stdout

    assert unreadable.returncode == 2 and "只能导入 CSV 或 XLSX 文件" in unreadable.stderr
    assert missing.returncode == 2
    assert nobody.returncode == 2 and "部门“NOPE-210202”不存在" in nobody.stderr

    verified = manage(database_url, "verify-audit")
    assert verified.returncode == 0 and "审计日志完整" in verified.stdout


# A NUL (an internal error on PostgreSQL, stored as sent on SQLite), a bell and an escape
# sequence that colours a terminal, and U+202E that shows "csv.gpj" as "jpg.csv".
DAMAGED_NAMES = ["nul\x00z.csv", "bell\x07\x1b[31mred.csv", "处罚\u202egpj.csv"]
# One character more than any file system allows in a name.
LONG_NAME = "处" * 252 + ".csv"


async def test_a_file_whose_name_breaks_the_text_rule_is_refused_by_both_doors(
    api: Api, db: Database, city: DemoCity
) -> None:
    content = write_csv_bytes([penalty_row(city.zhongshan[0])])
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    before = await audit_count(db)
    for name in DAMAGED_NAMES:
        payload = await _import_named(api, name, content, city.tokens["district"])
        assert payload["report"] is None, name
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("file", "INVALID_TEXT")], name
        assert payload["errors"][0]["message"].startswith("文件名含有"), name
    for name in DAMAGED_NAMES:
        form = {"kind": "penalty", "policy": "keep", "csrftoken": await csrf(client, "/admin/record-import")}
        body, kind = multipart_as_sent(form, "file", name, content)
        page = await client.post("/admin/record-import", content=body, headers={"Content-Type": kind})
        assert page.status_code == 200, name
        assert "文件名含有" in page.text and "导入结果" not in page.text, name
        assert "\x00" not in page.text and "\x1b" not in page.text and "\u202e" not in page.text, name
    assert await stored_penalties(db) == {}
    assert await audit_count(db) == before, "nothing is stored, the audit log included"


async def test_a_file_name_longer_than_a_file_system_allows_is_refused_by_both_doors(
    api: Api, db: Database, city: DemoCity
) -> None:
    content = write_csv_bytes([penalty_row(city.zhongshan[0])])
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    payload = await _import_named(api, LONG_NAME, content, city.tokens["district"])
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("file", "TOO_LONG")]
    assert payload["errors"][0]["message"].startswith("文件名过长：最多 255 个字符")
    form = {"kind": "penalty", "policy": "keep", "csrftoken": await csrf(client, "/admin/record-import")}
    body, kind = multipart_as_sent(form, "file", LONG_NAME, content)
    page = await client.post("/admin/record-import", content=body, headers={"Content-Type": kind})
    assert "文件名过长" in page.text and "导入结果" not in page.text
    assert await stored_penalties(db) == {}
    # A name of exactly the limit is a name like any other.
    payload = await _import_named(api, "处" * 251 + ".csv", content, city.tokens["district"])
    assert payload["errors"] == [] and payload["report"]["counts"]["created"] == 1


def write_csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([PENALTY_HEADER, *rows])
    return out.getvalue().encode("utf-8")


async def _import_named(api: Api, name: str, content: bytes, token: str) -> dict[str, Any]:
    body = await graphql_upload_as_sent(api.client, IMPORT, {"kind": "PENALTY"}, (name, content), token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["importRecords"]
    return payload
