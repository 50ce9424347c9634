"""The engine, sessions, and the little SQL that differs between SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from services.platform import access, follow_on, paging
from services.platform.principal import Principal
from services.platform.settings import DEFAULT_DB_POOL_SIZE

_WRITE = "jianguan_write"
POOL_TIMEOUT = 30.0  # seconds a request waits for a free connection, as SQLAlchemy's pool does
# Seconds to open a connection: asyncpg waits 60 by default, and a server that is down but whose
# address still takes packets would hold every request that long instead of answering 503.
CONNECT_TIMEOUT = 5.0
# What a lost or refused connection raises, from the socket up through asyncpg: the server is
# unreachable, restarting or shutting down (SQLSTATE class 08, 57P01-57P03).
_UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.ConnectionFailureError,
)
_SECRET = "secret_key"


def driver_dsn(url: URL) -> str:
    """A PostgreSQL URL as asyncpg itself takes it, for the connections made outside the engine."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database could not be reached, rather than
    that a statement was wrong: a closed or refused connection, a connect that timed out, a
    connection SQLAlchemy invalidated, or asyncpg's "connection is closed"."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNREACHABLE):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, PendingRollbackError) and "invalid transaction" in str(current):
            return True  # the connection was found dead inside the transaction (at COMMIT, say)
        if isinstance(current, asyncpg.exceptions.InterfaceError) and "connection is closed" in str(current):
            return True
        if isinstance(current, OSError) and str(current).startswith("Multiple exceptions"):
            return True  # every address of the host refused (asyncio's create_connection)
        current = current.__cause__ or current.__context__
    return False


