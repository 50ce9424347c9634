"""Signed checkpoints of the audit log's head, kept outside the database.

Whoever can write the database can put back a head row seen earlier (its seal was valid then) and
delete what came after it, or empty the log: the rows cannot vouch for themselves. A checkpoint
(the head's event number and hash, how many events, when; signed with the secret key) appended
to a file the operators keep elsewhere says how far the log had come: the log must still hold
every checkpointed event with the same hash, and reach at least the latest. One JSON object a
line, oldest first; a line is only ever appended.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEvent, AuditHead
from models.types import utcnow
from services.platform import audit
from services.platform.db import secret_key_of


@dataclass(frozen=True)
class Checkpoint:
    event_id: int
    hash: str
    events: int
    taken_at: str  # ISO 8601, UTC
    signature: str

    def signed_text(self) -> str:
        return f"checkpoint:{self.event_id}:{self.hash}:{self.events}:{self.taken_at}"

    @property
    def shown(self) -> str:
        return f"检查点（{self.taken_at[:19].replace('T', ' ')} UTC，事件 #{self.event_id}）"


class CheckpointRefused(Exception):
    """The log is not whole now: a checkpoint would vouch for what is wrong."""


def _signed(key: str, event_id: int, hash_: str, events: int, taken_at: datetime) -> Checkpoint:
    unsigned = Checkpoint(event_id, hash_, events, taken_at.isoformat(), "")
    return Checkpoint(**{**asdict(unsigned), "signature": audit.mac(key, unsigned.signed_text())})


async def take(session: AsyncSession) -> Checkpoint:
    """The head as it stands, signed, after the whole log checks out (else CheckpointRefused)."""
    report = await audit.verify_chain(session)
    if not report.ok:
        raise CheckpointRefused(f"审计日志被篡改：事件 #{report.first_bad_id} {report.reason}，不写检查点")
    head = report.head  # as checked: a change committed since is the next checkpoint's
    if head is None:
        raise CheckpointRefused("审计日志还没有事件，无需检查点")
    return _signed(secret_key_of(session), head.last_event_id, head.last_hash, head.events, utcnow())


def append(path: Path, checkpoint: Checkpoint) -> None:
    """One line more, on disk before this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(asdict(checkpoint), ensure_ascii=False) + "\n")
        file.flush()
        os.fsync(file.fileno())


@dataclass(frozen=True)
class Read:
    checkpoints: list[Checkpoint]
    problems: list[str]  # lines that are not checkpoints


def read(path: Path) -> Read:
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            checkpoints.append(
                Checkpoint(
                    int(fields["event_id"]),
                    str(fields["hash"]),
                    int(fields["events"]),
                    str(fields["taken_at"]),
                    str(fields["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件 {path} 第 {number} 行不是检查点")
    return Read(checkpoints, problems)


def _read_if_present(path: Path) -> Read | None:
    return read(path) if path.is_file() else None


async def disagreements(session: AsyncSession, checkpoints: list[Checkpoint], key: str | None = None) -> list[str]:
    """What the log says otherwise than the checkpoints, in Chinese; empty when it agrees. `key`
    is the secret key, when the session is not a Database's own (the admin's request session)."""
    key = key or secret_key_of(session)
    problems: list[str] = []
    for checkpoint in checkpoints:
        if audit.mac(key, checkpoint.signed_text()) != checkpoint.signature:
            problems.append(f"{checkpoint.shown}的签名不符：不是用本系统的密钥签的，或被改动过")
            continue
        event = await session.get(AuditEvent, checkpoint.event_id)
        if event is None:
            problems.append(f"{checkpoint.shown}记录的事件 #{checkpoint.event_id} 已不在日志中（日志被删除或退回）")
        elif event.hash != checkpoint.hash:
            problems.append(f"{checkpoint.shown}记录的事件 #{checkpoint.event_id} 的哈希与日志中的不同（日志被改写）")
    signed = [c for c in checkpoints if audit.mac(key, c.signed_text()) == c.signature]
    if signed:
        latest = max(signed, key=lambda c: c.event_id)
        head = await session.get(AuditHead, 1)
        if head is None or head.last_event_id < latest.event_id or head.events < latest.events:
            now = f"停在事件 #{head.last_event_id}，共 {head.events} 个" if head else "已不存在"
            problems.append(f"日志头{now}，而最新的{latest.shown}时已有 {latest.events} 个事件：日志被退回到更早的状态")
    return problems


@dataclass(frozen=True)
class Standing:
    """The latest checkpoint and whether the log agrees with it, for the audit page."""

    path: Path | None  # None: no checkpoint file is configured
    latest: Checkpoint | None
    problems: list[str]


async def standing(session: AsyncSession, path: Path | None, key: str) -> Standing:
    """Only the latest checkpoint is held against the log here (a lookup or two, fit for a page);
    verify-audit checks every one, and the chain itself."""
    found = await asyncio.to_thread(_read_if_present, path) if path is not None else None
    if found is None:
        return Standing(path, None, [])
    if not found.checkpoints:
        return Standing(path, None, found.problems)
    latest = found.checkpoints[-1]
    return Standing(path, latest, found.problems + await disagreements(session, [latest], key))
