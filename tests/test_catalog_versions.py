"""目录版本: edits reach the departments only once published; each notice names the version that routed it."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import Role
from services.catalog import catalog_versions, routing
from services.platform import calendar
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import DomainError, Forbidden
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.audit import audit_count, last_audit
from tests.support.catalog import UPSERT, matter
from tests.support.entities import new_code, registration

PUBLISH = """
mutation($name: String!, $note: String) {
  publishCatalogVersion(name: $name, note: $note) {
    version { name note matterCount publishedBy } errors { field code message }
  }
}
"""
VERSIONS = "{ catalogVersions { name matterCount } }"
REGISTER = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    entity { uscc businessScopeCodes }
    notices { id deadline matter { code } department { code } catalogVersion { name } }
    errors { code field message }
  }
}
"""
FORWARD = """
mutation($id: ID!) {
  forwardNotice(id: $id, toDepartmentCode: "WJ-210200", reason: "应由市级承接") {
    notice { deadline catalogVersion { name } } errors { code }
  }
}
"""


async def _register(api: Api, token: str, **overrides: Any) -> dict[str, Any]:
    data = registration(persons=[], **{"uscc": new_code(body="MA0PET01"), **overrides})
    payload: dict[str, Any] = (await api.data(REGISTER, {"input": data}, token))["registerEntity"]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def _upsert(api: Api, city: DemoCity, **overrides: Any) -> None:
    payload = (await api.data(UPSERT, {"i": matter(**overrides)}, city.tokens["maintainer"]))["upsertSupervisionMatter"]
    assert payload["errors"] == [], payload["errors"]


async def _publish(api: Api, city: DemoCity, name: str, note: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(PUBLISH, {"name": name, "note": note}, city.tokens["maintainer"]))[
        "publishCatalogVersion"
    ]
    return result


PET = {"code": "SW-MR", "name": "宠物诊疗许可", "line": "SCJG", "approvalLevel": "DISTRICT", "keywords": ["宠物诊疗"]}


async def test_a_new_matter_routes_nothing_until_it_is_published(api: Api, city: DemoCity, db: Database) -> None:
    await _upsert(api, city, **PET)
    before = await _register(api, city.tokens["district"], businessScope="宠物诊疗；宠物用品销售")
    assert before["notices"] == []

    published = await _publish(api, city, "2026版（第二版）", "新增宠物诊疗")
    assert published["errors"] == []
    assert published["version"]["name"] == "2026版（第二版）" and published["version"]["note"] == "新增宠物诊疗"
    event = await last_audit(db, "catalog.published")
    assert event.object_id == "2026版（第二版）" and event.after is not None and event.after["previous"] == "2026版"

    after = await _register(
        api, city.tokens["district"], uscc=new_code(body="MA0PET02"), businessScope="宠物诊疗；宠物用品销售"
    )
    assert [(n["matter"]["code"], n["department"]["code"], n["catalogVersion"]["name"]) for n in after["notices"]] == [
        ("SW-MR", "SCJG-210202", "2026版（第二版）")
    ]
    versions = (await api.data(VERSIONS, token=city.tokens["district"]))["catalogVersions"]
    assert [v["name"] for v in versions] == ["2026版（第二版）", "2026版"]
    assert versions[0]["matterCount"] == versions[1]["matterCount"] + 1


