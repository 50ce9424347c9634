"""services.platform.checks: one behaviour, code and message for what people type or send, at
its edges; and, over the API, paths that used to let a damaged text through now refuse it with
the shared code and store nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, func, select

from models import Department, MarketEntity, Referral
from services.platform import checks
from services.platform.db import Database
from services.platform.errors import Collector
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.api import error_codes
from tests.support.audit import audit_count
from tests.support.entities import REGISTER, REGISTER_FOR_NOTICES, new_code, registration
from tests.support.referrals import SEND

Check = Callable[[Collector], Any]
DAY = date(2026, 5, 1)


def _text(value: str | None, required: bool = True) -> Check:
    return lambda problems: checks.text(value, "名称", "name", problems, limit=4, required=required)


# (what is checked, the value it returns, the codes it reports)
CASES: list[tuple[str, Check, Any, list[str]]] = [
    ("trimmed, full-width spaces too", _text("\u3000 名称 \n"), "名称", []),
    ("exactly at the limit", _text("一二三四"), "一二三四", []),
    ("one past the limit", _text("一二三四五"), "一二三四五", ["TOO_LONG"]),
    ("blank", _text("   "), "", ["REQUIRED"]),
    ("None", _text(None), "", ["REQUIRED"]),
    ("blank but optional", _text(" ", required=False), "", []),
    ("NUL, removed from what comes back", _text("名\x00称"), "名称", ["INVALID_TEXT"]),
    ("only a NUL: damaged, and blank without it", _text("\x00"), "", ["INVALID_TEXT", "REQUIRED"]),
    ("another control character", _text("名\x1b称"), "名称", ["INVALID_TEXT"]),
    ("DEL", _text("名\x7f"), "名", ["INVALID_TEXT"]),
    ("half a surrogate pair", _text("名\ud800"), "名", ["INVALID_TEXT"]),
    ("line breaks and tabs belong in text", _text("一\n\t二"), "一\n\t二", []),
    ("damaged even when optional", _text("\x00x", required=False), "x", ["INVALID_TEXT"]),
    ("damaged and too long, judged without the NUL", _text("一二\x00三四五"), "一二三四五",
     ["INVALID_TEXT", "TOO_LONG"]),
    ("damaged, at the limit without the NUL", _text("一二\x00三四"), "一二三四", ["INVALID_TEXT"]),
    (
        "optional blank is None",
        lambda p: checks.optional_text("  ", "说明", "note", p, limit=10),
        None,
        [],
    ),
    (
        "REQUIRED carries its hint",
        lambda p: checks.text("", "版本名称", "name", p, limit=32, hint="（如“2026版”）"),
        "",
        ["REQUIRED"],
    ),
    (
        "the older NAME_REQUIRED code where integrators were promised it",
        lambda p: checks.text(" ", "名称", "name", p, limit=64, missing_code="NAME_REQUIRED"),
        "",
        ["NAME_REQUIRED"],
    ),
    # document numbers: one line of at most 128 characters
    ("document number", lambda p: checks.document_number(" 中市监罚〔2026〕1 号 ", "文号", "d", p),
     "中市监罚〔2026〕1 号", []),
    ("document number at 128", lambda p: checks.document_number("号" * 128, "文号", "d", p), "号" * 128, []),
    ("document number at 129", lambda p: checks.document_number("号" * 129, "文号", "d", p), "号" * 129, ["TOO_LONG"]),
    ("document number on two lines", lambda p: checks.document_number("1 号\n2 号", "文号", "d", p), "1 号\n2 号",
     ["INVALID_DOCUMENT_NUMBER"]),
    ("document number with a tab", lambda p: checks.document_number("1\t号", "文号", "d", p), "1\t号",
     ["INVALID_DOCUMENT_NUMBER"]),
    ("document number with NUL", lambda p: checks.document_number("1\x00号", "文号", "d", p), "1号",
     ["INVALID_TEXT"]),
    ("document number optional", lambda p: checks.document_number(" ", "文号", "d", p, required=False), "", []),
    # codes
    ("region code", lambda p: checks.code(" 210202 ", checks.REGION_CODE, "code", p), "210202", []),
    ("region code starting 0", lambda p: checks.code("010202", checks.REGION_CODE, "code", p), "010202",
     ["INVALID_REGION_CODE"]),
    ("region code of 7 digits", lambda p: checks.code("2102021", checks.REGION_CODE, "code", p), "2102021",
     ["INVALID_REGION_CODE"]),
    ("department code", lambda p: checks.code("SCJG-210202", checks.DEPARTMENT_CODE, "code", p), "SCJG-210202", []),
    ("department code with a dot", lambda p: checks.code("SCJG.1", checks.DEPARTMENT_CODE, "code", p), "SCJG.1",
     ["INVALID_DEPARTMENT_CODE"]),
    ("department code with NUL", lambda p: checks.code("SC\x00JG", checks.DEPARTMENT_CODE, "code", p), "SC\x00JG",
     ["INVALID_DEPARTMENT_CODE"]),
    ("department code of 1", lambda p: checks.code("S", checks.DEPARTMENT_CODE, "code", p), "S",
     ["INVALID_DEPARTMENT_CODE"]),
    ("matter code of 32", lambda p: checks.code("A" * 32, checks.MATTER_CODE, "code", p), "A" * 32, []),
    ("matter code of 33", lambda p: checks.code("A" * 33, checks.MATTER_CODE, "code", p), "A" * 33,
     ["INVALID_MATTER_CODE"]),
    ("measure code with a space", lambda p: checks.code("有 空格", checks.MEASURE_CODE, "code", p), "有 空格",
     ["INVALID_MEASURE_CODE"]),
    ("industry code in capitals", lambda p: checks.code(" i6510 ", checks.INDUSTRY_CODE, "i", p), "I6510", []),
    ("industry section alone", lambda p: checks.code("H", checks.INDUSTRY_CODE, "i", p), "H", []),
    ("industry code in Arabic-Indic digits", lambda p: checks.code("C١٣", checks.INDUSTRY_CODE, "i", p), "C١٣",
     ["INVALID_INDUSTRY_CODE"]),
    ("region code in full-width digits", lambda p: checks.code("２１０２０２", checks.REGION_CODE, "code", p),
     "２１０２０２", ["INVALID_REGION_CODE"]),
    ("industry code of 5 digits", lambda p: checks.code("H12345", checks.INDUSTRY_CODE, "i", p), "H12345",
     ["INVALID_INDUSTRY_CODE"]),
    ("industry section U", lambda p: checks.code("U01", checks.INDUSTRY_CODE, "i", p), "U01",
     ["INVALID_INDUSTRY_CODE"]),
    ("line code", lambda p: checks.code("wj", checks.LINE_CODE, "line", p), "WJ", []),
    ("entry codes, blanks and repeats dropped",
     lambda p: checks.codes(["1012", " ", "1012", "30.01"], checks.ENTRY_CODE, "e", p, 4), ["1012", "30.01"], []),
    ("entry codes over the limit as sent", lambda p: checks.codes(["1", "1", "1"], checks.ENTRY_CODE, "e", p, 2),
     ["1"], ["INVALID_ENTRY_CODE"]),
    ("industry codes: one problem for the list",
     lambda p: checks.codes(["h61", "X1", "Y2"], checks.INDUSTRY_CODE, "i", p), ["H61", "X1", "Y2"],
     ["INVALID_INDUSTRY_CODE"]),
    # dates
    ("a date as written", lambda p: checks.day(" 2026-01-05 ", "决定日期", "d", p), date(2026, 1, 5), []),
    ("with slashes", lambda p: checks.day("2026/1/5", "决定日期", "d", p), date(2026, 1, 5), []),
    ("in Chinese", lambda p: checks.day("2026年1月5日", "决定日期", "d", p), date(2026, 1, 5), []),
    ("compact", lambda p: checks.day("20260105", "决定日期", "d", p), date(2026, 1, 5), []),
    ("with a time", lambda p: checks.day("2026-01-05 08:30:00", "决定日期", "d", p), date(2026, 1, 5), []),
    ("an Excel day number", lambda p: checks.day("46027", "决定日期", "d", p), date(2026, 1, 5), []),
    ("a day that does not exist", lambda p: checks.day("2026-02-30", "决定日期", "d", p), None, ["INVALID_DATE"]),
    ("not a date", lambda p: checks.day("明天", "决定日期", "d", p), None, ["INVALID_DATE"]),
    ("a blank date", lambda p: checks.day(" ", "决定日期", "d", p), None, ["REQUIRED"]),
    # Digits of other scripts are not ASCII digits (re's \d takes them, and int() reads them)
    ("a date in Arabic-Indic digits", lambda p: checks.day("٢٠٢٦-٠١-٠٥", "决定日期", "d", p), None, ["INVALID_DATE"]),
    ("a compact date in full-width digits", lambda p: checks.day("２０２６０１０５", "决定日期", "d", p), None,
     ["INVALID_DATE"]),
    ("an Excel day number in Devanagari", lambda p: checks.day("४६०२७", "决定日期", "d", p), None, ["INVALID_DATE"]),
    ("a blank optional date", lambda p: checks.day("", "决定日期", "d", p, required=False), None, []),
    ("today is not the future", lambda p: checks.not_future(DAY, "决定日期", "d", p, on=DAY), True, []),
    ("tomorrow is", lambda p: checks.not_future(date(2026, 5, 2), "决定日期", "d", p, on=DAY), False,
     ["DATE_IN_FUTURE"]),
    ("a range of one day", lambda p: checks.not_before(DAY, DAY, "至", "自", "to", p), True, []),
    ("a range backwards", lambda p: checks.not_before(date(2026, 4, 30), DAY, "至", "自", "to", p), False,
     ["INVALID_RANGE"]),
    # amounts, in yuan
    ("blank amount", lambda p: checks.amount("  ", "罚款金额", "f", p), None, []),
    ("amount to the fen", lambda p: checks.amount("50000", "罚款金额", "f", p), Decimal("50000.00"), []),
    ("thousands separators", lambda p: checks.amount("1,000,000.5", "罚款金额", "f", p), Decimal("1000000.50"), []),
    ("zero", lambda p: checks.amount("0", "罚款金额", "f", p), Decimal("0.00"), []),
    ("negative", lambda p: checks.amount("-1", "罚款金额", "f", p), None, ["INVALID_AMOUNT"]),
    ("three places", lambda p: checks.amount("1.001", "罚款金额", "f", p), None, ["INVALID_AMOUNT"]),
    ("not a number", lambda p: checks.amount("一百万", "罚款金额", "f", p), None, ["INVALID_AMOUNT"]),
    ("infinity", lambda p: checks.amount("Infinity", "罚款金额", "f", p), None, ["INVALID_AMOUNT"]),
    ("just below 10^15", lambda p: checks.amount("999999999999999.99", "罚款金额", "f", p),
     Decimal("999999999999999.99"), []),
    ("10^15", lambda p: checks.amount("1000000000000000", "罚款金额", "f", p), None, ["AMOUNT_TOO_LARGE"]),
]  # fmt: skip


@pytest.mark.parametrize(("check", "returned", "codes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_checks_at_their_edges(check: Check, returned: Any, codes: list[str]) -> None:
    problems = Collector()
    assert check(problems) == returned
    assert [p.code for p in problems.problems] == codes
    # Every problem speaks Chinese to the person and names the field.
    assert all(p.message and p.field for p in problems.problems)


def test_one_message_per_code_names_the_field_label() -> None:
    problems = Collector()
    checks.text("", "违法事实", "facts", problems, limit=10)
    checks.text("x" * 11, "违法事实", "facts", problems, limit=10)
    checks.text("\x00", "违法事实", "facts", problems, limit=10)
    checks.not_future(date(2026, 5, 2), "处罚决定日期", "decisionDate", problems, on=DAY)
    checks.not_before(date(2026, 4, 30), DAY, "有效期至", "有效期自", "validTo", problems)
    assert [p.message for p in problems.problems] == [
        "违法事实不能为空",
        "违法事实最多 10 个字符",
        "违法事实含有空字符 U+0000，请检查后重新填写",
        "违法事实不能为空",
        "处罚决定日期（2026-05-02）不能晚于今天",
        "有效期至不能早于有效期自（2026-05-01）",
    ]


# -- over the API: paths that used to store a damaged text -----------------------------------


async def test_register_entity_refuses_control_characters_and_stores_nothing(
    api: Api, city: DemoCity, db: Database
) -> None:
    events = await audit_count(db)
    code = new_code(body="MA0CHK01")
    bad = registration(uscc=code, name="大连\x00海韵餐饮管理有限公司", address="中山区\ud800人民路 1 号")
    # Half a surrogate pair travels in JSON as an escape (backslash-u d800); UTF-8 cannot carry it.
    body = json.dumps({"query": REGISTER, "variables": {"input": bad}})
    headers = {"Authorization": f"Bearer {city.tokens['district']}", "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=body, headers=headers)
    payload = response.json()["data"]["registerEntity"]
    assert payload["entity"] is None
    assert error_codes(payload) == {("name", "INVALID_TEXT"), ("address", "INVALID_TEXT")}
    assert "名称含有空字符" in next(e["message"] for e in payload["errors"] if e["field"] == "name")
    # A person's title too (it used to go unchecked, and PostgreSQL refused one over 64 characters).
    person = {"name": "刘志强", "role": "EXECUTIVE", "title": "监" * 65}
    long_title = registration(uscc=code, persons=[person])
    payload = (await api.data(REGISTER, {"input": long_title}, city.tokens["district"]))["registerEntity"]
    assert error_codes(payload) == {("persons.0.title", "TOO_LONG")}
    async with db.session(Principal.system()) as session:
        stored = await session.scalar(select(func.count()).where(col(MarketEntity.uscc) == code))
    assert stored == 0 and await audit_count(db) == events


RETURN = """
mutation($id: ID!, $r: String!) { returnNotice(id: $id, reason: $r) { notice { id } errors { field code } } }
"""
NOTICE = "query($u: String!) { entity(uscc: $u) { notices { id status note } } }"


async def test_desk_texts_refuse_control_characters_and_store_nothing(api: Api, city: DemoCity, db: Database) -> None:
    uscc, token = city.zhongshan_without_records[2], city.tokens["district"]
    # A reason for returning a notice used to be stored whatever it held.
    code = new_code(body="MA0CHK02")
    data = registration(uscc=code, persons=[], businessScope="食品销售；餐饮服务")
    registered = (await api.data(REGISTER_FOR_NOTICES, {"input": data}, token))["registerEntity"]
    notice = next(n["id"] for n in registered["notices"] if n["matter"]["code"] == "SP-CY")
    events, referrals = await audit_count(db), await _referrals(db)
    for message in ("请核查\x00该主体", "请核查\x1b[31m该主体", "查\x00" + "查" * 1999):
        data = {"uscc": uscc, "toDepartmentCode": "WJ-210202", "reason": "INSPECTION_FINDING", "message": message}
        payload = (await api.data(SEND, {"i": data}, token))["sendReferral"]
        assert payload["referral"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("message", "INVALID_TEXT")]
    returned = (await api.data(RETURN, {"id": notice, "r": "非本部门\x00事项"}, token))["returnNotice"]
    assert returned == {"notice": None, "errors": [{"field": "reason", "code": "INVALID_TEXT"}]}
    entity = (await api.data(NOTICE, {"u": code}, city.tokens["maintainer"]))["entity"]
    assert {"id": notice, "status": "PUSHED", "note": None} in entity["notices"]
    assert await _referrals(db) == referrals and await audit_count(db) == events


async def _referrals(db: Database) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count(col(Referral.id)))) or 0)


# -- an admin form: the same check, its message beside the field ------------------------------------------


async def test_an_admin_form_gives_the_shared_message_and_stores_nothing(
    api: Api, city: DemoCity, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    events = await audit_count(db)
    # A department's name used to be stored whatever it held.
    form = {
        "code": "WJ-CHK",
        "name": "大连市\x00卫生健康委员会",
        "level": "CITY",
        "region_code": "210200",
        "line": "wj",
    }
    bad = await client.post(
        "/admin/department/create", data={**form, "csrftoken": await csrf(client, "/admin/department/create")}
    )
    assert bad.status_code != 303 and "名称含有空字符 U+0000" in bad.text
    async with db.session(Principal.system()) as session:
        assert await session.scalar(select(func.count()).where(col(Department.code) == "WJ-CHK")) == 0
    assert await audit_count(db) == events
