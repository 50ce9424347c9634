"""registerEntity: registry intake from the registration authority, end to end over HTTP."""

from __future__ import annotations

from sqlmodel import col, select

from models import MarketEntity, Person
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry.persons import id_number_hash
from tests.conftest import SECRET, Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import audit_count, last_audit
from tests.support.entities import REGISTER, new_code, registration


async def test_district_authority_registers_an_entity_with_its_persons(api: Api, city: DemoCity, db: Database) -> None:
    before = await audit_count(db)
    data = await api.data(REGISTER, {"input": registration()}, city.tokens["district"])
    payload = data["registerEntity"]
    assert payload["errors"] == []
    assert payload["created"] is True
    entity = payload["entity"]
    assert entity["status"] == "ACTIVE"
    assert entity["registeredCapital"] == "1000000.00"
    assert entity["registrationAuthority"]["code"] == "SCJG-210202"
    roles = [(p["role"], p["name"], p["sharePercent"], p["title"]) for p in entity["persons"]]
    assert roles == [
        ("LEGAL_REPRESENTATIVE", "王海燕", None, None),
        ("SHAREHOLDER", "王海燕", "60.0000", None),
        ("SHAREHOLDER", "刘志强", "40.0000", None),
        ("EXECUTIVE", "刘志强", None, "监事"),
    ]
    # The legal representative and the shareholder with the same identity number are one person.
    ids = {p["name"]: p["personId"] for p in entity["persons"]}
    assert len(set(ids.values())) == 2
    # The registration, and the notices it pushed (the scope matches the demo catalog).
    assert await audit_count(db) == before + 2
    event = await last_audit(db, "entity.registered")
    assert event.object_id == entity["uscc"]
    assert event.department_code == "SCJG-210202" and event.before is None
    assert event.after is not None and event.after["name"] == "大连海韵餐饮管理有限公司"


async def test_identity_numbers_are_stored_only_as_a_keyed_hash(api: Api, city: DemoCity, db: Database) -> None:
    await api.data(REGISTER, {"input": registration()}, city.tokens["district"])
    async with db.session(Principal.system()) as session:
        hashes = set((await session.scalars(select(col(Person.id_number_hash)))).all())
    assert id_number_hash(SECRET, "210202198001011234") in hashes
    assert not any(h and "210202198001011234" in h for h in hashes)
    body = await api.gql(
        "query($u: String!) { entity(uscc: $u) { persons { name } } }",
        {"u": new_code()},
        city.tokens["district"],
    )
    assert "210202198001011234" not in str(body)


async def test_sending_the_same_registration_again_changes_nothing(api: Api, city: DemoCity, db: Database) -> None:
    await api.data(REGISTER, {"input": registration()}, city.tokens["district"])
    count = await audit_count(db)
    again = (await api.data(REGISTER, {"input": registration()}, city.tokens["district"]))["registerEntity"]
    assert again["errors"] == [] and again["created"] is False and again["changed"] is False
    assert await audit_count(db) == count


async def test_a_changed_business_scope_updates_the_entity_and_is_audited(
    api: Api, city: DemoCity, db: Database
) -> None:
    await api.data(REGISTER, {"input": registration()}, city.tokens["district"])
    changed = registration(businessScope="餐饮服务；食品销售；酒类经营")
    payload = (await api.data(REGISTER, {"input": changed}, city.tokens["district"]))["registerEntity"]
    assert payload["scopeChanged"] is True and payload["created"] is False
    assert payload["entity"]["businessScope"] == "餐饮服务；食品销售；酒类经营"
    event = await last_audit(db)
    assert event.action == "entity.scope_changed"
    assert event.before is not None and event.before["business_scope"] == "餐饮服务；食品销售；日用百货销售"
    assert event.after is not None and event.after["business_scope"] == "餐饮服务；食品销售；酒类经营"


async def test_a_failing_check_character_from_the_authority_is_kept_and_flagged(api: Api, city: DemoCity) -> None:
    good = new_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    payload = (await api.data(REGISTER, {"input": registration(uscc=wrong)}, city.tokens["district"]))["registerEntity"]
    assert payload["errors"] == []
    assert payload["entity"]["dataQualityIssue"] == "USCC_CHECK_CHARACTER"
    listed = await api.data(
        "{ entities(filter: {dataQualityIssue: true}) { edges { node { uscc } } } }", token=city.tokens["maintainer"]
    )
    assert [edge["node"]["uscc"] for edge in listed["entities"]["edges"]] == [wrong]


