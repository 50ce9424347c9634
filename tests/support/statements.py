"""The SQL the app sends to a test's database: what a test reads to prove a plan (the index a page
walks, how many statements a request costs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from services.platform.db import Database


@contextmanager
def sent(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Every statement, with its parameters, sent to `db` inside the block, in order."""
    found: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        found.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
