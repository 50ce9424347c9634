"""The committed contracts: schema.graphql, and migrations that match the models."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from schema import sdl
from services.platform import migrate
from services.platform.db import Database
from tests.conftest import ROOT


def test_schema_graphql_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql is stale: run `make schema` and commit it"


async def test_models_and_migrations_agree(db: Database) -> None:
    differences = await migrate.drift(db)
    assert differences == [], f"models differ from migrations; add an alembic revision: {differences}"


async def test_migrations_go_down_and_up_again(db: Database) -> None:
    await migrate.upgrade(db, "base")
    await migrate.upgrade(db)
    assert await migrate.drift(db) == []


def test_one_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, heads