async def test_notices_keep_the_version_that_routed_them(api: Api, city: DemoCity, db: Database) -> None:
    seeded = await _register(api, city.tokens["district"], businessScope="餐饮服务")
    assert {n["catalogVersion"]["name"] for n in seeded["notices"]} == {"2026版"}
    # A longer claim deadline in the catalog being edited changes nothing until published ...
    await _upsert(
        api, city, code="WS-CY", name="餐饮场所卫生监督", mode="COMPETENT", approvalLevel="DISTRICT",
        keywords=["餐饮服务"], claimDeadlineDays=15, legalBasis="《公共场所卫生管理条例》第二条",
    )  # fmt: skip
    async with db.session(Principal.system()) as session:
        work = await calendar.for_deadline(session, today(), 15)
    five, fifteen = work.add_working_days(today(), 5).isoformat(), work.add_working_days(today(), 15).isoformat()
    unpublished = await _register(
        api, city.tokens["district"], uscc=new_code(body="MA0PET03"), businessScope="餐饮服务"
    )
    health = next(n for n in unpublished["notices"] if n["matter"]["code"] == "WS-CY")
    assert (health["deadline"], health["catalogVersion"]["name"]) == (five, "2026版")
    # ... and a notice forwarded later still follows the rules of the version that routed it.
    forwarded = (await api.data(FORWARD, {"id": health["id"]}, city.tokens["district_health"]))["forwardNotice"]
    assert forwarded["errors"] == []
    assert (forwarded["notice"]["deadline"], forwarded["notice"]["catalogVersion"]) == (five, {"name": "2026版"})

    assert (await _publish(api, city, "2026版修订"))["errors"] == []
    republished = await _register(
        api, city.tokens["district"], uscc=new_code(body="MA0PET04"), businessScope="餐饮服务"
    )
    health = next(n for n in republished["notices"] if n["matter"]["code"] == "WS-CY")
    assert (health["deadline"], health["catalogVersion"]["name"]) == (fifteen, "2026版修订")