def async_url(url: str) -> URL:
    """Plain `sqlite:///…` / `postgresql://…` URLs get their async driver here."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"不支持的数据库：{backend}（仅支持 sqlite 与 postgresql）")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so a write can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Up to 64 MB of page cache (the default is 2 MB): batch routing of 100,000
        # registrations runs about a fifth faster once the notice indexes outgrow 2 MB.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        # The compiled read path writes page cursors in SQL; SQLite has no base64 of its own.
        dbapi_connection.create_function("jianguan_cursor", 1, paging.encoded_cursor, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        # A write takes SQLite's write lock up front, so two writers queue
        # instead of one failing when it upgrades a stale read snapshot.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE, False) else "BEGIN")


def _replace_lost_connections(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # A connection the server closed (a restart, a cut network) is known closed to asyncpg as
        # soon as the loop sees it: the pool opens a fresh one instead of handing it to a request,
        # at no round trip (a pre-ping would cost one per checkout). One still open but dead fails
        # its statement; SQLAlchemy then invalidates it and every connection of the pool older.
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("connection closed by the server")


def secret_key_of(session: AsyncSession) -> str:
    key = session.info.get(_SECRET)
    assert isinstance(key, str)
    return key


class Database:
    def __init__(
        self,
        url: str,
        secret_key: str,
        pool_size: int = DEFAULT_DB_POOL_SIZE,
        statement_timeout: float | None = None,
        **engine_kwargs: Any,
    ) -> None:
        self.secret_key = secret_key
        self.url = async_url(url)
        # Which database this is, as text: a key for what a process remembers per database.
        self.name = self.url.render_as_string(hide_password=False)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # A pool that keeps every connection it opens: with overflow connections (closed again on
        # return) a burst of requests opened a new PostgreSQL backend for one request in five,
        # tripling the database's CPU per request. Beyond `pool_size` at once, a request waits.
        # hide_parameters: a statement's error and log name the statement, not its values, which
        # hold identity numbers and whatever a caller sent (megabytes of it, before any limit).
        engine_kwargs = {"pool_size": pool_size, "max_overflow": 0, "hide_parameters": True, **engine_kwargs}
        if not self.is_sqlite:
            engine_kwargs.setdefault("connect_args", {"timeout": CONNECT_TIMEOUT})
        self.pool_size = int(engine_kwargs["pool_size"])
        # PostgreSQL ends a statement that runs past the request's time limit itself (the app's
        # own limit cancels the request; this catches a statement the cancellation does not reach).
        self._server_settings: dict[str, str] = {}
        if statement_timeout is not None and not self.is_sqlite:
            self._server_settings = {"statement_timeout": str(int(statement_timeout * 1000))}
            engine_kwargs.setdefault("connect_args", {}).setdefault("server_settings", {}).update(self._server_settings)
        self.engine = create_async_engine(self.url, **engine_kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            _replace_lost_connections(self.engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # On PostgreSQL reads run without BEGIN/ROLLBACK: two network round trips
        # fewer per statement. SQLite's are local calls, and switching its driver's
        # isolation mode back and forth would undo the transaction control above.
        reads = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reads = async_sessionmaker(reads, expire_on_commit=False)
        self._driver_pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()

    @property
    def read_sessions(self) -> async_sessionmaker[AsyncSession]:
        """Unbound read sessions, for a framework that opens its own per request;
        bind each to its principal (`bind`) before use."""
        return self._reads

    def session(self, principal: Principal) -> AsyncSession:
        """A session for reads, bound to the acting principal's access policy."""
        return self._bind(self._reads(), principal)

    def bind(self, session: AsyncSession, principal: Principal) -> AsyncSession:
        """A session of `read_sessions`, bound as every session here is: to the principal's access
        policy, and with the secret key the keyed ids are made with (persons.person_key)."""
        return self._bind(session, principal)

    def _bind(self, session: AsyncSession, principal: Principal) -> AsyncSession:
        access.bind(session, principal)
        session.info[_SECRET] = self.secret_key
        return session

    async def snapshot_session(self, principal: Principal) -> AsyncSession:
        """A read session in one transaction that sees one moment of the database throughout,
        for a long result read a chunk at a time (an export): PostgreSQL keeps a server-side
        cursor only inside a transaction, which the read sessions do without. It writes nothing."""
        session = self._bind(self._sessions(), principal)
        if not self.is_sqlite:  # SQLite's BEGIN already reads one snapshot (WAL)
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return session

    async def write_session(self, principal: Principal) -> AsyncSession:
        """A session for one change, in one transaction; commit it or roll it back. Its
        follow-on updates (services.platform.follow_on) run just before it commits."""
        session = self._bind(self._sessions(), principal)
        follow_on.track(session)
        await session.connection(execution_options={_WRITE: True})
        return session

    async def fetch_text(self, sql: str, arguments: Sequence[Any]) -> str:
        """The one text value of a statement written for the driver itself (`$1` on PostgreSQL,
        `?` on SQLite), bypassing the ORM and SQLAlchemy's execution: the compiled read path's
        hot loop. It reads only, in autocommit. On PostgreSQL it runs on a pool of its own, made on
        first use in this process's event loop, as large as the engine's."""
        if self.is_sqlite:
            async with self.engine.connect() as connection:
                raw = await connection.get_raw_connection()
                cursor = await raw.driver_connection.execute(sql, list(arguments))  # type: ignore[union-attr]
                row = await cursor.fetchone()
                await cursor.close()
                return str(row[0])
        pool = self._driver_pool or await self._make_driver_pool()
        async with pool.acquire(timeout=POOL_TIMEOUT) as connection:
            return str(await connection.fetchval(sql, *arguments))

    async def _make_driver_pool(self) -> asyncpg.Pool:
        async with self._pool_lock:
            if self._driver_pool is None:
                # No reset query on release: the statements run here change no session state, and
                # the reset would be a second round trip per read.
                # asyncpg's pool itself replaces a connection it finds closed when it hands it out.
                # No floor (min_size 0): with one, the pool reconnects in the background while the
                # server is down and logs a traceback for every try.
                self._driver_pool = await asyncpg.create_pool(
                    driver_dsn(self.url),
                    min_size=0,
                    max_size=self.pool_size,
                    reset=_keep_session,
                    timeout=CONNECT_TIMEOUT,
                    server_settings=self._server_settings or None,
                )
            return self._driver_pool

    async def dispose(self) -> None:
        if self._driver_pool is not None:
            await self._driver_pool.close()
            self._driver_pool = None
        await self.engine.dispose()


