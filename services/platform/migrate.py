"""Bring a database to the newest schema; the same path for the CLI, `make run` and tests."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import models
from services.platform import point_index, text_index
from services.platform.db import Database
from services.platform.text_index import sqlite_unsupported

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class UnsupportedDatabase(RuntimeError):
    """The database cannot hold the schema (its message, in Chinese, names the fix)."""


async def upgrade(db: Database, revision: str = "head") -> None:
    if db.is_sqlite and (problem := sqlite_unsupported() or point_index.sqlite_unsupported()):
        raise UnsupportedDatabase(problem)

    def _upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(_upgrade)


# Indexes whose shape differs by engine, built by their migration alone: the penalties' statistics index
# (0025) holds their JSON categories as a key column on SQLite, an INCLUDE column on PostgreSQL.
_ENGINE_SHAPED = frozenset({"ix_penalty_statistics"})


def _outside_models(name: str | None) -> bool:
    return text_index.outside_models(name) or point_index.outside_models(name) or name in _ENGINE_SHAPED


async def drift(db: Database) -> list[object]:
    """Differences between the models and the migrated database (empty when they agree)."""

    def _compare(connection: Connection) -> list[object]:
        # The text index (FTS5, trigram indexes, the search order: 0019, 0020, 0024), the spatial
        # index (R*Tree, GiST: 0021) and the engine-shaped indexes (0025) are built by their migrations
        # alone, outside the models.
        opts = {"compare_type": True, "include_name": lambda name, kind, parents: not _outside_models(name)}
        context = MigrationContext.configure(connection, opts=opts)
        with warnings.catch_warnings():
            # SQLite's reflection skips an index on an expression (the search order's, 0024), and says so
            # before include_name can leave it out.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index ix_search_")
            return list(compare_metadata(context, models.metadata))

    async with db.engine.connect() as connection:
        return await connection.run_sync(_compare)
