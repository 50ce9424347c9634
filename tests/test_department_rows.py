"""A department's own rows: another department cannot read or act on its notices or referrals,
whichever door it uses (the API's lists, an entity's fields, the mutations, the admin pages, a
service session), and the rule the sessions apply is the SQL services.platform.access.restrict gives.

Departments of the demo city: SCJG-210202 (the 中山区 registration authority, token `district`,
login scjg-210202), WJ-210202 (中山区卫生健康局, `district_health`, wj-210202), WJ-210200
(大连市卫生健康委员会, `city_health`, wj-210200: a city department, so it sees every entity)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy import update
from sqlmodel import col, select

from models import Department, License, Notice, Referral
from models.enums import Role
from services.platform.access import UNRESTRICTED, Action, restrict
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import CSRF, sign_in, staff_password
from tests.support.entities import registration

REGISTER = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    entity { uscc } notices { id matter { code } department { code } } errors { code }
  }
}
"""
NOTICES = """
query($f: NoticeFilter) { notices(first: 100, filter: $f) { totalCount edges { node { id } } } }
"""
ON_ENTITY = "query($u: String!) { entity(uscc: $u) { notices { id } referrals { id } } }"
CLAIM = "mutation($id: ID!) { claimNotice(id: $id) { errors { code } } }"
FORWARD = """
mutation($id: ID!) { forwardNotice(id: $id, toDepartmentCode: "WJ-210200", reason: "应由市级办理") { errors { code } } }
"""
RETURN = 'mutation($id: ID!) { returnNotice(id: $id, reason: "非本部门事项") { errors { code } } }'
FEEDBACK = "mutation($id: ID!) { giveNoticeFeedback(id: $id, input: {kind: NO_LICENSE_NEEDED}) { errors { code } } }"
POOL = "{ openPool(first: 100) { edges { node { uscc } } } }"
CLAIM_FROM_POOL = """
mutation($u: String!) { claimFromPool(uscc: $u, matterCode: "WS-CY") { errors { code } } }
"""
STATES = "query($u: String!) { entity(uscc: $u) { notices { id status } referrals { id status } } }"
SEND = """
mutation($i: SendReferralInput!) { sendReferral(input: $i) { referral { id } errors { code } } }
"""
REFERRALS = "query($f: ReferralFilter) { referrals(first: 100, filter: $f) { totalCount edges { node { id } } } }"
ACKNOWLEDGE = "mutation($id: ID!) { acknowledgeReferral(id: $id) { errors { code } } }"
HANDLE = 'mutation($id: ID!) { handleReferral(id: $id, outcome: "已处理") { errors { code } } }'
NOTICE_INBOX = "/admin/notice-inbox"
REFERRAL_INBOX = "/admin/referral-inbox"


async def _registered(api: Api, city: DemoCity) -> tuple[str, str, str]:
    """A new 中山区 restaurant: its USCC, a notice of SCJG-210202 and one of WJ-210202."""
    data = registration(persons=[], name="大连部门界限测试餐饮有限公司", businessScope="食品销售；餐饮服务")
    payload: dict[str, Any] = (await api.data(REGISTER, {"input": data}, city.tokens["district"]))["registerEntity"]
    assert payload["errors"] == []
    by_department = {n["department"]["code"]: n["id"] for n in payload["notices"]}
    return payload["entity"]["uscc"], by_department["SCJG-210202"], by_department["WJ-210202"]


async def _states(api: Api, city: DemoCity, uscc: str) -> dict[str, dict[str, str]]:
    entity = (await api.data(STATES, {"u": uscc}, city.tokens["maintainer"]))["entity"]
    return {kind: {row["id"]: row["status"] for row in entity[kind]} for kind in ("notices", "referrals")}


async def _page(client: httpx.AsyncClient, path: str, uscc: str) -> tuple[str, str]:
    page = await client.get(path, params={"uscc": uscc})
    assert page.status_code == 200
    match = CSRF.search(page.text)
    assert match, "no CSRF token on the page"
    return page.text, match.group(1)


