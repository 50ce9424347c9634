"""Follow-on updates: what a change implies elsewhere, run once in its transaction before it commits.

A domain declares a follow-on `step` that consumes a `Topic` (what to bring up to date: entities
whose records changed, licenses a penalty may revoke, …), and `watch`es the models whose ORM
writes feed that topic. What a write transaction touched is thus collected by construction, as
it flushes, and as a conditional UPDATE of one row changes it (services.platform.transitions
reports it through `updated`); a bulk write through Core (a batch file's INSERT and UPDATE of
thousands of rows) reports what it touched through `mark`. Just before the transaction commits,
the pending steps run in the one order of `ORDER`, a step's own writes feeding the steps after
it, whatever the write path: the API, the admin, the command line, the jobs, a batch import that
commits every so many rows, the seed. A rollback drops what was collected; nothing has run.

Only write sessions (services.platform.db.Database.write_session, the one way a change is
opened) follow on: a read session writes nothing in the application, and a test that plants
records through one keeps them as planted.

A step learns why it runs from `cause_of`: the action its writer names (`because`), else the
first action the transaction wrote to the audit log (every change is audited), so a colour
changed by withdrawing a penalty is kept with the cause "penalty.withdrawn".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_session
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction
from sqlalchemy.util import await_
from sqlmodel import SQLModel

from models import AuditEvent

T = TypeVar("T")

# Every step, in the order it runs: licenses first (a revocation changes a colour), then the
# referrals a revocation raises, then the colours of every entity touched on the way.
ORDER = ("records.reconcile_licenses", "credit.refer_revocations", "credit.rerate")
# A transaction without audit events (a test's plain write) still names its follow-ons' cause.
UNNAMED_CAUSE = "records.changed"
_TRACKED = "jianguan_follow_on"
_STATE = "jianguan_follow_on_state"
_MAX_ROUNDS = 20


@dataclass(frozen=True, eq=False)
class Topic(Generic[T]):
    """A kind of thing to bring up to date; compared by identity."""

    name: str


# Market entities whose records (licenses, penalties, complaints, listings, registration status)
# changed: the writers of every domain report them, whoever brings the entities up to date.
ENTITIES: Topic[int] = Topic("entities")

Written = Literal["inserted", "updated", "deleted"]


@dataclass(frozen=True)
class Change:
    """One row a write changed (an ORM flush, or a conditional UPDATE), as a watcher sees it."""

    row: Any
    how: Written
    changed: frozenset[str]  # the columns whose value changed (every column, for an insert or a delete)

    def before(self, name: str) -> Any:
        """The column's value before the flush (its value now, when unchanged or not known)."""
        if name in self.changed and self.how == "updated":
            deleted = inspect(self.row).attrs[name].history.deleted
            if deleted:
                return deleted[0]
        return getattr(self.row, name)


Watcher = Callable[[Change], Iterable[T]]
StepRun = Callable[[AsyncSession, list[T], str], Awaitable[None]]


@dataclass(frozen=True)
class _Step(Generic[T]):
    name: str
    topic: Topic[T]
    run: StepRun[T]


_steps: dict[str, _Step[Any]] = {}
_watchers: list[tuple[tuple[type[SQLModel], ...], Topic[Any], Watcher[Any]]] = []


def step(name: str, topic: Topic[T]) -> Callable[[StepRun[T]], StepRun[T]]:
    """Declare the step `name` (one of ORDER): it runs on the items of `topic` a transaction marked."""
    if name not in ORDER:
        raise ValueError(f"follow-on step {name!r} is not in services.platform.follow_on.ORDER")

    def register(run: StepRun[T]) -> StepRun[T]:
        _steps[name] = _Step(name, topic, run)
        return run

    return register


def watch(topic: Topic[T], *models: type[SQLModel]) -> Callable[[Watcher[T]], Watcher[T]]:
    """Declare that ORM writes of `models` mark `topic` with what the watcher yields for each."""

    def register(watcher: Watcher[T]) -> Watcher[T]:
        _watchers.append((models, topic, watcher))
        return watcher

    return register


@dataclass
class _State:
    pending: dict[str, list[Any]] = field(default_factory=dict)  # per step
    marked: dict[Topic[Any], list[Any]] = field(default_factory=dict)  # everything, for `marked`
    named_cause: str | None = None
    first_audit: tuple[int, str] | None = None  # (event id, action)


def track(session: AsyncSession) -> None:
    """Follow on from this session's writes (Database.write_session calls it)."""
    session.info[_TRACKED] = True


