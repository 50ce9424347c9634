"""The audit log anchored outside the rows it protects: a counter a DELETE does not rewind, signed
checkpoints kept in a file, and rows that must have their events. Emptying the log, or putting back
a head seen earlier, passes the hash chain alone; these catch it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

import models  # noqa: F401  (every table registered)
from models.enums import DepartmentLevel, Role
from models.registry import Department
from services.accounts.tokens import create_token
from services.platform import audit, audit_check, audit_checkpoints, audited
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from services.platform.transactions import run_change
from tests.conftest import ROOT, SECRET, DemoCity, make_client
from tests.support.admin import sign_in

HEAD_COLUMNS = ("last_event_id", "last_hash", "events", "seal", "numbered_from")


def _cli(url: str, *args: str, key: str = SECRET, checkpoints: Path | None = None) -> subprocess.CompletedProcess[str]:
    """manage.py as an operator runs it; `checkpoints` is JIANGUAN_AUDIT_CHECKPOINTS."""
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": key}
    env.pop("JIANGUAN_AUDIT_CHECKPOINTS", None)
    if checkpoints is not None:
        env["JIANGUAN_AUDIT_CHECKPOINTS"] = str(checkpoints)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


async def _examine(db: Database, checkpoints: Path | None = None) -> audit_check.Verdict:
    async with db.session(Principal.system()) as session:
        return await audit_check.examine(session, checkpoints)


async def _head(db: Database) -> dict[str, Any]:
    async with db.engine.connect() as connection:
        row = (await connection.execute(text(f"SELECT {', '.join(HEAD_COLUMNS)} FROM audit_head"))).one()
    return dict(row._mapping)


async def _new_token(db: Database, name: str) -> int:
    async def work(session: Any) -> int:
        token, _ = await create_token(session, "SCJG-210200", Role.DEPARTMENT, name)
        assert token.id is not None
        return token.id

    made, problems = await run_change(db, Principal.system("cli"), work)
    assert made is not None and not problems
    return made


async def _roll_back_to(db: Database, head: dict[str, Any]) -> None:
    """What someone with the database but not the key can do: delete the newer events and put the
    head row back as it was when they saw it (its seal was valid then)."""
    sets = ", ".join(f"{column} = :{column}" for column in HEAD_COLUMNS)
    async with db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": head["last_event_id"]})
        await connection.execute(text(f"UPDATE audit_head SET {sets}"), head)


async def test_a_clean_database_passes_with_its_checkpoints(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "elsewhere" / "audit-checkpoints.jsonl"
    first = _cli(database_url, "audit-checkpoint", "--out", str(checkpoints))
    assert first.returncode == 0, first.stderr
    assert "已写入检查点" in first.stdout
    await _new_token(db, "检查点之间")
    assert _cli(database_url, "audit-checkpoint", "--out", str(checkpoints)).returncode == 0
    assert len(checkpoints.read_text().splitlines()) == 2
    ok = _cli(database_url, "verify-audit", "--checkpoints", str(checkpoints))
    assert ok.returncode == 0, ok.stdout
    assert "审计日志完整" in ok.stdout and "与 2 个检查点一致" in ok.stdout
    verdict = await _examine(db, checkpoints)
    assert verdict.ok and verdict.problems == []


async def test_emptying_the_log_head_and_all_is_caught(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    assert _cli(database_url, "audit-checkpoint", "--out", str(checkpoints)).returncode == 0
    events = (await _head(db))["events"]
    async with db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_event"))
        await connection.execute(text("DELETE FROM audit_head"))
    verdict = await _examine(db, checkpoints)
    assert not verdict.chain.ok and verdict.chain.first_bad_id == 1
    assert "整个日志被删除" in (verdict.chain.reason or "")
    assert {row.object_type for row in verdict.unrecorded} >= {"ApiToken", "User", "Department"}
    assert any("已不在日志中" in problem for problem in verdict.checkpoint_problems)
    bad = _cli(database_url, "verify-audit")
    assert bad.returncode == 1
    assert f"事件 #1 至 #{events} 已由数据库编号，却不在日志中" in bad.stdout
    assert "行无审计记录：API 令牌（ApiToken）" in bad.stdout
    assert "已核对 0 个事件" not in bad.stdout


async def test_emptying_the_log_and_resetting_the_counter_is_still_caught(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    """Someone who knows of the counter resets it too: the rows and the checkpoint still tell."""
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    assert _cli(database_url, "audit-checkpoint", "--out", str(checkpoints)).returncode == 0
    reset = "DELETE FROM sqlite_sequence" if db.is_sqlite else "SELECT setval('audit_event_id_seq', 1, false)"
    async with db.engine.begin() as connection:
        await connection.execute(text("DELETE FROM audit_event"))
        await connection.execute(text("DELETE FROM audit_head"))
        await connection.execute(text(reset))
    verdict = await _examine(db, checkpoints)
    assert verdict.chain.ok  # nothing left to walk, nothing counted
    assert {row.object_type for row in verdict.unrecorded} >= {"ApiToken", "User"}
    assert any("日志被退回到更早的状态" in problem for problem in verdict.checkpoint_problems)
    assert _cli(database_url, "verify-audit", "--checkpoints", str(checkpoints)).returncode == 1


async def test_the_log_put_back_to_a_head_seen_earlier_is_caught(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    seen = await _head(db)
    token_id = await _new_token(db, "回退之后仍在")
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    assert _cli(database_url, "audit-checkpoint", "--out", str(checkpoints)).returncode == 0
    await _roll_back_to(db, seen)

    verdict = await _examine(db, checkpoints)
    # The counter: the token's event was numbered and is gone from the end.
    assert verdict.chain.first_bad_id == seen["last_event_id"] + 1
    assert "日志头被换回旧值" in (verdict.chain.reason or "")
    # The checkpoint taken after the token.
    assert any("已不在日志中" in problem for problem in verdict.checkpoint_problems)
    assert any("日志被退回到更早的状态" in problem for problem in verdict.checkpoint_problems)
    # The row: the token is still there, without its event.
    assert [(row.object_type, row.keys) for row in verdict.unrecorded] == [("ApiToken", [str(token_id)])]
    bad = _cli(database_url, "verify-audit", "--checkpoints", str(checkpoints))
    assert bad.returncode == 1
    assert f"行无审计记录：API 令牌（ApiToken）{token_id}" in bad.stdout
    assert "日志被退回到更早的状态" in bad.stdout


async def test_writing_on_from_a_head_put_back_still_shows_the_gap(db: Database, city: DemoCity) -> None:
    """The next change links its event to the head put back, so the chain is whole again; the
    numbers the deleted events took are still missing between them."""
    seen = await _head(db)
    await _new_token(db, "被抹去的令牌")
    await _roll_back_to(db, seen)
    await _new_token(db, "之后的令牌")
    verdict = await _examine(db)
    assert verdict.chain.first_bad_id == seen["last_event_id"] + 1
    assert "已由数据库编号，却不在日志中" in (verdict.chain.reason or "")
    assert [row.object_type for row in verdict.unrecorded] == ["ApiToken"]


async def test_a_checkpoint_signed_with_another_key_is_caught(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    forged = _cli(database_url, "audit-checkpoint", "--out", str(checkpoints), key="a-guessed-key")
    # The log's own hashes do not check out under the wrong key: no checkpoint is written with it.
    assert forged.returncode == 1 and not checkpoints.exists()
    async with db.session(Principal.system()) as session:
        good = await audit_checkpoints.take(session)
    # A checkpoint claiming the log went further than it did, signed with a guessed key.
    lie = audit_checkpoints.Checkpoint(good.event_id + 5, "f" * 64, good.events + 5, good.taken_at, "")
    resigned = audit_checkpoints.Checkpoint(
        **{**asdict(lie), "signature": audit.mac("a-guessed-key", lie.signed_text())}
    )
    audit_checkpoints.append(checkpoints, good)
    audit_checkpoints.append(checkpoints, resigned)
    verdict = await _examine(db, checkpoints)
    assert verdict.chain.ok and not verdict.unrecorded
    assert verdict.checkpoint_problems == [f"{resigned.shown}的签名不符：不是用本系统的密钥签的，或被改动过"]
    bad = _cli(database_url, "verify-audit", "--checkpoints", str(checkpoints))
    assert bad.returncode == 1 and "签名不符" in bad.stdout


async def test_a_revoked_token_without_its_revocation_event_is_named(db: Database, city: DemoCity) -> None:
    token_id = await _new_token(db, "悄悄撤销")
    async with db.engine.begin() as connection:
        await connection.execute(text("UPDATE api_token SET revoked_at = created_at WHERE id = :id"), {"id": token_id})
    verdict = await _examine(db)
    assert [row.message for row in verdict.unrecorded] == [f"行的“撤销”无审计记录：API 令牌（ApiToken）{token_id}"]


async def test_a_rolled_back_change_leaves_no_gap(db: Database, city: DemoCity) -> None:
    """A change that wrote its event and was then rolled back takes no number from the log
    (PostgreSQL's sequence would have kept it): the log still verifies."""
    session = await db.write_session(Principal.system("cli"))
    try:
        await create_token(session, "SCJG-210200", Role.DEPARTMENT, "回滚")
        await session.rollback()
    finally:
        await session.close()
    await _new_token(db, "提交")
    verdict = await _examine(db)
    assert verdict.ok, verdict.problems


async def test_a_row_rolled_back_to_its_savepoint_leaves_no_gap(db: Database, city: DemoCity) -> None:
    """As a batch import drops a bad row: its event goes with it, and the next row's takes its number."""
    session = await db.write_session(Principal.system("cli"))
    try:
        savepoint = await session.begin_nested()
        await create_token(session, "SCJG-210200", Role.DEPARTMENT, "坏行")
        await savepoint.rollback()
        await create_token(session, "SCJG-210200", Role.DEPARTMENT, "好行")
        await session.commit()
    finally:
        await session.close()
    verdict = await _examine(db)
    assert verdict.ok, verdict.problems


async def test_checking_while_changes_commit_finds_nothing_wrong(db: Database, city: DemoCity) -> None:
    """A check reads the head, the counter and the log's end between two changes, never half way
    through one: run-jobs checkpoints while the API writes."""

    async def write() -> None:
        for n in range(15):
            await _new_token(db, f"并发{n}")

    async def check() -> list[audit.ChainReport]:
        reports = []
        for _ in range(15):
            async with db.session(Principal.system()) as session:
                reports.append(await audit.verify_chain(session))
        return reports

    _, *checked = await asyncio.gather(write(), check(), check())
    assert [report for reports in checked for report in reports if not report.ok] == []


def test_every_table_is_audited_row_by_row_or_says_why_not() -> None:
    tables = {mapper.class_.__name__ for mapper in SQLModel._sa_registry.mappers}
    declared = {table.object_type for table in audited.AUDITED} | set(audited.UNAUDITED)
    assert tables - declared == set(), "declare the new table in services/platform/audited.py"
    assert declared - tables == set()
    assert not {table.object_type for table in audited.AUDITED} & set(audited.UNAUDITED)


async def test_the_audit_page_shows_the_latest_checkpoint_and_whether_the_log_agrees(
    db: Database, city: DemoCity, settings: Settings, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    with_file = replace(settings, audit_checkpoints=checkpoints)
    async with make_client(with_file, db) as client:
        await sign_in(client, "admin", city.report.logins[0].password)
        assert "尚无检查点" in (await client.get("/admin/audit-event/list")).text
        seen = await _head(db)
        await _new_token(db, "页面上的检查点")
        async with db.session(Principal.system()) as session:
            audit_checkpoints.append(checkpoints, await audit_checkpoints.take(session))
        page = (await client.get("/admin/audit-event/list")).text
        assert "与检查点一致" in page and f"事件 #{seen['last_event_id'] + 1}）" in page
        await _roll_back_to(db, seen)
        page = (await client.get("/admin/audit-event/list")).text
        assert "与检查点不符" in page and "日志被退回到更早的状态" in page
    async with make_client(settings, db) as client:
        await sign_in(client, "admin", city.report.logins[0].password)
        assert "未配置检查点" in (await client.get("/admin/audit-event/list")).text


async def test_run_jobs_appends_a_checkpoint_where_the_setting_says(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    for _ in range(2):
        done = _cli(database_url, "run-jobs", checkpoints=checkpoints)
        assert done.returncode == 0, done.stderr
        assert "已写入检查点" in done.stdout
    written = audit_checkpoints.read(checkpoints).checkpoints
    assert len(written) == 2 and written[-1].event_id == (await _head(db))["last_event_id"]
    verified = _cli(database_url, "verify-audit", checkpoints=checkpoints)
    assert verified.returncode == 0 and "与 2 个检查点一致" in verified.stdout


class _LateFailure(Exception):
    pass


def _fail_numbered_commits(session: Any) -> None:
    raise _LateFailure("另一个提交前的步骤失败")


async def test_a_commit_failed_by_a_later_listener_leaves_no_gap(db: Database, city: DemoCity) -> None:
    """A before_commit listener registered after audit's (say a follow-on step added later) fails the
    change: its events roll back, and the log does not then show their numbers as deleted."""
    event.listen(Session, "before_commit", _fail_numbered_commits)
    try:
        try:
            await _new_token(db, "提交失败")
        except _LateFailure:
            pass
        else:
            raise AssertionError("the change should have failed")
    finally:
        event.remove(Session, "before_commit", _fail_numbered_commits)
    verdict = await _examine(db)
    assert verdict.ok, verdict.problems
    await _new_token(db, "之后的修改")
    verdict = await _examine(db)
    assert verdict.ok, verdict.problems


def _add_a_taken_code(session: Any) -> None:
    session.add(Department(code="SCJG-210200", name="重复的部门", level=DepartmentLevel.CITY, region_code="210200"))


async def test_a_conflict_at_the_final_flush_leaves_no_gap(db: Database, city: DemoCity) -> None:
    """A row added by a step that runs as the change commits, with a unique key already taken, fails
    at the flush COMMIT makes and is answered CONFLICT: nothing is stored, and verify-audit does not
    report the change's event numbers as deleted."""

    async def work(session: Any) -> None:
        await create_token(session, "SCJG-210200", Role.DEPARTMENT, "冲突")

    event.listen(Session, "before_commit", _add_a_taken_code)
    try:
        made, problems = await run_change(db, Principal.system("cli"), work)
    finally:
        event.remove(Session, "before_commit", _add_a_taken_code)
    assert made is None and [problem.code for problem in problems] == ["CONFLICT"]
    verdict = await _examine(db)
    assert verdict.ok, verdict.problems


async def test_without_checkpoints_verify_audit_says_what_it_cannot_see(
    db: Database, city: DemoCity, database_url: str, tmp_path: Path
) -> None:
    """A registration cut from the log with its head put back and the counter rewound leaves no trace
    in the database (market entities are not checked row by row): verify-audit without checkpoints
    cannot see it and says so; the checkpoint taken after the registration catches it."""
    seen = await _head(db)

    async def register(session: Any) -> None:
        await audit.record(session, "entity.register", "MarketEntity", "91210200MA0000000X", None, {"name": "被抹去"})

    assert (await run_change(db, Principal.system("cli"), register))[1] == []
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    assert _cli(database_url, "audit-checkpoint", "--out", str(checkpoints)).returncode == 0
    await _roll_back_to(db, seen)
    rewind = (
        "UPDATE sqlite_sequence SET seq = :id WHERE name = 'audit_event'"
        if db.is_sqlite
        else "SELECT setval('audit_event_id_seq', :id)"
    )
    async with db.engine.begin() as connection:
        await connection.execute(text(rewind), {"id": seen["last_event_id"]})

    unchecked = _cli(database_url, "verify-audit")
    assert unchecked.returncode == 0, unchecked.stdout
    assert "审计日志完整" in unchecked.stdout
    assert "未配置审计检查点" in unchecked.stdout and "无法发现连同计数器一起的回退" in unchecked.stdout
    checked = _cli(database_url, "verify-audit", "--checkpoints", str(checkpoints))
    assert checked.returncode == 1
    assert "日志被退回到更早的状态" in checked.stdout
    assert "未配置审计检查点" not in checked.stdout
