"""检查结果类别: a versioned table; maintainers set a whole new version, the newest is in force,
and the old versions stay readable for the results recorded under them."""

from __future__ import annotations

from typing import Any

from models.enums import ResultConsequence
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks import categories_in_force, category_of
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import audit_count, last_audit
from tests.support.lists import CATEGORIES, SET_CATEGORIES


async def _set(api: Api, table: list[dict[str, str]], token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(SET_CATEGORIES, {"i": table}, token))["setResultCategories"]
    return payload


def _table(categories: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{k: c[k] for k in ("code", "name", "consequence")} for c in categories]


async def test_the_seeded_version_is_in_force_for_everyone(api: Api, city: DemoCity) -> None:
    for role in ("district", "city_health", "maintainer"):
        listed = (await api.data(CATEGORIES, {}, city.tokens[role]))["resultCategories"]
        assert len(listed) == 9 and {c["version"] for c in listed} == {1}, role
        assert listed[0] == {
            "version": 1, "code": "NO_PROBLEM", "name": "未发现问题", "consequence": "NONE", "position": 1
        }  # fmt: skip
        proposals = {c["name"] for c in listed if c["consequence"] == "ABNORMAL_LISTING_PROPOSAL"}
        assert proposals == {
            "未按规定公示应当公示的信息",
            "公示信息隐瞒真实情况、弄虚作假",
            "通过登记的住所（经营场所）无法联系",
        }


async def test_a_maintainer_sets_a_new_version_and_results_keep_theirs(api: Api, city: DemoCity, db: Database) -> None:
    token = city.tokens["maintainer"]
    first = (await api.data(CATEGORIES, {}, token))["resultCategories"]
    # 不配合检查 dropped, a new code added, one renamed: a whole new table.
    wanted = [c for c in _table(first) if c["code"] != "REFUSED_INSPECTION"]
    wanted[0]["name"] = "未发现问题（合格）"
    wanted.append({"code": "LICENSE_MISSING", "name": "未取得许可从事经营", "consequence": "FOLLOW_UP"})
    done = await _set(api, wanted, token)
    assert done["errors"] == [] and done["version"] == 2
    in_force = (await api.data(CATEGORIES, {}, city.tokens["district"]))["resultCategories"]
    assert _table(in_force) == wanted and {c["version"] for c in in_force} == {2}
    old = (await api.data(CATEGORIES, {"v": 1}, city.tokens["district"]))["resultCategories"]
    assert _table(old) == _table(first)
    assert (await api.data(CATEGORIES, {"v": 7}, token))["resultCategories"] == []
    event = await last_audit(db, "result_categories.set")
    assert event.object_id == "2" and event.after is not None and event.after["categories"] == wanted

    async with db.session(Principal.system()) as session:
        version, categories = await categories_in_force(session)
        assert version == 2 and "REFUSED_INSPECTION" not in categories
        assert categories["LICENSE_MISSING"].consequence is ResultConsequence.FOLLOW_UP
        kept = await category_of(session, 1, "REFUSED_INSPECTION")
        assert kept is not None and kept.name == "不配合检查情节严重"
        assert await category_of(session, 2, "REFUSED_INSPECTION") is None

    # The same table again is no new version.
    events = await audit_count(db)
    same = await _set(api, wanted, token)
    assert error_codes(same) == {("input", "CATEGORIES_UNCHANGED")} and same["version"] is None
    assert await audit_count(db) == events


async def test_a_bad_table_is_refused_and_no_version_is_made(api: Api, city: DemoCity) -> None:
    token = city.tokens["maintainer"]
    bad = [
        {"code": "NO_PROBLEM", "name": "未发现问题"},
        {"code": "no_problem", "name": "重复"},
        {"code": "9X", "name": "  "},
        {"code": "OK", "name": "带\x07控制字符"},
    ]
    refused = await _set(api, bad, token)
    assert error_codes(refused) == {
        ("input.1.code", "DUPLICATE_CATEGORY_CODE"),
        ("input.2.code", "INVALID_CATEGORY_CODE"),
        ("input.2.name", "REQUIRED"),
        ("input.3.name", "INVALID_TEXT"),
    }
    empty = await _set(api, [], token)
    assert error_codes(empty) == {("input", "CATEGORIES_REQUIRED")}
    listed = (await api.data(CATEGORIES, {}, token))["resultCategories"]
    assert {c["version"] for c in listed} == {1}


async def test_only_maintainers_set_the_categories(api: Api, city: DemoCity) -> None:
    body = await api.gql(SET_CATEGORIES, {"i": [{"code": "X1", "name": "某类别"}]}, city.tokens["district"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
