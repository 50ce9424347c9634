"""One text rule for every input (issue 15): control, format and surrogate characters, line breaks
in one-line fields, junk codes and impossible dates are refused with a stable code wherever text
comes in (every mutation, every admin form, every import row), and nothing is stored;
`manage.py check-text` finds what was stored before the rule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from models import CalendarDay, Department, MarketEntity, Region, SupervisionMatter
from schema import schema as live_schema
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.text_columns import multiline
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.api import error_codes
from tests.support.audit import audit_count
from tests.support.catalog import UPSERT as UPSERT_MATTER
from tests.support.catalog import matter
from tests.support.cli import manage
from tests.support.entities import REGISTER, new_code, registration
from tests.support.record_files import write_csv

ENTITY = "query($u: String!) { entity(uscc: $u) { name businessScope } }"
PUBLICITY = "query($u: String!) { publicity(uscc: $u) { name } }"
DEPARTMENT = """
mutation($i: UpsertDepartmentInput!) {
  upsertDepartment(input: $i) { department { code name } errors { field code message } }
}
"""
REGION = (
    "mutation($i: UpsertRegionInput!) { upsertRegion(input: $i) { region { code } errors { field code message } } }"
)
DAYS = """
mutation($days: [CalendarDayInput!]!) {
  setCalendarDays(input: {days: $days}) { days { date } errors { field code message } }
}
"""


async def _send(api: Api, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """A request as a client's JSON encoder writes it: a lone surrogate travels as an escape."""
    body = json.dumps({"query": document, "variables": variables})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _count(db: Database, model: Any, *where: Any) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# -- registerEntity: the cases of the issue -------------------------------------------------------


async def test_a_name_with_nul_rlo_bell_or_a_line_break_is_refused_and_nothing_is_stored(
    api: Api, city: DemoCity, db: Database
) -> None:
    events = await audit_count(db)
    code = new_code(body="MA0TXT01")
    for name in ("探针\u0000公司", "a\u202eb\u0007c\r\nd", "探针\u202e公司", "探针\r\n公司", "探针\u200b公司"):
        payload = (await _send(api, REGISTER, {"input": registration(uscc=code, name=name)}, city.tokens["district"]))[
            "data"
        ]["registerEntity"]
        assert payload["entity"] is None, name
        assert error_codes(payload) == {("name", "INVALID_TEXT")}, name
        message = payload["errors"][0]["message"]
        assert message.startswith("名称含有") and ("U+" in message or "只能填一行" in message), message
    assert await _count(db, MarketEntity, col(MarketEntity.uscc) == code) == 0
    assert await audit_count(db) == events
    # Anonymous publicity has nothing to serve.
    assert (await api.data(PUBLICITY, {"u": code}))["publicity"] is None


async def test_running_text_keeps_its_line_breaks_and_every_value_is_stored_as_nfc(
    api: Api, city: DemoCity, db: Database
) -> None:
    code = new_code(body="MA0TXT02")
    given = registration(uscc=code, name="  Cafe\u0301餐饮有限公司 ", businessScope="餐饮服务；\r\n食品销售\r\n")
    payload = (await api.data(REGISTER, {"input": given}, city.tokens["district"]))["registerEntity"]
    assert payload["errors"] == []
    shown = (await api.data(ENTITY, {"u": code}, city.tokens["district"]))["entity"]
    assert shown == {"name": "Caf\u00e9餐饮有限公司", "businessScope": "餐饮服务；\n食品销售"}


async def test_an_establishment_date_of_year_one_or_before_1949_is_out_of_range(
    api: Api, city: DemoCity, db: Database
) -> None:
    code = new_code(body="MA0TXT03")
    for day in ("0001-01-01", "1900-01-01", "1949-09-30"):
        given = registration(uscc=code, establishedOn=day)
        payload = (await api.data(REGISTER, {"input": given}, city.tokens["district"]))["registerEntity"]
        assert error_codes(payload) == {("establishedOn", "DATE_OUT_OF_RANGE")}, day
        assert "超出合理范围" in payload["errors"][0]["message"]
    assert await _count(db, MarketEntity, col(MarketEntity.uscc) == code) == 0
    # The founding day itself is a real establishment date.
    payload = (
        await api.data(
            REGISTER, {"input": registration(uscc=code, establishedOn="1949-10-01")}, city.tokens["district"]
        )
    )["registerEntity"]
    assert payload["errors"] == []