async def test_bad_input_names_every_field_at_fault_and_stores_nothing(api: Api, city: DemoCity, db: Database) -> None:
    count = await audit_count(db)
    bad = registration(
        uscc="91350100M00010OY43",
        name="  ",
        regionCode="999999",
        registeredCapital="一百万",
        industryCode="X99",
        establishedOn="2999-01-01",
    )
    payload = (await api.data(REGISTER, {"input": bad}, city.tokens["district"]))["registerEntity"]
    assert payload["entity"] is None
    assert error_codes(payload) == {
        ("uscc", "INVALID_USCC"),
        ("name", "REQUIRED"),
        ("regionCode", "UNKNOWN_REGION"),
        ("registeredCapital", "INVALID_AMOUNT"),
        ("industryCode", "INVALID_INDUSTRY_CODE"),
        ("establishedOn", "DATE_IN_FUTURE"),
    }
    uscc_error = next(e for e in payload["errors"] if e["field"] == "uscc")
    assert "第 15 位的字符“O”" in uscc_error["message"]
    assert await audit_count(db) == count


async def test_shares_over_100_percent_are_refused(api: Api, city: DemoCity) -> None:
    persons = [
        {"name": "甲", "role": "SHAREHOLDER", "sharePercent": "70"},
        {"name": "乙", "role": "SHAREHOLDER", "sharePercent": "40"},
    ]
    payload = (await api.data(REGISTER, {"input": registration(persons=persons)}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert error_codes(payload) == {("persons", "SHARES_EXCEED_100")}


async def test_a_missing_required_field_is_a_clear_error(api: Api, city: DemoCity) -> None:
    data = registration()
    del data["name"]
    body = await api.gql(REGISTER, {"input": data}, city.tokens["district"])
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "变量 $input 的值无效" in error["message"] and "name" in error["message"]


async def test_only_a_registration_authority_may_register(api: Api, city: DemoCity, db: Database) -> None:
    body = await api.gql(REGISTER, {"input": registration()}, city.tokens["district_health"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "不是登记机关" in body["errors"][0]["message"]
    async with db.session(Principal.system()) as session:
        assert await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == new_code())) is None


async def test_a_district_authority_cannot_register_in_another_district(api: Api, city: DemoCity) -> None:
    payload = (await api.data(REGISTER, {"input": registration()}, city.tokens["other_district"]))["registerEntity"]
    assert error_codes(payload) == {("regionCode", "REGION_OUT_OF_JURISDICTION")}


async def test_a_district_authority_cannot_change_another_districts_entity(api: Api, city: DemoCity) -> None:
    await api.data(REGISTER, {"input": registration()}, city.tokens["district"])
    moved = registration(regionCode="210203", address="辽宁省大连市西岗区长江路 1 号")
    payload = (await api.data(REGISTER, {"input": moved}, city.tokens["other_district"]))["registerEntity"]
    assert error_codes(payload) == {("uscc", "REGION_OUT_OF_JURISDICTION")}


async def test_a_maintainer_registers_on_behalf_of_a_named_authority(api: Api, city: DemoCity) -> None:
    payload = (await api.data(REGISTER, {"input": registration()}, city.tokens["maintainer"]))["registerEntity"]
    assert error_codes(payload) == {("departmentCode", "DEPARTMENT_REQUIRED")}
    payload = (
        await api.data(REGISTER, {"input": registration(departmentCode="SCJG-210202")}, city.tokens["maintainer"])
    )["registerEntity"]
    assert payload["errors"] == [] and payload["entity"]["registrationAuthority"]["code"] == "SCJG-210202"
    payload = (await api.data(REGISTER, {"input": registration(departmentCode="NOPE-1")}, city.tokens["maintainer"]))[
        "registerEntity"
    ]
    assert error_codes(payload) == {("departmentCode", "UNKNOWN_DEPARTMENT")}


async def test_a_maintainer_naming_a_department_that_registers_nothing_is_told_so(
    api: Api, city: DemoCity, db: Database
) -> None:
    # The same answer as for a listing: the named department is no registration authority.
    data = registration(uscc=new_code("210202"), departmentCode="WJ-210202")
    payload = (await api.data(REGISTER, {"input": data}, city.tokens["maintainer"]))["registerEntity"]
    assert error_codes(payload) == {("departmentCode", "NOT_REGISTRATION_AUTHORITY")}
    assert "不是登记机关" in payload["errors"][0]["message"] and payload["entity"] is None
    async with db.session(Principal.system()) as session:
        assert await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == data["uscc"])) is None