async def test_bad_publications_are_refused_and_change_nothing(api: Api, city: DemoCity, db: Database) -> None:
    events = await audit_count(db)
    unchanged = await _publish(api, city, "2026版复本")
    assert [(e["code"], e["field"]) for e in unchanged["errors"]] == [("CATALOG_UNCHANGED", "name")]
    assert unchanged["errors"][0]["message"] == "目录自“2026版”发布以来没有变化，无须发布新版本"
    assert await audit_count(db) == events
    await _upsert(api, city, **PET)
    events = await audit_count(db)
    same_name = await _publish(api, city, " 2026版 ")
    assert [e["code"] for e in same_name["errors"]] == ["DUPLICATE_VERSION"]
    blank = await _publish(api, city, "  ")
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("REQUIRED", "name")]
    too_long = await _publish(api, city, "版" * 33)
    assert [e["code"] for e in too_long["errors"]] == ["TOO_LONG"]
    assert await audit_count(db) == events
    versions = (await api.data(VERSIONS, token=city.tokens["maintainer"]))["catalogVersions"]
    assert [v["name"] for v in versions] == ["2026版"]
    refused = await api.gql(PUBLISH, {"name": "部门自行发布"}, city.tokens["district"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_empty_catalog_cannot_be_published(db: Database) -> None:
    session = await db.write_session(Principal.system("test"))
    async with session:
        try:
            await catalog_versions.publish(session, "2026版")
        except DomainError as error:
            assert (error.code, str(error)) == ("EMPTY_CATALOG", "目录中还没有监管事项，不能发布")
        else:
            raise AssertionError("an empty catalog was published")


async def test_entry_codes_are_matched_before_the_text(api: Api, city: DemoCity) -> None:
    await _upsert(api, city, **PET, entryCodes=["1240501"])
    assert (await _publish(api, city, "2026版含条目代码"))["errors"] == []
    # The codes say 宠物诊疗 though the text does not; matters without codes (餐饮服务's) still match by keyword.
    coded = await _register(
        api, city.tokens["district"], businessScope="餐饮服务；宠物服务", businessScopeCodes=[" 1240501 "]
    )
    assert coded["entity"]["businessScopeCodes"] == ["1240501"]
    assert sorted(n["matter"]["code"] for n in coded["notices"]) == ["SP-CY", "SW-MR", "WS-CY"]
    # A matter with codes matches by them alone when codes are given: 宠物诊疗 in the text is not enough.
    uncoded = await _register(
        api, city.tokens["district"], uscc=new_code(body="MA0PET06"), businessScope="宠物诊疗",
        businessScopeCodes=["9999"],
    )  # fmt: skip
    assert uncoded["notices"] == []
    bad = (
        await api.data(
            REGISTER,
            {"input": registration(uscc=new_code(body="MA0PET05"), persons=[], businessScopeCodes=["12 40"])},
            city.tokens["district"],
        )
    )["registerEntity"]
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID_ENTRY_CODE", "businessScopeCodes")]


async def test_the_demo_city_is_routed_by_the_same_rule_as_one_registration(
    api: Api, city: DemoCity, db: Database
) -> None:
    """seed-demo routes its entities in a batch; registering the same scopes one at a time gives the same notices."""
    assert city.report.catalog_version == "2026版" and city.report.notices > 0
    async with db.session(Principal.system()) as session:
        district = await session.scalar(select(Department.id).where(col(Department.code) == "SCJG-210202"))
        sample = (
            await session.scalars(
                select(MarketEntity)
                .where(col(MarketEntity.registration_authority_id) == district)
                .order_by(col(MarketEntity.id))
                .limit(25)
            )
        ).all()
        departments = {d.id: d.code for d in (await session.scalars(select(Department))).all()}
        matters = {m.id: m.code for m in (await session.scalars(select(SupervisionMatter))).all()}
        seeded: dict[int | None, set[tuple[str, str]]] = {}
        for notice in (await session.scalars(select(Notice))).all():
            route = (matters[notice.matter_id], departments[notice.department_id])
            seeded.setdefault(notice.entity_id, set()).add(route)
    assert sum(1 for e in sample if seeded.get(e.id)) >= 5, "the sample should include routed entities"
    for index, entity in enumerate(sample):
        payload = await _register(
            api, city.tokens["district"], uscc=new_code(body=f"MA0RT{index:03d}"), businessScope=entity.business_scope
        )
        again = {(n["matter"]["code"], n["department"]["code"]) for n in payload["notices"]}
        assert again == seeded.get(entity.id, set()), entity.business_scope


async def test_a_maintainer_publishes_a_version_in_the_admin(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    listed = await client.get("/admin/catalog-version/list")
    assert "2026版" in listed.text and "目录版本" in listed.text
    token = await csrf(client, "/admin/catalog-version/create")
    unchanged = await client.post("/admin/catalog-version/create", data={"name": "2026版（修订）", "csrftoken": token})
    assert "目录自“2026版”发布以来没有变化，无须发布新版本" in unchanged.text
    await _upsert(api, city, **PET)
    token = await csrf(client, "/admin/catalog-version/create")
    form = {"name": "2026版（修订）", "note": "新增宠物诊疗", "csrftoken": token}
    assert (await client.post("/admin/catalog-version/create", data=form)).status_code in (302, 303)
    versions = (await api.data(VERSIONS, token=city.tokens["district"]))["catalogVersions"]
    assert [v["name"] for v in versions] == ["2026版（修订）", "2026版"]
    # Published versions are frozen: no edit page.
    assert "/admin/catalog-version/edit/" not in (await client.get("/admin/catalog-version/list")).text


async def test_department_users_cannot_publish(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    assert (await client.get("/admin/catalog-version/create")).status_code == 403


async def test_batch_routing_is_for_system_jobs_and_a_second_run_changes_nothing(city: DemoCity, db: Database) -> None:
    async with db.session(Principal.system()) as session:
        ids = [i for i in (await session.scalars(select(MarketEntity.id))).all() if i is not None]
        notices = len((await session.scalars(select(Notice.id))).all())
    session = await db.write_session(Principal.system("test"))
    async with session:
        again = await routing.route_batch(session, ids)
        await session.commit()
    assert (again.entities, again.notices) == (len(ids), 0)
    async with db.session(Principal.system()) as session:
        assert len((await session.scalars(select(Notice.id))).all()) == notices
    async with db.session(Principal.system()) as session:
        department = await session.scalar(select(Department).where(col(Department.code) == "SCJG-210202"))
    assert department is not None
    session = await db.write_session(Principal.acting_for(Role.DEPARTMENT, "中山区", department))
    async with session:
        try:
            await routing.route_batch(session, ids)
        except Forbidden as refused:
            assert str(refused) == "批量推送只能由系统任务执行"
        else:
            raise AssertionError("a department ran a batch routing")
