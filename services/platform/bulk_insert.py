"""Adding many new rows to one table at once: the one write whose SQL differs by engine.

On PostgreSQL (asyncpg) the rows go in with COPY on the session's own connection, so they
share its transaction and savepoint: a batch import's new rows no longer pay SQLAlchemy's
per-row statement work. Elsewhere (SQLite, another driver) it is the executemany INSERT.

Either way a row is stored as the INSERT would store it: each value passes through its
column type's own bind processor (a code list member becomes its name, an amount its
scaled integer, a code list array its JSON, a UTC datetime naive UTC), a column the rows
leave out takes the column's Python default, and a key already taken raises SQLAlchemy's
IntegrityError, so callers catch one exception whatever the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

_Bind = Callable[[Any], Any] | None


async def insert_rows(session: AsyncSession, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (each with the keys of the first) into `table` in the session's transaction."""
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.driver != "asyncpg":
        await session.execute(sa.insert(table), rows)
        return
    driver = (await connection.get_raw_connection()).driver_connection
    # COPY outside the session's transaction would commit on its own; the session's driver
    # begins lazily, so until a statement has run, the INSERT (which begins it) is the safe way.
    if driver is None or not driver.is_in_transaction():
        await session.execute(sa.insert(table), rows)
        return
    names, binds, defaults = _columns(table, rows[0], connection.dialect)
    statement = f"COPY {table.fullname} ({', '.join(names)}) FROM STDIN (FORMAT binary)"
    try:
        await driver.copy_records_to_table(
            table.name, schema_name=table.schema, columns=names, records=_records(rows, names, binds, defaults)
        )
    except asyncpg.IntegrityConstraintViolationError as error:
        raise IntegrityError(statement, None, error) from error
    except asyncpg.PostgresError as error:
        raise DBAPIError(statement, None, error) from error


def _columns(
    table: sa.Table, first: Mapping[str, Any], dialect: Dialect
) -> tuple[list[str], list[_Bind], list[Callable[[], Any]]]:
    """The columns written: the rows' own, then those with a Python default (as an INSERT
    fills them), each with its type's bind processor for this dialect."""
    names = [table.c[name].name for name in first]
    defaults: list[Callable[[], Any]] = []
    for column in table.c:
        default = column.default
        if column.name in first or default is None:
            continue
        if not (isinstance(default, sa.ColumnDefault) and (default.is_scalar or default.is_callable)):
            raise NotImplementedError(f"{table.name}.{column.name}: a {type(default).__name__} default")
        defaults.append(_default(default))
        names.append(column.name)
    binds: list[_Bind] = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    return names, binds, defaults


def _default(default: sa.ColumnDefault) -> Callable[[], Any]:
    arg = default.arg
    if default.is_callable:
        return lambda: arg(None)  # evaluated per row, as an INSERT does
    return lambda: arg


def _records(
    rows: Sequence[Mapping[str, Any]], names: list[str], binds: list[_Bind], defaults: list[Callable[[], Any]]
) -> Iterator[tuple[Any, ...]]:
    """Each row's values by column name (as executemany binds them), converted."""
    own = names[: len(names) - len(defaults)]
    converting = [(index, bind) for index, bind in enumerate(binds) if bind is not None]
    for row in rows:
        values = [row[name] for name in own]
        values.extend(make() for make in defaults)
        for index, bind in converting:
            values[index] = bind(values[index])
        yield tuple(values)
