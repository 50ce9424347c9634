"""检查对象名录库: a department's saved filters over the registry, and what they match now."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, func, select

from models import MarketEntity, Notice, SupervisionMatter
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.api import payload_of
from tests.support.draws import DISTRICT, DISTRICT_HEALTH

UPSERT = """
mutation($i: UpsertEntityDirectoryInput!) {
  upsertEntityDirectory(input: $i) {
    directory { id name department { code } filterText entityCount
      filter { regionCode industryPrefix entityType status matterCode colours } }
    entityCount errors { field code message }
  }
}
"""
LIST = "query($d: String) { entityDirectories(departmentCode: $d) { name department { code } entityCount } }"


async def upsert(api: Api, token: str, **values: Any) -> dict[str, Any]:
    return await payload_of(
        api, UPSERT, {"name": "中山区存续主体", "filter": {"regionCode": "210202"}, **values}, token
    )


async def test_a_directory_counts_the_entities_it_matches_now(api: Api, city: DemoCity) -> None:
    saved = await upsert(api, city.tokens["district"], filter={"regionCode": "210202", "status": "ACTIVE"})
    assert saved["errors"] == []
    directory = saved["directory"]
    assert directory["department"]["code"] == DISTRICT
    assert directory["filter"] == {
        "regionCode": "210202", "industryPrefix": None, "entityType": None, "status": "ACTIVE", "matterCode": None,
        "colours": None,
    }  # fmt: skip
    assert 0 < saved["entityCount"] <= len(city.zhongshan)
    assert directory["entityCount"] == saved["entityCount"]
    # The same name again is the same directory, changed.
    again = await upsert(api, city.tokens["district"], filter={"regionCode": "210202", "colours": ["RED", "GREEN"]})
    assert again["directory"]["id"] == directory["id"]
    assert again["directory"]["filter"]["colours"] == ["GREEN", "RED"]
    listed = (await api.data(LIST, token=city.tokens["district"]))["entityDirectories"]
    assert [d["name"] for d in listed] == ["中山区存续主体"]
    assert (await api.data(LIST, token=city.tokens["other_district"]))["entityDirectories"] == []


async def test_a_city_region_covers_its_districts(api: Api, city: DemoCity) -> None:
    saved = await upsert(api, city.tokens["city"], name="全市", filter={"regionCode": "210200"})
    assert saved["entityCount"] == 150


async def test_bad_filters_are_named(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    bad = await upsert(
        api, token, filter={"regionCode": "219999", "industryPrefix": "H6x", "matterCode": "NO-SUCH"}, name=""
    )
    assert sorted((e["field"], e["code"]) for e in bad["errors"]) == [
        ("filter.industryPrefix", "INVALID_INDUSTRY_PREFIX"),
        ("filter.matterCode", "UNKNOWN_MATTER"),
        ("filter.regionCode", "UNKNOWN_REGION"),
        ("name", "REQUIRED"),
    ]
    assert (await upsert(api, token, filter={"regionCode": "21"}))["errors"][0]["code"] == "INVALID_REGION_CODE"


async def test_a_maintainer_keeps_the_directory_of_the_department_it_names(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    assert [e["code"] for e in (await upsert(api, token))["errors"]] == ["DEPARTMENT_REQUIRED"]
    saved = await upsert(api, token, departmentCode=DISTRICT_HEALTH)
    assert saved["directory"]["department"]["code"] == DISTRICT_HEALTH
    mine = (await api.data(LIST, token=city.tokens["district_health"]))["entityDirectories"]
    assert [d["name"] for d in mine] == ["中山区存续主体"]
    assert [
        d["department"]["code"] for d in (await api.data(LIST, {"d": DISTRICT_HEALTH}, token))["entityDirectories"]
    ] == [DISTRICT_HEALTH]


async def test_a_matter_weighs_every_departments_notices(api: Api, city: DemoCity, db: Database) -> None:
    """中山区卫生健康局 holds no notice of 食品销售, yet its directory finds the entities that have one."""
    async with db.session(Principal.system()) as session:
        expected = await session.scalar(
            select(func.count(func.distinct(col(Notice.entity_id))))
            .join(SupervisionMatter, col(SupervisionMatter.id) == Notice.matter_id)
            .join(MarketEntity, col(MarketEntity.id) == Notice.entity_id)
            .where(col(SupervisionMatter.code) == "SP-XS", col(MarketEntity.region_code) == "210202")
        )
    assert expected
    saved = await upsert(api, city.tokens["district_health"], filter={"regionCode": "210202", "matterCode": "SP-XS"})
    assert saved["entityCount"] == expected
    assert "SP-XS" in saved["directory"]["filterText"]