async def test_a_department_reads_none_of_another_departments_notices(api: Api, city: DemoCity) -> None:
    uscc, scjg, wj = await _registered(api, city)
    health = city.tokens["district_health"]
    listed = await api.data(NOTICES, {"f": {"uscc": uscc}}, health)
    assert [edge["node"]["id"] for edge in listed["notices"]["edges"]] == [wj]
    assert listed["notices"]["totalCount"] == 1
    named = await api.data(NOTICES, {"f": {"uscc": uscc, "departmentCode": "SCJG-210202"}}, health)
    assert named["notices"] == {"totalCount": 0, "edges": []}
    assert (await api.data(ON_ENTITY, {"u": uscc}, health))["entity"]["notices"] == [{"id": wj}]
    # The registering authority sees its own, not the health bureau's.
    regulator = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["district"]))["entity"]["notices"]
    assert {"id": scjg} in regulator and {"id": wj} not in regulator

    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    page, _ = await _page(client, NOTICE_INBOX, uscc)
    assert f'id="notice-{wj}"' in page and f'id="notice-{scjg}"' not in page


async def test_a_department_acts_on_none_of_another_departments_notices(api: Api, city: DemoCity) -> None:
    uscc, scjg, _ = await _registered(api, city)
    health = city.tokens["district_health"]
    for document in (CLAIM, FORWARD, RETURN, FEEDBACK):
        payload = next(iter((await api.data(document, {"id": scjg}, health)).values()))
        assert [e["code"] for e in payload["errors"]] == ["NOTICE_NOT_FOUND"], document

    client = api.client
    await sign_in(client, "wj-210202", staff_password(city))
    _, token = await _page(client, NOTICE_INBOX, uscc)
    for action, form in (
        ("claim", {}),
        ("forward", {"to_department_code": "WJ-210200", "reason": "应由市级办理"}),
        ("return", {"reason": "非本部门事项"}),
        ("feedback", {"kind": "NO_LICENSE_NEEDED"}),
    ):
        refused = await client.post(f"{NOTICE_INBOX}/{scjg}/{action}", data={"csrftoken": token, **form})
        assert refused.status_code == 400, action
        assert "不存在或不属于本部门" in refused.text, action
    assert (await _states(api, city, uscc))["notices"][scjg] == "PUSHED"


async def test_the_open_pool_weighs_every_departments_notices(api: Api, city: DemoCity) -> None:
    """The health bureau returns its notice; the market regulator's is still alive, so the entity
    is not in the pool, although the health bureau cannot see that notice."""
    uscc, _, wj = await _registered(api, city)
    health = city.tokens["district_health"]
    returned = await api.data(RETURN, {"id": wj}, health)
    assert returned["returnNotice"]["errors"] == []
    pool = await api.data(POOL, token=health)
    assert uscc not in {edge["node"]["uscc"] for edge in pool["openPool"]["edges"]}
    claimed = await api.data(CLAIM_FROM_POOL, {"u": uscc}, health)
    assert [e["code"] for e in claimed["claimFromPool"]["errors"]] == ["NOT_IN_POOL"]


