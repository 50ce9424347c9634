"""Alembic environment: runs on the connection handed in by services.platform.migrate,
or on its own async engine from JIANGUAN_DATABASE_URL when called by the alembic CLI."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import models
from services.platform.db import Database
from services.platform.settings import load_settings

config = context.config
target_metadata = models.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings = load_settings()
    db = Database(settings.database_url, settings.secret_key)
    async with db.engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await db.dispose()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
elif connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async())