# -- the maintainers' catalogs ------------------------------------------------------------------


async def test_catalogs_refuse_junk_codes_and_names_with_control_characters(
    api: Api, city: DemoCity, db: Database
) -> None:
    events = await audit_count(db)
    token = city.tokens["maintainer"]
    for junk in ("undefined", "null", "None", "NaN"):
        department = {"code": junk, "name": "探针局", "level": "DISTRICT", "regionCode": "210202"}
        payload = (await api.data(DEPARTMENT, {"i": department}, token))["upsertDepartment"]
        assert error_codes(payload) == {("code", "INVALID_DEPARTMENT_CODE")}, junk
        payload = (await api.data(UPSERT_MATTER, {"i": matter(code=junk)}, token))["upsertSupervisionMatter"]
        assert ("code", "INVALID_MATTER_CODE") in error_codes(payload), junk
    for bad in ("\u0012", "\u000b", "\f"):
        department = {"code": "TXT-210202", "name": f"探针{bad}局", "level": "DISTRICT", "regionCode": "210202"}
        payload = (await api.data(DEPARTMENT, {"i": department}, token))["upsertDepartment"]
        assert error_codes(payload) == {("name", "INVALID_TEXT")}, repr(bad)
        payload = (await api.data(UPSERT_MATTER, {"i": matter(name=f"消毒{bad}许可")}, token))[
            "upsertSupervisionMatter"
        ]
        assert error_codes(payload) == {("name", "INVALID_TEXT")}, repr(bad)
        region = {"code": "210299", "name": f"探针{bad}区", "parentCode": "210200"}
        payload = (await api.data(REGION, {"i": region}, token))["upsertRegion"]
        assert error_codes(payload) == {("name", "INVALID_TEXT")}, repr(bad)
    assert await _count(db, Department, col(Department.code) == "TXT-210202") == 0
    assert await _count(db, Region, col(Region.code) == "210299") == 0
    assert await _count(db, SupervisionMatter, col(SupervisionMatter.code).in_(["XD-CP", "undefined"])) == 0
    assert await audit_count(db) == events


