"""Telling a department's followers that a notice was pushed to it, once the push is committed.

A `Notice` inserted through the ORM with status PUSHED (routing a registration,
forwarding) is collected when the session flushes. On PostgreSQL the flush also
runs `pg_notify` in the same transaction, so the news leaves only on commit and
reaches every app process: each runs one LISTEN connection that feeds its
in-process hub. On SQLite there is one process to tell, and the hub hears it
after commit. A rollback tells no one. Bulk inserts through Core (the seed's
batch routing) tell no one either.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import bindparam, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.types import Text

from models import Notice
from models.enums import NoticeStatus
from services.platform.db import driver_dsn
from services.platform.errors import DomainError

if TYPE_CHECKING:
    from services.platform.db import Database

CHANNEL = "jianguan_notices"
LISTENER_NAME = "jianguan-notices"  # application_name of the LISTEN connection, for operators
_PENDING = "jianguan_pushed_notices"
_QUEUE_SIZE = 1000
_HEALTH_CHECK_SECONDS = 30.0
_RECONNECT_SECONDS = 1.0
_READY_TIMEOUT_SECONDS = 10.0
_NOTIFY = text("SELECT pg_notify(:channel, payload) FROM unnest(:payloads) AS payload").bindparams(
    bindparam("payloads", type_=ARRAY(Text))
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pushed:
    notice_id: int
    department_id: int


@dataclass(frozen=True)
class Resync:
    """Pushes may have been missed (the LISTEN connection was lost and is back, or the
    subscriber fell too far behind): catch up from the database."""


Event = Pushed | Resync


class Unavailable(DomainError):
    """PostgreSQL's LISTEN connection could not be opened."""

    def __init__(self) -> None:
        super().__init__("NOTICE_FEED_UNAVAILABLE", "告知推送暂不可用，请稍后重试")


# ---- collecting pushes in the writing session ----


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush: UOWTransaction) -> None:
    pushed = [
        Pushed(obj.id, obj.department_id)
        for obj in session.new
        if isinstance(obj, Notice) and obj.status is NoticeStatus.PUSHED and obj.id is not None
    ]
    if not pushed:
        return
    if session.get_bind().dialect.name == "postgresql":
        # Part of the transaction: PostgreSQL delivers it on commit, and drops it on rollback.
        payloads = [json.dumps({"notice": p.notice_id, "department": p.department_id}) for p in pushed]
        session.connection().execute(_NOTIFY, {"channel": CHANNEL, "payloads": payloads})
    else:
        session.info.setdefault(_PENDING, []).extend(pushed)


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    pushed: list[Event] = session.info.pop(_PENDING, [])
    if pushed:
        bind = session.get_bind()
        hub_for(bind.engine.url).publish(pushed)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_PENDING, None)


# ---- the in-process hub ----


class Hub:
    """Fans events out to this process's subscribers, each with its own queue."""

    def __init__(self) -> None:
        self._queues: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]] = set()
        self._listener: _Listener | None = None

    def publish(self, events: Sequence[Event]) -> None:
        for loop, queue in list(self._queues):
            if not loop.is_closed():
                # Safe from any thread; on the loop's own thread it runs next, in order.
                loop.call_soon_threadsafe(_offer, queue, events)

    @asynccontextmanager
    async def subscribe(self, db: Database) -> AsyncIterator[asyncio.Queue[Event]]:
        """A queue of this database's pushes; on PostgreSQL, only once LISTEN is in place,
        so a caller that reads the database next misses nothing committed in between."""
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        entry = (asyncio.get_running_loop(), queue)
        self._queues.add(entry)
        try:
            if not db.is_sqlite:
                if self._listener is None or not self._listener.serves(entry[0]):
                    self._listener = _Listener(self, db.url)
                await self._listener.ready()
            yield queue
        finally:
            self._queues.discard(entry)

    async def stop(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None


def _offer(queue: asyncio.Queue[Event], events: Sequence[Event]) -> None:
    for item in events:
        try:
            queue.put_nowait(item)
        except asyncio.QueueFull:
            # A subscriber this far behind reads the database instead, from where it is.
            log.warning("notice subscriber %d events behind; it will catch up from the database", _QUEUE_SIZE)
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(Resync())
            return


_hubs: dict[str, Hub] = {}


def hub_for(url: URL) -> Hub:
    """One hub per database in this process (tests run several databases side by side)."""
    key = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=False)
    return _hubs.setdefault(key, Hub())


async def stop(db: Database) -> None:
    """Close this database's LISTEN connection (app shutdown)."""
    await hub_for(db.url).stop()


# ---- PostgreSQL: one LISTEN connection per process ----


class _Listener:
    """Holds a LISTEN connection open, reconnecting when it is lost."""

    def __init__(self, hub: Hub, url: URL) -> None:
        self._hub = hub
        self._dsn = driver_dsn(url)
        self._ready = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=LISTENER_NAME)

    def serves(self, loop: asyncio.AbstractEventLoop) -> bool:
        return not self._task.done() and self._task.get_loop() is loop

    async def ready(self) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), _READY_TIMEOUT_SECONDS)
        except TimeoutError as error:
            raise Unavailable() from error

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        was_lost = False
        while True:
            try:
                connection = await asyncpg.connect(self._dsn, server_settings={"application_name": LISTENER_NAME})
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("notice listener cannot connect: %s", error)
                await asyncio.sleep(_RECONNECT_SECONDS)
                continue
            try:
                await self._listen(connection, was_lost)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                log.warning("notice listener lost its connection: %s", error)
            finally:
                self._ready.clear()
                was_lost = True
                connection.terminate()

    async def _listen(self, connection: Any, was_lost: bool) -> None:
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _connection: closed.set())
        await connection.add_listener(CHANNEL, self._received)
        self._ready.set()
        if was_lost:
            self._hub.publish([Resync()])
        while not closed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), _HEALTH_CHECK_SECONDS)
            if not closed.is_set():
                # A connection dropped silently by the network only shows when used.
                await connection.fetchval("SELECT 1", timeout=_HEALTH_CHECK_SECONDS)

    def _received(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            data = json.loads(payload)
            pushed = Pushed(int(data["notice"]), int(data["department"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed %s payload: %r", CHANNEL, payload)
            return
        self._hub.publish([pushed])
