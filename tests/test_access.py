"""Access: tokens, jurisdictions, and what the public may see."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import col, select

from models import ApiToken, EntityPerson, MarketEntity
from services.accounts.tokens import authenticate, revoke_tokens
from services.platform.db import Database
from services.platform.principal import Principal
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
        assert await revoke_tokens(session, [row.id]) == 1
        await session.commit()
    assert (await api.post("{ viewer { name } }", token=token)).status_code == 401


async def test_the_public_reads_publicity_without_a_login(api: Api, city: DemoCity) -> None:
    code = city.xigang[0]
    query = "query($u: String!) { publicity(uscc: $u) { uscc name } }"
    public = await api.data(query, {"u": code})
    assert public["publicity"]["uscc"] == code and public["publicity"]["name"]
    # Public data is the same for a district department outside the entity's region.
    assert (await api.data(query, {"u": code}, city.tokens["district"]))["publicity"] == public["publicity"]
    assert (await api.data(query, {"u": "91350100M000100Y43"}))["publicity"] is None


async def test_publicity_shows_only_what_domain_md_makes_public(api: Api) -> None:
    fields = await api.data('{ __type(name: "Publicity") { fields { name } } }')
    # Registration details (legal representative, address, persons) are internal; the 双公示
    # licenses and penalties are public within their publicity period, current listings, and
    # published inspection results.
    assert {f["name"] for f in fields["__type"]["fields"]} == {
        "uscc",
        "name",
        "licenses",
        "penalties",
        "listings",
        "inspectionResults",
    }
    for public_type in ("PublicLicense", "PublicPenalty", "PublicListing"):
        shown = await api.data("query($t: String!) { __type(name: $t) { fields { name } } }", {"t": public_type})
        names = {f["name"] for f in shown["__type"]["fields"]}
        assert not names & {"status", "statusReason", "sourceDepartment", "legalRepresentative", "updatedAt"}, names
    listing = await api.data('{ __type(name: "PublicListing") { fields { name } } }')
    names = {f["name"] for f in listing["__type"]["fields"]}
    assert not names & {"facts", "removedOn", "removalNote", "escalationRemindedAt", "entity", "department"}, names
    result = await api.data('{ __type(name: "PublicInspectionResult") { fields { name } } }')
    names = {f["name"] for f in result["__type"]["fields"]}
    assert not names & {"inspectors", "items", "notes", "attachments", "rectificationDueOn", "recordedBy"}, names


async def _principal(db: Database, token: str) -> Principal:
    async with db.session(Principal.anonymous()) as session:
        principal = await authenticate(session, token)
    assert principal is not None
    return principal


async def test_the_row_policy_fails_closed(db: Database, city: DemoCity) -> None:
    async with db.session(Principal.anonymous()) as session:
        assert (await session.scalars(select(MarketEntity))).all() == []
        assert await session.scalar(select(func.count(col(MarketEntity.id)))) == 0
        assert (await session.scalars(select(EntityPerson))).all() == []
    session = await db.write_session(await _principal(db, city.tokens["district"]))
    async with session:
        other = city.xigang[0]
        result = await session.execute(update(MarketEntity).where(col(MarketEntity.uscc) == other).values(name="改"))
        assert result.rowcount == 0  # type: ignore[attr-defined]
        assert await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == other)) is None
        own = set((await session.scalars(select(col(MarketEntity.id)))).all())
        persons = (await session.scalars(select(EntityPerson))).all()
        assert persons and {p.entity_id for p in persons} <= own
        await session.rollback()


async def test_viewer_describes_the_caller(api: Api, city: DemoCity) -> None:
    data = await api.data(
        "{ viewer { kind role name department { code level isRegistrationAuthority } } }",
        token=city.tokens["maintainer"],
    )
    assert data["viewer"] == {
        "kind": "MAINTAINER",
        "role": "MAINTAINER",
        "name": "演示维护人员",
        "department": {"code": "SCJG-210200", "level": "CITY", "isRegistrationAuthority": True},
    }