async def test_a_department_reads_and_acts_on_none_of_another_departments_referrals(api: Api, city: DemoCity) -> None:
    uscc = city.zhongshan_without_records[1]
    message = {"uscc": uscc, "toDepartmentCode": "WJ-210202", "reason": "INSPECTION_FINDING", "message": "后厨卫生差"}
    sent = (await api.data(SEND, {"i": message}, city.tokens["district"]))["sendReferral"]
    assert sent["errors"] == []
    referral = sent["referral"]["id"]
    stranger = city.tokens["city_health"]  # sees the entity, but neither sent nor received the referral
    listed = await api.data(REFERRALS, {"f": {"uscc": uscc}}, stranger)
    assert listed["referrals"] == {"totalCount": 0, "edges": []}
    named = await api.data(REFERRALS, {"f": {"uscc": uscc, "departmentCode": "WJ-210202"}}, stranger)
    assert named["referrals"] == {"totalCount": 0, "edges": []}
    assert (await api.data(ON_ENTITY, {"u": uscc}, stranger))["entity"]["referrals"] == []
    for document in (ACKNOWLEDGE, HANDLE):
        payload = next(iter((await api.data(document, {"id": referral}, stranger)).values()))
        assert [e["code"] for e in payload["errors"]] == ["REFERRAL_NOT_FOUND"], document
    # Sender and recipient both read it.
    for role in ("district", "district_health"):
        on_entity = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens[role]))["entity"]["referrals"]
        assert {"id": referral} in on_entity, role

    client = api.client
    await sign_in(client, "wj-210200", staff_password(city))
    page, token = await _page(client, REFERRAL_INBOX, uscc)
    assert f'id="referral-{referral}"' not in page
    for action, form in (("acknowledge", {}), ("handle", {"outcome": "已处理"})):
        refused = await client.post(f"{REFERRAL_INBOX}/{referral}/{action}", data={"csrftoken": token, **form})
        assert refused.status_code == 400, action
        assert re.search("不存在或与本部门无关", refused.text), action
    assert (await _states(api, city, uscc))["referrals"][referral] == "SENT"


async def _principal(db: Database, code: str) -> Principal:
    async with db.session(Principal.system()) as session:
        department = await session.scalar(select(Department).where(col(Department.code) == code))
    assert department is not None
    return Principal.acting_for(Role.DEPARTMENT, code, department)


async def test_a_department_session_changes_none_of_another_departments_rows(
    api: Api, city: DemoCity, db: Database
) -> None:
    """Below the API: an UPDATE a department's session runs reaches only that department's rows."""
    uscc, scjg, _ = await _registered(api, city)
    health = await _principal(db, "WJ-210202")
    session = await db.write_session(health)
    async with session:
        notes = await session.execute(
            update(Notice).where(col(Notice.id) == int(scjg)).values(note="改写").returning(col(Notice.id))
        )
        assert notes.all() == []
        other_license = await session.scalar(
            select(License.id).where(col(License.source_department_id) != health.department_id).limit(1)
        )
        assert other_license is not None  # shared for supervision: read, but not changed
        licenses = await session.execute(
            update(License).where(col(License.id) == other_license).values(content="改写").returning(col(License.id))
        )
        assert licenses.all() == []
        await session.commit()
    assert (await _states(api, city, uscc))["notices"][scjg] == "PUSHED"


async def test_the_rule_as_sql_is_the_rule_the_sessions_apply(api: Api, city: DemoCity, db: Database) -> None:
    """A compiled read path puts restrict()'s expressions in its own SQL and finds the same rows."""
    await _registered(api, city)
    message = {"uscc": city.zhongshan[2], "toDepartmentCode": "WJ-210202", "reason": "MANUAL", "message": "请核查"}
    assert (await api.data(SEND, {"i": message}, city.tokens["district"]))["sendReferral"]["errors"] == []
    for code in ("SCJG-210202", "WJ-210202", "WJ-210200"):
        principal = await _principal(db, code)
        rules = restrict(principal, Action.READ)
        async with db.session(principal) as session:
            for model in (Notice, Referral):
                table = model.__table__  # type: ignore[union-attr]
                policed = set((await session.scalars(select(col(model.id)))).all())
                compiled = await session.scalars(
                    sa.select(table.c.id).where(rules[model]).execution_options(**UNRESTRICTED)
                )
                assert set(compiled.all()) == policed, (code, model.__name__)
                everything = await session.scalar(
                    sa.select(sa.func.count()).select_from(table).execution_options(**UNRESTRICTED)
                )
                assert len(policed) < int(everything or 0), (code, model.__name__)