async def _keep_session(connection: asyncpg.Connection) -> None:
    return None


async def insert_if_absent(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any], unique: list[str]
) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent insert of the same key waits, then yields.
    The new row's id, or None when the key was taken."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
    new_id: int | None = await session.scalar(statement)
    return new_id


async def serialise_writers(session: AsyncSession, key: int) -> None:
    """Hold a transaction-scoped lock so writers of one chain take turns.

    SQLite writers already hold the database lock (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def refresh_statistics(db: Database, *tables: str) -> None:
    """The planner's statistics after a bulk load that has grown a table many times over:
    PostgreSQL's autovacuum refreshes them only now and then, and SQLite keeps none until asked
    (without them it may walk the USCC index rather than a district's). Best effort: a role that
    may not ANALYZE the table (or a busy SQLite) leaves them as they were."""
    # SQLite: every table at once (a plan joins the small ones too; the bench's plans were made so).
    statements = ["ANALYZE"] if db.is_sqlite else [f'ANALYZE "{table}"' for table in tables]
    try:
        async with db.engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
            await connection.commit()
    except DBAPIError:
        return


def json_from_text(session: AsyncSession, text_of_json: ColumnElement[str]) -> ColumnElement[Any]:
    """JSON built as text in SQL, for a JSON column: PostgreSQL casts it; SQLite keeps JSON as text."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(text_of_json, sa.JSON)
    return sa.type_coerce(text_of_json, sa.JSON)


def lines_of(session: AsyncSession, text: ColumnElement[str]) -> ColumnElement[str]:
    """An aggregate joining `text` of every row with line breaks, in no particular order: a
    million short values come back as one string, not a million rows to decode (PostgreSQL's
    string_agg, SQLite's group_concat). The caller sorts the lines itself: ordering them in the
    database (by the C collation) cost as much as Python's sort. NULL when there are no rows."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.string_agg(text, sa.literal("\n"))
    return sa.func.group_concat(text, sa.literal("\n"))


IdFilter = Callable[[ColumnElement[int]], ColumnElement[bool]]


def ids_filter(session: AsyncSession, ids: Collection[int]) -> IdFilter:
    """`column IN ids` with the ids as ONE parameter, so a statement has one text whatever the
    count (one plan, one cache entry, bounded memory in a long import): PostgreSQL unnests an
    array, SQLite reads a JSON array with json_each; both then hash the list."""
    values = sorted(ids)
    if session.get_bind().dialect.name == "postgresql":
        array = sa.literal(values, type_=postgresql.ARRAY(sa.Integer))
        return lambda column: column.in_(sa.select(sa.func.unnest(array)))
    listed: sa.Select[int] = sa.select(sa.literal_column("value", sa.Integer)).select_from(
        sa.func.json_each(sa.literal(json.dumps(values)))
    )
    return lambda column: column.in_(listed)


def beijing_date(session: AsyncSession, moment: ColumnElement[Any] | Mapped[Any]) -> ColumnElement[Any]:
    """The Asia/Shanghai date of a stored (naive UTC) time, in SQL. China has kept UTC+8 all year
    since 1991. PostgreSQL gives a DATE; SQLite gives the ISO text 'YYYY-MM-DD', which compares
    with its DATE columns (ISO text too) as dates do; `as_date` reads either back."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(moment + sa.text("INTERVAL '8 hours'"), sa.Date)
    return sa.func.date(moment, "+8 hours")


def as_date(value: date | str) -> date:
    """A date read back from `beijing_date`, whichever engine gave it."""
    return value if isinstance(value, date) else date.fromisoformat(value)
