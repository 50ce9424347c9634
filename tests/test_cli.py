"""The command line, run as a maintainer runs it: a real process on a real database."""

from __future__ import annotations

from sqlalchemy import text

import models
from services.db import Database
from tests.conftest import Api, DemoCity
from tests.helpers import manage


async def test_token_create_prints_a_working_token_alone_on_its_last_line(
    api: Api, city: DemoCity, database_url: str
) -> None:
    done = manage(
        database_url,
        "token",
        "create",
        "--department",
        "JT-210204",
        "--role",
        "department",
        "--name",
        "沙河口区交通运输局业务系统",
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    assert token.startswith("jg_") and " " not in token
    viewer = await api.data("{ viewer { kind name department { code } } }", token=token)
    assert viewer["viewer"] == {
        "kind": "DEPARTMENT",
        "name": "沙河口区交通运输局业务系统",
        "department": {"code": "JT-210204"},
    }
    maintainer = manage(database_url, "token", "create", "--department", "SCJG-210200", "--role", "maintainer")
    token = maintainer.stdout.strip().splitlines()[-1]
    assert (await api.data("{ viewer { kind } }", token=token))["viewer"]["kind"] == "MAINTAINER"


async def test_token_create_refuses_an_unknown_department_or_role(city: DemoCity, database_url: str) -> None:
    unknown = manage(database_url, "token", "create", "--department", "NOPE-1")
    assert unknown.returncode == 1 and "部门“NOPE-1”不存在" in unknown.stderr
    assert unknown.stdout == ""
    role = manage(database_url, "token", "create", "--department", "SCJG-210200", "--role", "admin")
    assert role.returncode == 2 and "department 或 maintainer" in role.stderr


async def _registry(db: Database) -> list[tuple[str, ...]]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT uscc, name, legal_representative, business_scope, region_code FROM market_entity ORDER BY uscc"
            )
        )
        return [tuple(row) for row in rows.all()]


async def test_seed_demo_is_deterministic_and_loads_only_an_empty_database(db: Database, database_url: str) -> None:
    first = manage(database_url, "seed-demo", "--seed", "11", "--entities", "40")
    assert first.returncode == 0, first.stderr
    assert "40 个市场主体" in first.stderr
    assert first.stdout.count("jg_") == 6
    rows = await _registry(db)
    assert len(rows) == 40 and len({r[4] for r in rows}) >= 5, "entities spread over the districts"
    again = manage(database_url, "seed-demo")
    assert again.returncode == 1 and "已有数据" in again.stderr
    quiet = manage(database_url, "seed-demo", "--if-empty")
    assert quiet.returncode == 0 and "未载入" in quiet.stderr
    # The same seed on another empty database builds the same city.
    async with db.engine.begin() as connection:
        for table in reversed(models.metadata.sorted_tables):
            await connection.execute(table.delete())
    assert manage(database_url, "seed-demo", "--seed", "11", "--entities", "40").returncode == 0
    assert await _registry(db) == rows