async def test_a_city_authority_registers_in_any_district(api: Api, city: DemoCity) -> None:
    data = registration(uscc=new_code("210211"), regionCode="210211")
    payload = (await api.data(REGISTER, {"input": data}, city.tokens["city"]))["registerEntity"]
    assert payload["errors"] == [] and payload["entity"]["registrationAuthority"]["code"] == "SCJG-210200"


async def test_two_registrations_of_one_new_entity_at_once_store_it_once(
    api: Api, city: DemoCity, db: Database
) -> None:
    import asyncio

    first, second = await asyncio.gather(
        api.data(REGISTER, {"input": registration()}, city.tokens["district"]),
        api.data(REGISTER, {"input": registration()}, city.tokens["district"]),
    )
    outcomes = [first["registerEntity"], second["registerEntity"]]
    assert sum(1 for o in outcomes if o["created"]) == 1
    for outcome in outcomes:
        # The loser either saw the winner's row (nothing to change) or was told to retry.
        assert outcome["errors"] == [] or [e["code"] for e in outcome["errors"]] == ["CONFLICT"]
    async with db.session(Principal.system()) as session:
        rows = (await session.scalars(select(MarketEntity).where(col(MarketEntity.uscc) == new_code()))).all()
    assert len(rows) == 1


async def test_each_role_keeps_the_name_it_was_registered_with(api: Api, city: DemoCity) -> None:
    first = registration(legalRepresentative="李四", legalRepresentativeIdNumber="210202199001011111", persons=[])
    await api.data(REGISTER, {"input": first}, city.tokens["district"])
    # Another registration gives the same identity number under another name: it
    # is the same person, but neither registration reveals the other's name.
    second = registration(
        uscc=new_code(body="MA0QW3R9"),
        name="大连另一家有限公司",
        legalRepresentative="张三",
        legalRepresentativeIdNumber="210202199001011111",
        persons=[],
    )
    payload = (await api.data(REGISTER, {"input": second}, city.tokens["district"]))["registerEntity"]
    assert [(p["role"], p["name"]) for p in payload["entity"]["persons"]] == [("LEGAL_REPRESENTATIVE", "张三")]
    query = "query($u: String!) { entity(uscc: $u) { persons { personId name } } }"
    before = (await api.data(query, {"u": new_code()}, city.tokens["district"]))["entity"]["persons"]
    assert [p["name"] for p in before] == ["李四"]
    assert before[0]["personId"] == payload["entity"]["persons"][0]["personId"]


async def test_entities_are_registered_in_district_level_regions_only(api: Api, city: DemoCity) -> None:
    data = registration(uscc=new_code("210200"), regionCode="210200")
    payload = (await api.data(REGISTER, {"input": data}, city.tokens["city"]))["registerEntity"]
    assert error_codes(payload) == {("regionCode", "REGION_OUT_OF_JURISDICTION")}


async def test_a_district_office_cannot_change_what_the_city_authority_registered(api: Api, city: DemoCity) -> None:
    payload = (await api.data(REGISTER, {"input": registration()}, city.tokens["city"]))["registerEntity"]
    assert payload["errors"] == []
    changed = registration(businessScope="餐饮服务")
    payload = (await api.data(REGISTER, {"input": changed}, city.tokens["district"]))["registerEntity"]
    assert error_codes(payload) == {("uscc", "REGION_OUT_OF_JURISDICTION")}
    # The city authority itself may change it.
    payload = (await api.data(REGISTER, {"input": changed}, city.tokens["city"]))["registerEntity"]
    assert payload["errors"] == [] and payload["scopeChanged"] is True


async def test_an_absurd_amount_is_a_clear_error(api: Api, city: DemoCity) -> None:
    payload = (await api.data(REGISTER, {"input": registration(registeredCapital="1e20")}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert error_codes(payload) == {("registeredCapital", "AMOUNT_TOO_LARGE")}


async def test_a_maintainers_registration_is_audited_for_the_authority_acted_for(
    api: Api, city: DemoCity, db: Database
) -> None:
    data = registration(departmentCode="SCJG-210202")
    assert (await api.data(REGISTER, {"input": data}, city.tokens["maintainer"]))["registerEntity"]["errors"] == []
    event = await last_audit(db, "entity.registered")
    assert (event.actor, event.department_code) == ("演示维护人员", "SCJG-210202")
