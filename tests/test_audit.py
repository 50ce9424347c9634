"""The audit log: one event per change, in the same transaction, chained by hash."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from sqlalchemy import func, text
from sqlmodel import col, select

from models import AuditEvent
from services.platform import audit
from services.platform.db import Database, secret_key_of
from services.platform.principal import Principal
from tests.conftest import ROOT, SECRET, Api, DemoCity
from tests.support.audit import audit_count
from tests.support.entities import REGISTER, new_code, registration


async def _verify(db: Database) -> audit.ChainReport:
    async with db.session(Principal.system()) as session:
        return await audit.verify_chain(session)


async def _ids(db: Database) -> list[int]:
    async with db.session(Principal.system()) as session:
        return [i for i in (await session.scalars(select(col(AuditEvent.id)).order_by(col(AuditEvent.id)))).all() if i]


def _verify_cli(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    return subprocess.run(
        [sys.executable, "manage.py", "verify-audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


async def test_the_seeded_chain_verifies(db: Database, city: DemoCity) -> None:
    report = await _verify(db)
    assert report.ok and report.checked == await audit_count(db) > 100


async def test_an_edited_event_is_named_by_verify_audit(db: Database, city: DemoCity, database_url: str) -> None:
    ok = _verify_cli(database_url)
    assert ok.returncode == 0 and "审计日志完整" in ok.stdout
    ids = await _ids(db)
    victim = ids[len(ids) // 2]
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE id = :id"), {"id": victim})
    report = await _verify(db)
    assert report.first_bad_id == victim and "修改" in (report.reason or "")
    bad = _verify_cli(database_url)
    assert bad.returncode == 1
    assert f"事件 #{victim}" in bad.stdout


async def test_a_removed_event_is_caught_at_the_next_one(db: Database, city: DemoCity) -> None:
    ids = await _ids(db)
    victim = ids[10]
    async with db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": victim})
    report = await _verify(db)
    assert report.first_bad_id == ids[11]


async def test_a_failed_change_leaves_no_event(api: Api, city: DemoCity, db: Database) -> None:
    before = await audit_count(db)
    payload = (await api.data(REGISTER, {"input": registration(regionCode="000000")}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert payload["errors"]
    assert await audit_count(db) == before


async def test_concurrent_changes_keep_one_unbroken_chain(api: Api, city: DemoCity, db: Database) -> None:
    before = await audit_count(db)
    bodies = [f"MA0QW{n:03d}" for n in range(12)]
    results = await asyncio.gather(
        *(
            api.data(
                REGISTER,
                {"input": registration(uscc=new_code(body=b), name=f"大连并发测试{b}有限公司")},
                city.tokens["district"],
            )
            for b in bodies
        )
    )
    assert all(r["registerEntity"]["errors"] == [] for r in results)
    # Each registration writes two events: the entity, and the notices it pushed.
    assert await audit_count(db) == before + 24
    report = await _verify(db)
    assert report.ok, report
    async with db.session(Principal.system()) as session:
        distinct = await session.scalar(select(func.count(func.distinct(col(AuditEvent.prev_hash)))))
    assert distinct == before + 24


async def test_removing_the_newest_events_is_caught(db: Database, city: DemoCity, database_url: str) -> None:
    ids = await _ids(db)
    async with db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[-2]})
    report = await _verify(db)
    assert report.first_bad_id == ids[-1] and "末尾缺失" in (report.reason or "")
    assert _verify_cli(database_url).returncode == 1


async def test_a_rewritten_chain_without_the_key_is_caught(db: Database, city: DemoCity) -> None:
    """Edit an event and recompute every hash after it, as someone with database
    access but without JIANGUAN_SECRET_KEY would: the keyed hashes do not match."""
    ids = await _ids(db)
    victim = ids[len(ids) // 2]
    async with db.session(Principal.system()) as session:
        events = (await session.scalars(select(AuditEvent).where(col(AuditEvent.id) >= victim))).all()
    forger = Database(db.url.render_as_string(hide_password=False), "a-guessed-key")
    prev = events[0].prev_hash
    async with db.engine.begin() as connection:
        for event in events:
            event.prev_hash = prev
            if event.id == victim:
                event.actor = "someone else"
            async with forger.session(Principal.system()) as forged:
                event.hash = audit._digest(secret_key_of(forged), event)
            await connection.execute(
                text("UPDATE audit_event SET actor = :a, prev_hash = :p, hash = :h WHERE id = :id"),
                {"a": event.actor, "p": event.prev_hash, "h": event.hash, "id": event.id},
            )
            prev = event.hash
    await forger.dispose()
    report = await _verify(db)
    assert report.first_bad_id == victim


async def test_an_edited_head_is_caught(db: Database, city: DemoCity) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE audit_head SET events = events - 1"))
    report = await _verify(db)
    assert not report.ok and "日志头" in (report.reason or "")
