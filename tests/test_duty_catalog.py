"""监管职责目录: supervision matters, kept by maintainers and matched against business scopes."""

from __future__ import annotations

from datetime import date

from services.catalog import catalog_versions
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import last_audit
from tests.support.catalog import UPSERT, matter


async def test_the_demo_catalog_is_in_force(api: Api, city: DemoCity) -> None:
    query = "{ supervisionMatters { code line approvalLevel handlingDepartment { code } } }"
    matters = {m["code"]: m for m in (await api.data(query, token=city.tokens["district"]))["supervisionMatters"]}
    assert len(matters) >= 20
    assert matters["SP-XS"] == {
        "code": "SP-XS",
        "line": "SCJG",
        "approvalLevel": "DISTRICT",
        "handlingDepartment": None,
    }
    # Approved at city level: the line's city department takes the notices unless the catalog names one.
    assert matters["DL-WX"]["handlingDepartment"] == {"code": "JT-210200"}


async def test_a_maintainer_adds_a_matter_and_it_is_audited(api: Api, city: DemoCity, db: Database) -> None:
    payload = (await api.data(UPSERT, {"i": matter()}, city.tokens["maintainer"]))["upsertSupervisionMatter"]
    assert payload["errors"] == []
    assert payload["matter"]["handlingDepartment"] == {"code": "WJ-210200"}
    assert payload["matter"]["claimDeadlineDays"] == 10
    event = await last_audit(db)
    assert (event.action, event.object_id) == ("matter.upserted", "XD-CP")
    assert event.after is not None and event.after["keywords"] == ["消毒产品生产", "消毒剂生产"]


async def test_bad_matters_are_refused_with_reasons(api: Api, city: DemoCity) -> None:
    bad = matter(line="NOPE", keywords=[], claimDeadlineDays=0, effectiveTo="2025-01-01", legalBasis=" ")
    payload = (await api.data(UPSERT, {"i": bad}, city.tokens["maintainer"]))["upsertSupervisionMatter"]
    assert payload["matter"] is None
    assert error_codes(payload) >= {
        ("line", "UNKNOWN_LINE"),
        ("keywords", "MATCH_RULE_REQUIRED"),
        ("claimDeadlineDays", "INVALID_DEADLINE"),
        ("effectiveTo", "INVALID_RANGE"),
        ("legalBasis", "REQUIRED"),
    }
    payload = (await api.data(UPSERT, {"i": matter(handlingDepartmentCode="NOPE-1")}, city.tokens["maintainer"]))[
        "upsertSupervisionMatter"
    ]
    assert error_codes(payload) == {("handlingDepartmentCode", "UNKNOWN_DEPARTMENT")}


async def test_the_catalog_matches_a_registered_scope(db: Database, city: DemoCity) -> None:
    async with db.session(Principal.system()) as session:
        published = await catalog_versions.current(session)
    assert published is not None
    found = published.matcher_on(date(2026, 11, 26)).match("食品销售；餐饮服务；日用百货销售")
    assert found.matter_keys == ["SP-XS", "SP-CY", "WS-CY"]
    assert found.unmatched == ["日用百货销售"]


async def test_a_matter_no_longer_in_force_matches_nothing(api: Api, city: DemoCity, db: Database) -> None:
    ended = matter(code="OLD-1", keywords=["旧事项"], effectiveTo="2026-06-30", approvalLevel="DISTRICT")
    assert (await api.data(UPSERT, {"i": ended}, city.tokens["maintainer"]))["upsertSupervisionMatter"]["errors"] == []
    publish = 'mutation { publishCatalogVersion(name: "2026版（含旧事项）") { errors { code } } }'
    assert (await api.data(publish, token=city.tokens["maintainer"]))["publishCatalogVersion"]["errors"] == []
    async with db.session(Principal.system()) as session:
        published = await catalog_versions.current(session)
    assert published is not None
    before, after = published.matcher_on(date(2026, 6, 30)), published.matcher_on(date(2026, 7, 1))
    assert before.match("旧事项").matter_keys == ["OLD-1"]
    assert after.match("旧事项").matter_keys == []
    # The live catalog answers by the same rule: in force through its last day, not after.
    listed = "query($d: Date) { supervisionMatters(effectiveOn: $d) { code } }"
    for day, expected in (("2026-06-30", True), ("2026-07-01", False)):
        codes = {m["code"] for m in (await api.data(listed, {"d": day}, city.tokens["district"]))["supervisionMatters"]}
        assert ("OLD-1" in codes) is expected, day
