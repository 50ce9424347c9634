"""Signing in and out of the admin is audited (等保), and what the login page says never
tells an account from none, not even once it is locked."""

from __future__ import annotations

import html
import json
import re

import httpx
from sqlmodel import col, select

from models import AuditEvent
from services.accounts.lockout import MAX_FAILED_LOGINS
from services.accounts.sign_in import unknown_name_label
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, sign_in, staff_password
from tests.support.audit import last_audit
from tests.support.cli import manage

ERROR = re.compile(r'<div class="alert-description">\s*(.*?)\s*</div>', re.S)


def said(page: httpx.Response) -> str:
    found = ERROR.search(page.text)
    assert found, "the login page shows no message"
    return html.unescape(found.group(1))


async def _events(db: Database, action: str, object_id: str) -> list[AuditEvent]:
    async with db.session(Principal.system()) as session:
        query = select(AuditEvent).where(col(AuditEvent.action) == action, col(AuditEvent.object_id) == object_id)
        return list((await session.scalars(query.order_by(col(AuditEvent.id)))).all())


async def test_a_sign_in_and_a_sign_out_are_recorded_as_the_user(
    api: Api, city: DemoCity, db: Database, database_url: str
) -> None:
    client = api.client
    home = await sign_in(client, "scjg-210202", staff_password(city))
    assert home.status_code == 200
    event = await last_audit(db, "user.signed_in")
    assert (event.object_type, event.object_id, event.actor, event.actor_kind, event.department_code) == (
        "User", "scjg-210202", "scjg-210202", "DEPARTMENT", "SCJG-210202"
    )  # fmt: skip
    assert event.after == {"client": "127.0.0.1"}
    await client.post("/admin/logout", data={"csrftoken": await csrf(client, "/admin/")})
    event = await last_audit(db)
    assert (event.action, event.object_id, event.actor, event.department_code) == (
        "user.signed_out", "scjg-210202", "scjg-210202", "SCJG-210202"
    )  # fmt: skip
    assert (await client.get("/admin/")).status_code in (302, 303)
    # The chain still verifies with the new kinds of event in it.
    verified = manage(database_url, "verify-audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr


async def test_a_failed_sign_in_records_the_name_tried_and_the_address_never_the_password(
    api: Api, city: DemoCity, db: Database
) -> None:
    wrong = await sign_in(api.client, "admin", "guess-number-one")
    unknown = await sign_in(api.client, "no-such-person", "guess-number-two")
    assert said(wrong) == said(unknown) == "用户名或密码错误"
    [failed] = await _events(db, "user.sign_in_failed", "admin")
    assert failed.after == {"username": "admin", "client": "127.0.0.1", "reason": "WRONG_PASSWORD"}
    assert failed.actor_kind == "SYSTEM" and failed.actor == "sign-in"
    # A name with no account is kept only as a keyed hash: it may be a password typed in the wrong box.
    hashed = unknown_name_label(db.secret_key, "no-such-person")
    [nameless] = await _events(db, "user.sign_in_failed", hashed)
    assert nameless.after == {"username": hashed, "client": "127.0.0.1", "reason": "UNKNOWN_USER"}
    for event in (failed, nameless):
        assert "guess-number" not in json.dumps([event.before, event.after], ensure_ascii=False)
    assert await _events(db, "user.sign_in_failed", "no-such-person") == []


async def test_an_account_and_a_name_without_one_lock_alike(settings: Settings, db: Database, city: DemoCity) -> None:
    """Attempt by attempt, a real account and an unknown name get the same words back, through
    the lock-out and while it lasts, even when the account's right password is tried."""
    answers: dict[str, list[str]] = {}
    for username in ("admin", "nobody-at-all"):
        async with make_client(settings, db) as client:
            tries = [said(await sign_in(client, username, f"wrong-{n}")) for n in range(MAX_FAILED_LOGINS + 1)]
            tries.append(said(await sign_in(client, username, city.report.logins[0].password)))
        answers[username] = tries
    assert answers["admin"] == answers["nobody-at-all"]
    wrong = ["用户名或密码错误"] * (MAX_FAILED_LOGINS - 1)
    # The first wait (FIRST_WAIT, said in minutes): started by a checked guess, then refusing unchecked ones.
    started = ["用户名或密码错误；失败次数过多，请 1 分钟后再试"]
    locked = ["登录失败次数过多，账户已锁定，请 1 分钟后再试"] * 2
    assert answers["admin"] == wrong + started + locked
    # Both lock-outs are in the log, for the maintainers; which name had an account is said there only.
    [account] = await _events(db, "user.locked", "admin")
    [nameless] = await _events(db, "user.locked", unknown_name_label(db.secret_key, "nobody-at-all"))
    assert account.after is not None and account.after["account_exists"] is True
    assert nameless.after is not None and nameless.after["account_exists"] is False
    refused = await _events(db, "user.sign_in_failed", "admin")
    assert [e.after["reason"] for e in refused if e.after] == ["WRONG_PASSWORD"] * MAX_FAILED_LOGINS + ["LOCKED"] * 2
