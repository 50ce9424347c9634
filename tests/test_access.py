"""Access: tokens, jurisdictions, and what the public may see."""

from __future__ import annotations

from sqlmodel import col, select

from models import ApiToken
from services.db import Database
from services.principal import Principal
from services.tokens import revoke_token
from tests.conftest import Api, DemoCity

ENTITY = "query($u: String!) { entity(uscc: $u) { uscc name regionCode } }"


async def _name(api: Api, token: str, code: str) -> str:
    data = await api.data(ENTITY, {"u": code}, token)
    return str(data["entity"]["name"])


async def test_a_district_token_cannot_read_another_districts_entity(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    other = city.xigang[0]
    assert (await api.data(ENTITY, {"u": other}, token))["entity"] is None
    listed = await api.data(
        '{ entities(first: 100, filter: {regionCode: "210203"}) { totalCount edges { node { uscc } } } }', token=token
    )
    assert listed["entities"] == {"totalCount": 0, "edges": []}
    name = await _name(api, city.tokens["city"], other)
    found = await api.data(
        "query($t: String!) { searchEntities(text: $t) { edges { node { uscc } } } }", {"t": name}, token
    )
    assert found["searchEntities"]["edges"] == []


async def test_a_district_token_sees_exactly_its_own_region(api: Api, city: DemoCity) -> None:
    data = await api.data(
        "{ entities(first: 100) { totalCount edges { node { uscc regionCode } } } }", token=city.tokens["district"]
    )
    nodes = [edge["node"] for edge in data["entities"]["edges"]]
    assert data["entities"]["totalCount"] == len(city.zhongshan)
    assert sorted(node["uscc"] for node in nodes) == city.zhongshan
    assert {node["regionCode"] for node in nodes} == {"210202"}


async def test_city_departments_and_maintainers_see_every_district(api: Api, city: DemoCity) -> None:
    for role in ("city", "maintainer", "city_health"):
        assert await _name(api, city.tokens[role], city.xigang[0])
        assert await _name(api, city.tokens[role], city.zhongshan[0])
        total = await api.data("{ entities { totalCount } }", token=city.tokens[role])
        assert total["entities"]["totalCount"] == 150


async def test_no_token_gets_an_authentication_error(api: Api, city: DemoCity) -> None:
    body = await api.gql(ENTITY, {"u": city.zhongshan[0]})
    assert body["data"] == {"entity": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in body["errors"][0]["message"]


async def test_a_wrong_or_malformed_token_is_refused_with_401(api: Api, city: DemoCity) -> None:
    response = await api.post(ENTITY, {"u": city.zhongshan[0]}, token="jg_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["errors"][0] == {"message": "令牌无效或已被吊销", "extensions": {"code": "INVALID_TOKEN"}}
    response = await api.client.post(
        "/graphql", json={"query": "{ viewer { name } }"}, headers={"Authorization": "Token x"}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_AUTHORIZATION"


async def test_a_revoked_token_stops_working(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["district"]
    assert (await api.data("{ viewer { name } }", token=token))["viewer"]["name"] == "中山区市场监督管理局"
    session = await db.write_session(Principal.system())
    async with session:
        row = await session.scalar(select(ApiToken).where(col(ApiToken.name) == "中山区市场监督管理局"))
        assert row is not None and row.id is not None
        await revoke_token(session, row.id)
        await session.commit()
    assert (await api.post("{ viewer { name } }", token=token)).status_code == 401


async def test_the_public_reads_publicity_without_a_login(api: Api, city: DemoCity) -> None:
    code = city.xigang[0]
    public = await api.data(
        "query($u: String!) { publicity(uscc: $u) { uscc name registrationAuthorityName } }", {"u": code}
    )
    assert public["publicity"]["uscc"] == code
    assert public["publicity"]["registrationAuthorityName"].endswith("市场监督管理局")
    # Public data is the same for a district department outside the entity's region.
    same = await api.data("query($u: String!) { publicity(uscc: $u) { name } }", {"u": code}, city.tokens["district"])
    assert same["publicity"]["name"] == public["publicity"]["name"]


async def test_viewer_describes_the_caller(api: Api, city: DemoCity) -> None:
    data = await api.data(
        "{ viewer { kind name department { code level isRegistrationAuthority } } }", token=city.tokens["maintainer"]
    )
    assert data["viewer"] == {
        "kind": "MAINTAINER",
        "name": "演示维护人员",
        "department": {"code": "SCJG-210200", "level": "CITY", "isRegistrationAuthority": True},
    }
