"""The command line, run as a maintainer runs it: a real process on a real database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

import models
from models import Complaint, Department, License, MarketEntity, Penalty
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.cli import manage, manage_together


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
    unknown, role = manage_together(
        database_url,
        ["token", "create", "--department", "NOPE-1"],
        ["token", "create", "--department", "SCJG-210200", "--role", "admin"],
    )
    assert unknown.returncode == 1 and "部门“NOPE-1”不存在" in unknown.stderr
    assert unknown.stdout == ""
    assert role.returncode == 2 and "department 或 maintainer" in role.stderr


async def _registry(db: Database) -> list[tuple[str, ...]]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT uscc, name, legal_representative, business_scope, region_code FROM market_entity ORDER BY uscc"
            )
        )
        return [tuple(row) for row in rows.all()]


async def _records_by_key(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every record by what identifies it to a person: department, document number, entity."""
    async with db.session(Principal.system()) as session:
        codes = dict((await session.execute(select(col(Department.id), col(Department.code)))).all())
        usccs = dict((await session.execute(select(col(MarketEntity.id), col(MarketEntity.uscc)))).all())
        penalty_numbers = dict((await session.execute(select(col(Penalty.id), col(Penalty.document_number)))).all())
        found: dict[str, list[tuple[Any, ...]]] = {}
        for model in (License, Penalty, Complaint):
            rows = []
            for record in (await session.scalars(select(model))).all():
                values = {name: getattr(record, name) for name in model.model_fields}
                for name in ("id", "created_at", "updated_at"):
                    del values[name]
                values["entity_id"] = usccs[values["entity_id"]]
                values["source_department_id"] = codes[values["source_department_id"]]
                if values.get("revoked_by_id") is not None:
                    values["revoked_by_id"] = penalty_numbers[values["revoked_by_id"]]
                rows.append(tuple(sorted((k, str(v)) for k, v in values.items())))
            found[model.__name__] = sorted(rows)
    return found


async def test_seed_demo_reports_its_city_loads_only_an_empty_database_and_the_same_seed_gives_the_same_city(
    db: Database, database_url: str
) -> None:
    first = manage(database_url, "seed-demo", "--seed", "11", "--entities", "300")
    assert first.returncode == 0, first.stderr
    said = "".join(first.stderr.split())  # the terminal may wrap the line anywhere
    assert "300个市场主体" in said
    assert first.stdout.count("jg_") == 6
    rows = await _registry(db)
    assert len(rows) == 300 and len({r[4] for r in rows}) >= 5, "entities spread over the districts"
    records = await _records_by_key(db)
    licenses, penalties, complaints = (len(records[kind]) for kind in ("License", "Penalty", "Complaint"))
    assert f"行政许可{licenses}条、行政处罚{penalties}条、12345投诉{complaints}条" in said
    assert licenses and penalties and complaints

    # None of these three writes, so they need not wait for each other.
    verified, again, quiet = manage_together(database_url, ["verify-audit"], ["seed-demo"], ["seed-demo", "--if-empty"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert again.returncode == 1 and "已有数据" in again.stderr
    assert quiet.returncode == 0 and "未载入" in quiet.stderr

    # The same seed on another empty database builds the same city, records and all.
    async with db.engine.begin() as connection:
        # Empty as after `migrate`: the result categories are the migration's, not the seed's.
        for table in reversed(models.metadata.sorted_tables):
            if table.name != "result_category":
                await connection.execute(table.delete())
    assert manage(database_url, "seed-demo", "--seed", "11", "--entities", "300").returncode == 0
    assert await _registry(db) == rows
    assert await _records_by_key(db) == records