async def test_calendar_days_from_year_0118_or_8170_are_out_of_range(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["maintainer"]
    events = await audit_count(db)
    for day in ("0118-01-01", "8170-10-01", "2040-10-01"):
        days = [{"date": day, "isWorkday": False, "name": "探针节"}]
        payload = (await api.data(DAYS, {"days": days}, token))["setCalendarDays"]
        assert payload["days"] == [] and error_codes(payload) == {("days.0.date", "DATE_OUT_OF_RANGE")}, day
    # A catalog's dates too.
    payload = (await api.data(UPSERT_MATTER, {"i": matter(effectiveFrom="0118-01-01")}, token))[
        "upsertSupervisionMatter"
    ]
    assert ("effectiveFrom", "DATE_OUT_OF_RANGE") in error_codes(payload)
    assert await _count(db, CalendarDay, col(CalendarDay.name) == "探针节") == 0
    assert await audit_count(db) == events


async def test_an_admin_form_refuses_control_characters_in_a_catalog_name(
    api: Api, city: DemoCity, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    events = await audit_count(db)
    for bad in ("\u0012", "\u000b", "\f", "\u202e"):
        form = {"code": "TXT-210202", "name": f"探针{bad}局", "level": "DISTRICT", "region_code": "210202"}
        token = await csrf(client, "/admin/department/create")
        refused = await client.post("/admin/department/create", data={**form, "csrftoken": token})
        assert refused.status_code == 422, repr(bad)
        assert "名称含有" in refused.text and f"U+{ord(bad):04X}" in refused.text
    # A line break in a one-line field, as a browser's text box would never send it.
    form = {"code": "TXT-210202", "name": "探针\r\n局", "level": "DISTRICT", "region_code": "210202"}
    token = await csrf(client, "/admin/department/create")
    refused = await client.post("/admin/department/create", data={**form, "csrftoken": token})
    assert refused.status_code == 422 and "只能填一行" in refused.text
    assert await _count(db, Department, col(Department.code) == "TXT-210202") == 0
    assert await audit_count(db) == events


# -- an import file -----------------------------------------------------------------------------


async def test_an_import_row_with_a_bad_cell_is_refused_and_nothing_is_stored(
    city: DemoCity, db: Database, database_url: str, tmp_path: Path
) -> None:
    header = ["部门编码", "部门名称", "层级", "行政区划代码", "登记机关", "条线"]
    rows = [
        ["TX-210200", "大连市探针局", "市级", "210200", "否", "TX"],
        ["TX-210202", "中山区\u0012探针局", "区县级", "210202", "否", "TX"],
        ["TX-210203", "西岗区\n探针局", "区县级", "210203", "否", "TX"],
        ["undefined", "甘井子区探针局", "区县级", "210211", "否", "TX"],
    ]
    file = write_csv(tmp_path / "部门.csv", header, rows)
    events = await audit_count(db)
    done = manage(database_url, "department", "import", str(file))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "第 3 行" in done.stdout and "U+0012" in done.stdout and "INVALID_TEXT" in done.stdout
    assert "第 4 行" in done.stdout and "只能填一行" in done.stdout
    assert "第 5 行" in done.stdout and "INVALID_DEPARTMENT_CODE" in done.stdout
    assert await _count(db, Department, col(Department.code).like("TX-%")) == 0
    assert await audit_count(db) == events


# -- what was stored before the rule ------------------------------------------------------------


async def test_check_text_lists_rows_stored_before_the_rule_and_exits_1(
    city: DemoCity, db: Database, database_url: str
) -> None:
    clean = manage(database_url, "check-text")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "全部符合" in clean.stdout
    async with db.engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE department SET name = :name WHERE code = 'SCJG-210202'"),
            {"name": "中山区\u202e市场\u0007监管局"},
        )
        await connection.execute(sa.text("UPDATE region SET name = :name WHERE code = '210203'"), {"name": "西岗区\n"})
        insert = sa.text(
            "INSERT INTO calendar_day (day, is_workday, name, updated_at) VALUES (:day, :w, :name, :at)"
        ).bindparams(sa.bindparam("day", type_=sa.Date), sa.bindparam("at", type_=sa.DateTime))
        await connection.execute(
            insert, {"day": date(118, 1, 1), "w": False, "name": "undefined", "at": datetime(2026, 1, 1)}
        )
        # Past the calendar's span (ten years back), yet within the range every date may hold.
        await connection.execute(
            insert, {"day": date(2001, 10, 1), "w": False, "name": "国庆节", "at": datetime(2026, 1, 1)}
        )
        # Codes that break their own pattern, and an entity "founded" before 1949-10-01.
        for statement in (
            "UPDATE department SET line = 'wj 1' WHERE code = 'SCJG-210202'",
            "UPDATE department SET code = 'X' WHERE code = 'WJ-210202'",
            "UPDATE supervision_matter SET code = '事项' WHERE id = (SELECT MIN(id) FROM supervision_matter)",
            "UPDATE discipline_measure SET code = 'a b' WHERE id = (SELECT MIN(id) FROM discipline_measure)",
        ):
            await connection.execute(sa.text(statement))
        await connection.execute(
            sa.text("UPDATE market_entity SET industry_code = 'Z99', established_on = :on WHERE uscc = :u"),
            {"on": date(1948, 5, 1), "u": city.zhongshan[0]},
        )
    done = manage(database_url, "check-text")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()

    def listed(*words: str) -> bool:
        return any(all(word in line for word in words) for line in lines)

    assert listed("department", "name", "U+202E")
    assert listed("region", "210203", "name", "只能填一行")
    assert listed("calendar_day", "day", "0118-01-01", "超出合理范围")
    assert listed("calendar_day", "day", "2001-10-01", "超出合理范围")
    assert listed("department", "line", "INVALID_LINE")
    assert listed("department", "code", "INVALID_DEPARTMENT_CODE")
    assert listed("supervision_matter", "code", "INVALID_MATTER_CODE")
    assert listed("discipline_measure", "code", "INVALID_MEASURE_CODE")
    assert listed("market_entity", "industry_code", "INVALID_INDUSTRY_CODE", "Z99")
    assert listed("market_entity", "established_on", "1948-05-01", "1949-10-01")
    assert "11 处不符合文字规则" in done.stdout


# -- every String a mutation takes, from the live schema ----------------------------------------

# What the rule refuses anywhere, and what it refuses in a one-line field.
FORBIDDEN = ("\x00", "\x07", "\x12", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u202e", "\u200b", "\u200d",
             "\ufeff", "\u2028", "\u2029", "\ud800", "\udfff")  # fmt: skip
ONE_LINE_ONLY = ("\r\n", "\n", "\r", "\t")
_SAMPLE = {"String": "样例", "ID": "1", "Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-01-05",
           "DateTime": "2026-01-05T00:00:00+00:00", "Decimal": "1", "Upload": None}  # fmt: skip
# A mutation whose arguments need a file is sent as a multipart request (below), not as JSON.
WITH_FILES = {"importRecords", "importInspectors"}


@dataclass(frozen=True)
class StringInput:
    """One String a mutation takes: the mutation, its argument, and the path inside the argument."""

    mutation: str
    path: tuple[str | int, ...]  # the argument's name first
    field: str  # as a UserError names it: an `input` object's fields by their own names

    @property
    def multiline(self) -> bool:
        return multiline(next(str(p) for p in reversed(self.path) if isinstance(p, str)))


def _needed(kind: GraphQLInputType, default: Any) -> bool:
    return isinstance(kind, GraphQLNonNull) and default is Undefined


def _sample(kind: GraphQLInputType) -> Any:
    """A value of the type with its required fields filled: enough to reach the resolver."""
    if isinstance(kind, GraphQLNonNull):
        return _sample(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [_sample(kind.of_type)]
    if isinstance(kind, GraphQLInputObjectType):
        return {n: _sample(f.type) for n, f in kind.fields.items() if _needed(f.type, f.default_value)}
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    return _SAMPLE[kind.name]


def _paths(kind: GraphQLInputType, path: tuple[str | int, ...], seen: tuple[str, ...]) -> list[tuple[str | int, ...]]:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        if isinstance(kind, GraphQLList):
            path += (0,)
        kind = kind.of_type
    if isinstance(kind, GraphQLInputObjectType):
        if kind.name in seen:
            return []
        return [p for n, f in kind.fields.items() for p in _paths(f.type, (*path, n), (*seen, kind.name))]
    return [path] if isinstance(kind, GraphQLScalarType) and kind.name == "String" else []


def string_inputs() -> list[StringInput]:
    mutations = live_schema._schema.mutation_type
    assert mutations is not None
    found = []
    for name, field in mutations.fields.items():
        for arg_name, arg in field.args.items():
            whole = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            for path in _paths(arg.type, (arg_name,), ()):
                named = path[1:] if arg_name == "input" and not isinstance(whole, GraphQLList) else path
                found.append(StringInput(name, path, ".".join(str(p) for p in named)))
    return found


def _request(target: StringInput, value: str) -> tuple[str, dict[str, Any]]:
    """The mutation's document and variables: its required arguments sampled, and `value` at the path."""
    mutations = live_schema._schema.mutation_type
    assert mutations is not None
    field = mutations.fields[target.mutation]
    used = {n: a for n, a in field.args.items() if n == target.path[0] or _needed(a.type, a.default_value)}
    variables = {n: _sample(a.type) for n, a in used.items()}
    kind: Any = field.args[str(target.path[0])].type
    holder: Any = variables
    key: str | int = target.path[0]
    for step in target.path[1:]:
        while isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if holder[key] is None:
            holder[key] = _sample(kind)
        holder, key = holder[key], step
        kind = kind.of_type if isinstance(kind, GraphQLList) else kind.fields[str(step)].type
        if isinstance(holder, dict) and step not in holder:
            holder[step] = None
    holder[key] = value
    declared = ", ".join(f"${n}: {a.type}" for n, a in used.items())
    passed = ", ".join(f"{n}: ${n}" for n in used)
    return f"mutation({declared}) {{ {target.mutation}({passed}) {{ errors {{ field code }} }} }}", variables


# A caller who may not run the mutation is refused for that first (a GraphQL error with its code).
_NOT_ALLOWED = {"FORBIDDEN", "UNAUTHENTICATED", "NOT_REGISTRATION_AUTHORITY", "DEPARTMENT_REQUIRED"}


async def _refused(api: Api, token: str, target: StringInput, value: str) -> set[tuple[str | None, str]]:
    """The refusal, as (field, code) pairs (a GraphQL error's field is None): never an internal
    error, never an answer that took the text. A character refused anywhere is INVALID_TEXT on the
    field; a line break in a one-line field is that or the service's own code for the field."""
    document, variables = _request(target, value)
    body = await _send(api, document, variables, token)
    if "errors" in body:
        codes = {error.get("extensions", {}).get("code") for error in body["errors"]}
        assert None not in codes and "INTERNAL_ERROR" not in codes, (target, repr(value), body["errors"])
        return {(None, str(code)) for code in codes}
    found = error_codes(body["data"][target.mutation])
    assert found, (target, repr(value), body)
    if not {code for _, code in found} & _NOT_ALLOWED:
        if any(ch in value for ch in FORBIDDEN):
            assert (target.field, "INVALID_TEXT") in found, (target, repr(value), body)
        else:
            assert target.field in {field for field, _ in found}, (target, repr(value), body)
    return found


def _codes(found: set[tuple[str | None, str]]) -> set[str]:
    return {code for _, code in found}


TARGETS = [t for t in string_inputs() if t.mutation not in WITH_FILES]


def test_every_string_a_mutation_takes_is_walked() -> None:
    # The walk reaches nested inputs and lists (a registration's persons, a calendar's days).
    found = {(t.mutation, t.path) for t in string_inputs()}
    assert ("registerEntity", ("input", "persons", 0, "name")) in found
    assert ("setCalendarDays", ("input", "days", 0, "name")) in found
    assert len(TARGETS) > 100
    assert {t.mutation for t in string_inputs()} - {t.mutation for t in TARGETS} <= WITH_FILES


async def test_every_string_input_refuses_every_forbidden_character(api: Api, city: DemoCity, db: Database) -> None:
    events = await audit_count(db)
    for index, target in enumerate(TARGETS):
        # A caller who may send this field (a department's token may not name another department).
        for role in ("maintainer", "district", "city", "district_health"):
            if not _codes(await _refused(api, city.tokens[role], target, f"样例\x00{index}")) & _NOT_ALLOWED:
                break
        # Every String, by that caller: refused for every character, and nothing else in the way.
        for char in (*FORBIDDEN, *(() if target.multiline else ONE_LINE_ONLY)):
            answer = await _refused(api, city.tokens[role], target, f"样例{char}{index}")
            assert not _codes(answer) & _NOT_ALLOWED, (target, role, repr(char), answer)
    assert await audit_count(db) == events


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(TARGETS),
    char=st.sampled_from(FORBIDDEN + ONE_LINE_ONLY),
    before=st.text(st.characters(categories=["Lo", "Lu", "Nd", "Zs", "Po"]), max_size=8),
    after=st.text(st.characters(categories=["Lo", "Ll", "Nd", "Mn"]), max_size=8),
    token=st.sampled_from(["maintainer", "district", "city_health"]),
)
async def test_property_no_string_with_a_forbidden_character_is_taken(
    api: Api, city: DemoCity, db: Database, target: StringInput, char: str, before: str, after: str, token: str
) -> None:
    if char in ONE_LINE_ONLY and target.multiline:
        char = "\x00"
    # Inside the text: a line break at either end is only trimmed away.
    await _refused(api, city.tokens[token], target, f"{before}样{char}例{after}")


async def test_an_upload_mutation_refuses_a_forbidden_character_too(api: Api, city: DemoCity, db: Database) -> None:
    (target,) = [t for t in string_inputs() if t.mutation == "importRecords"]
    document, variables = _request(target, "SCJG\x00-210202")
    variables["file"] = None
    operations = json.dumps(
        {"query": document.replace("{ errors", "{ report { summary } errors"), "variables": variables}
    )
    response = await api.client.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("处罚.csv", "行政相对人名称\n探针\n".encode(), "text/csv")},
        headers={"Authorization": f"Bearer {city.tokens['maintainer']}"},
    )
    payload = response.json()["data"]["importRecords"]
    assert payload["report"] is None and error_codes(payload) == {("departmentCode", "INVALID_TEXT")}