def _state(session: AsyncSession | Session) -> _State | None:
    if not session.info.get(_TRACKED):
        return None
    state = session.info.get(_STATE)
    if state is None:
        state = session.info[_STATE] = _State()
    assert isinstance(state, _State)
    return state


def mark(session: AsyncSession | Session, topic: Topic[T], items: Iterable[T]) -> None:
    """Report `items` of `topic` touched in this transaction (a Core write reports its rows here)."""
    state = _state(session)
    if state is None:
        return
    items = list(items)
    if not items:
        return
    state.marked.setdefault(topic, []).extend(items)
    for name, declared in _steps.items():
        if declared.topic is topic:
            state.pending.setdefault(name, []).extend(items)


def updated(session: AsyncSession, row: SQLModel, changed: Collection[str]) -> None:
    """`row`, as it now stands, was changed by an UPDATE statement rather than a flush: the
    watchers see it as they would see its flush."""
    if _state(session) is not None and _is_watched(row):
        _watched(session.sync_session, Change(row, "updated", frozenset(changed)))


def marked(session: AsyncSession, topic: Topic[T]) -> list[T]:
    """Every item of `topic` marked in this transaction so far, its steps run or not."""
    state = _state(session)
    return list(state.marked.get(topic, [])) if state is not None else []


def because(session: AsyncSession, cause: str) -> None:
    """Name the cause of this transaction's follow-ons (a writer whose audit events say it less well)."""
    state = _state(session)
    if state is not None:
        state.named_cause = cause


def cause_of(session: AsyncSession | Session) -> str:
    state = _state(session)
    if state is None:
        return UNNAMED_CAUSE
    if state.named_cause is not None:
        return state.named_cause
    return state.first_audit[1] if state.first_audit is not None else UNNAMED_CAUSE


async def settle(session: AsyncSession, through: str | None = None) -> None:
    """Run the pending steps now, in ORDER (only up to the step `through`), for a writer that must
    report what they did; the commit runs what is left. Steps that mark earlier ones run again."""
    state = _state(session)
    if state is None:
        return
    last = ORDER.index(through) if through is not None else len(ORDER) - 1
    for _ in range(_MAX_ROUNDS):
        await session.flush()  # ORM writes not yet flushed are collected first
        due = next((name for name in ORDER[: last + 1] if state.pending.get(name) and name in _steps), None)
        if due is None:
            return
        items = state.pending.pop(due)
        await _steps[due].run(session, items, cause_of(session))
    raise RuntimeError(f"follow-on steps still marking each other after {_MAX_ROUNDS} rounds")


# ---- collecting, running and dropping, by the session's own events ----


def _changes(session: Session) -> Iterable[Change]:
    """The rows of watched models the flush wrote (the others, audit events aside, cost nothing)."""
    for row in session.new:
        if _is_watched(row):
            yield Change(row, "inserted", _columns(row))
    for row in session.dirty:
        if _is_watched(row):
            state = inspect(row)
            changed = frozenset(key for key in _columns(row) if state.attrs[key].history.has_changes())
            if changed:
                yield Change(row, "updated", changed)
    for row in session.deleted:
        if _is_watched(row):
            yield Change(row, "deleted", _columns(row))


def _is_watched(row: Any) -> bool:
    return any(isinstance(row, models) for models, _, _ in _watchers)


def _columns(row: Any) -> frozenset[str]:
    return frozenset(prop.key for prop in inspect(row).mapper.column_attrs)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush: UOWTransaction) -> None:
    state = _state(session)
    if state is None:
        return
    audited = [(row.id, row.action) for row in session.new if isinstance(row, AuditEvent) and row.id is not None]
    if state.first_audit is not None:
        audited.append(state.first_audit)
    if audited:
        state.first_audit = min(audited)
    for change in _changes(session):
        _watched(session, change)


def _watched(session: Session, change: Change) -> None:
    for models, topic, watcher in _watchers:
        if isinstance(change.row, models):
            mark(session, topic, watcher(change))


@event.listens_for(Session, "before_commit")
def _run_before_commit(session: Session) -> None:
    if session.in_nested_transaction() or _state(session) is None:
        return  # a savepoint released: the transaction goes on
    proxy = async_session(session)
    assert proxy is not None, "write sessions are async sessions"
    # The sync commit runs in SQLAlchemy's greenlet: the async steps are awaited from inside it.
    await_(settle(proxy))


@event.listens_for(Session, "after_transaction_end")
def _drop(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed or rolled back: a new transaction starts afresh
        session.info.pop(_STATE, None)
