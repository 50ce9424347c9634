"""Departments from a file, through the command line and the admin: real CSV and XLSX files, all
or nothing, each bad row named with its column and a Chinese reason; the template to fill in."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from sqlmodel import col, select

from models import AuditEvent, Department
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.audit import audit_count
from tests.support.cli import manage
from tests.support.record_files import multipart_as_sent, write_csv, write_xlsx

HEADER = ["部门编码", "部门名称", "层级", "行政区划代码", "登记机关", "条线"]


async def _departments(db: Database, prefix: str) -> dict[str, tuple[str, str, str, bool, str | None]]:
    """Departments whose code starts with `prefix`, in any case (SQLite's LIKE ignores case, PostgreSQL's does not)."""
    async with db.session(Principal.system()) as session:
        rows = (await session.scalars(select(Department))).all()
    return {
        d.code: (d.name, d.level.value, d.region_code, d.is_registration_authority, d.line)
        for d in rows
        if d.code.upper().startswith(prefix.upper())
    }


async def test_a_csv_of_departments_is_imported_and_importing_it_again_changes_nothing(
    city: DemoCity, db: Database, database_url: str, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "部门.csv",
        HEADER,
        [
            ["QX-210200", "大连市气象局", "市级", "210200", "否", "QX"],
            ["QX-210202", "中山区气象局", "区县级", "210202", "", "QX"],
            ["qx-210203", "西岗区气象局", "DISTRICT", "210203", "否", ""],
        ],
    )
    done = manage(database_url, "department", "import", str(file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入：新增 3 行" in done.stdout
    assert await _departments(db, "QX-") == {
        "QX-210200": ("大连市气象局", "CITY", "210200", False, "QX"),
        "QX-210202": ("中山区气象局", "DISTRICT", "210202", False, "QX"),
        "qx-210203": ("西岗区气象局", "DISTRICT", "210203", False, None),
    }
    async with db.session(Principal.system()) as session:
        events = (await session.scalars(select(AuditEvent).where(col(AuditEvent.object_id) == "QX-210200"))).all()
    assert [(e.action, e.actor) for e in events] == [("department.upserted", "cli")]  # shown as 命令行

    before = await audit_count(db)
    again = manage(database_url, "department", "import", str(file))
    assert again.returncode == 0 and "无变化 3 行" in again.stdout
    assert await audit_count(db) == before, "an unchanged file writes no audit event"


async def test_a_bad_xlsx_stores_nothing_and_names_each_bad_row_in_chinese(
    city: DemoCity, db: Database, database_url: str, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "部门.xlsx",
        HEADER,
        [
            ["RF-210200", "大连市人防办", "市级", "210200", "否", "RF"],
            ["RF-210299", "不存在区人防办", "区县级", "210299", "否", "RF"],
            ["RF-210202", "中山区人防办", "省级", "210202", "也许", "RF"],
            ["RF-210200", "大连市人防办（重复）", "市级", "210200", "否", "RF"],
            ["RF-210203", "", "区县级", "210200", "否", "rf x"],
        ],
    )
    before = await audit_count(db)
    done = manage(database_url, "department", "import", str(file))
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout
    assert "有 4 行被拒绝，整个文件未导入" in said
    assert "行政区划“210299”不存在" in said and "第 3 行" in said
    assert "层级“省级”无效：应为市级、区县级" in said
    assert "登记机关“也许”无效" in said
    assert "部门编码“RF-210200”在第 2 行已出现" in said
    assert "名称不能为空" in said and "区县级部门须对应区县级行政区划" in said
    assert await _departments(db, "RF-") == {}
    assert await audit_count(db) == before

    dry = manage(database_url, "department", "import", str(tmp_path / "nope.csv"))
    assert dry.returncode == 2 and "不存在" in dry.stderr


async def test_department_create_and_its_template_from_the_command_line(
    city: DemoCity, db: Database, database_url: str, tmp_path: Path
) -> None:
    made = manage(database_url, "department", "create", "--code", "TY-210200", "--name", "大连市体育局",
                  "--level", "city", "--region", "210200", "--line", "TY")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "已新建部门 TY-210200 大连市体育局（市级，210200）" in made.stdout
    twice = manage(database_url, "department", "create", "--code", "TY-210200", "--name", "另一个",
                   "--level", "city", "--region", "210200")  # fmt: skip
    assert twice.returncode == 1 and "已存在" in twice.stderr
    assert (await _departments(db, "TY-"))["TY-210200"][0] == "大连市体育局"

    template = tmp_path / "模板.xlsx"
    assert manage(database_url, "department", "template", str(template)).returncode == 0
    sheet = openpyxl.load_workbook(template).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 2
    # The example row of the template imports as it is.
    dry = manage(database_url, "department", "import", str(template), "--dry-run")
    assert dry.returncode == 0 and "试运行，未保存" in dry.stdout, dry.stdout


async def test_the_admin_imports_departments_beside_the_department_list(
    city: DemoCity, api: Api, db: Database, tmp_path: Path
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    listing = await client.get("/admin/department/list")
    assert listing.status_code == 200 and 'id="department-import-link"' in listing.text

    template = await client.get("/admin/department-import/template.csv")
    assert template.status_code == 200
    assert "filename*=UTF-8''%E9%83%A8%E9%97%A8" in template.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER and len(lines) == 2

    token = await csrf(client, "/admin/department-import")
    rows = [["SW-210200", "大连市商务局", "市级", "210200", "否", "SW"],
            ["SW-210202", "中山区商务局", "区县级", "999999", "否", "SW"]]  # fmt: skip
    bad = write_csv(tmp_path / "bad.csv", HEADER, rows)
    page = await client.post(
        "/admin/department-import",
        data={"csrftoken": token},
        files={"file": ("bad.csv", bad.read_bytes(), "text/csv")},
    )
    assert page.status_code == 200
    assert 'id="file-rejected"' in page.text and "行政区划“999999”不存在" in page.text
    assert await _departments(db, "SW-") == {}

    good = write_xlsx(tmp_path / "good.xlsx", HEADER, [["SW-210200", "大连市商务局", "市级", "210200", "否", "SW"]])
    token = await csrf(client, "/admin/department-import")
    page = await client.post(
        "/admin/department-import",
        data={"csrftoken": token},
        files={"file": ("good.xlsx", good.read_bytes(), "application/octet-stream")},
    )
    assert 'id="import-applied"' in page.text and "新增 1 行" in page.text
    assert await _departments(db, "SW-") == {"SW-210200": ("大连市商务局", "CITY", "210200", False, "SW")}


async def test_a_department_user_cannot_reach_the_department_import(city: DemoCity, api: Api) -> None:
    await sign_in(api.client, "scjg-210202", city.report.logins[1].password)
    assert (await api.client.get("/admin/department-import")).status_code in (403, 404)


async def test_the_admin_refuses_a_file_whose_name_breaks_the_text_rule(
    city: DemoCity, api: Api, db: Database, tmp_path: Path
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    good = write_csv(tmp_path / "good.csv", HEADER, [["SW-210200", "大连市商务局", "市级", "210200", "否", "SW"]])
    before = await audit_count(db)
    for name in ("nul\x00z.csv", "bell\x07\x1b[31mred.csv"):
        form = {"csrftoken": await csrf(client, "/admin/department-import")}
        body, kind = multipart_as_sent(form, "file", name, good.read_bytes())
        page = await client.post("/admin/department-import", content=body, headers={"Content-Type": kind})
        assert page.status_code == 200, name
        assert 'id="import-refused"' in page.text and "文件名含有" in page.text, name
        assert "\x00" not in page.text and "\x07" not in page.text, name
    assert await _departments(db, "SW-") == {}
    assert await audit_count(db) == before
