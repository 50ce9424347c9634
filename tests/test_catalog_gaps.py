"""目录缺口: the scope phrases no matter answers to, and the notices departments returned."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from services.notices.catalog_gaps import ReturnedGroup, UnmatchedPhrases, returned_notices, unmatched_phrases
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import sign_in
from tests.support.entities import REGISTER_FOR_ROUTING, new_code, registration

RETURN = "mutation($id: ID!, $r: String!) { returnNotice(id: $id, reason: $r) { errors { code } } }"
UPSERT = "mutation($i: UpsertSupervisionMatterInput!) { upsertSupervisionMatter(input: $i) { errors { code } } }"
PHRASE = "宠物美容服务"


async def _register(api: Api, city: DemoCity, body: str, scope: str) -> dict[str, Any]:
    data = registration(uscc=new_code(body=body), name=f"大连{body[-2:]}宠物生活馆有限公司", businessScope=scope,
                        persons=[])  # fmt: skip
    payload: dict[str, Any] = (await api.data(REGISTER_FOR_ROUTING, {"input": data}, city.tokens["district"]))[
        "registerEntity"
    ]
    assert payload["errors"] == []
    return payload


async def _every_page(client: httpx.AsyncClient, path: str) -> list[str]:
    """The gaps page and each page after it, by its 下一页 link (the phrases are paged)."""
    pages = [(await client.get(path))]
    while following := re.search(
        r'<li class="page-item ">\s*<a class="page-link" href="([^"]+)" rel="next"', pages[-1].text
    ):
        pages.append(await client.get(html.unescape(following.group(1))))
    assert all(page.status_code == 200 for page in pages)
    assert all(page.text.count("data-phrase=") <= 20 for page in pages), "twenty phrases a page"
    return [page.text for page in pages]


async def _unmatched(db: Database, scan_limit: int = 5_000) -> UnmatchedPhrases:
    async with db.session(Principal.system("gaps-test")) as session:
        return await unmatched_phrases(session, scan_limit)


async def _returned(db: Database) -> dict[tuple[str, str], ReturnedGroup]:
    async with db.session(Principal.system("gaps-test")) as session:
        return {(g.matter_code, g.department_code): g for g in await returned_notices(session)}


def _phrase(found: UnmatchedPhrases, phrase: str) -> tuple[int, set[str]]:
    gap = next((g for g in found.phrases if g.phrase == phrase), None)
    return (gap.entities, {e.uscc for e in gap.samples}) if gap else (0, set())


async def test_a_phrase_the_catalog_lacks_is_listed_with_its_entities(api: Api, city: DemoCity, db: Database) -> None:
    before, _ = _phrase(await _unmatched(db), PHRASE)
    first = await _register(api, city, "MA0QW4A1", "宠物美容服务；宠物用品销售")
    second = await _register(
        api, city, "MA0QW4A2", "宠物美容服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    # Served by the catalog for its other items: not in the open pool, so not counted.
    served = await _register(api, city, "MA0QW4A3", "餐饮服务；宠物美容服务")
    assert served["notices"] and not first["notices"] and not second["notices"]

    found = await _unmatched(db)
    count, samples = _phrase(found, PHRASE)
    assert count == before + 2
    assert {first["entity"]["uscc"], second["entity"]["uscc"]} <= samples
    assert served["entity"]["uscc"] not in samples
    assert _phrase(found, "宠物用品销售")[0] >= 1
    counts = [g.entities for g in found.phrases]
    assert counts == sorted(counts, reverse=True), "most frequent first"
    assert found.scanned == found.pool_size

    # The scan is bounded: the newest pool entities first.
    newest = await _unmatched(db, scan_limit=1)
    assert newest.scanned == 1 and newest.pool_size == found.pool_size
    assert [(g.phrase, g.entities) for g in newest.phrases] == [(PHRASE, 1)]

    # A matter for it closes the gap only once published: until then new registrations still miss it.
    matter = {
        "code": "CW-MR", "name": "宠物美容场所卫生监督", "mode": "COMPETENT", "legalBasis": "《公共场所卫生管理条例》",
        "line": "WJ", "approvalLevel": "DISTRICT", "effectiveFrom": "2026-01-01", "keywords": ["宠物美容"],
    }  # fmt: skip
    assert (await api.data(UPSERT, {"i": matter}, city.tokens["maintainer"]))["upsertSupervisionMatter"]["errors"] == []
    assert _phrase(await _unmatched(db), PHRASE)[0] == count
    publish = 'mutation { publishCatalogVersion(name: "2026版（宠物）") { errors { code } } }'
    assert (await api.data(publish, token=city.tokens["maintainer"]))["publishCatalogVersion"]["errors"] == []
    after = await _unmatched(db)
    assert after.version == "2026版（宠物）" and _phrase(after, PHRASE) == (0, set())


async def test_returned_notices_are_grouped_by_matter_with_their_reasons(
    api: Api, city: DemoCity, db: Database
) -> None:
    before = await _returned(db)
    earlier = before.get(("WS-CY", "WJ-210202"))
    reason = "仅外卖配送，不设堂食，不属于公共场所卫生监督"
    returned: list[str] = []
    for body in ("MA0QW4B1", "MA0QW4B2"):
        payload = await _register(api, city, body, "餐饮服务")
        notice = next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")
        answer = await api.data(RETURN, {"id": notice["id"], "r": reason}, city.tokens["district_health"])
        assert answer["returnNotice"]["errors"] == []
        returned.append(payload["entity"]["uscc"])

    group = (await _returned(db))[("WS-CY", "WJ-210202")]
    assert group.notices == (earlier.notices if earlier else 0) + 2
    assert (group.matter_name, group.department_name) == ("餐饮场所卫生监督", "中山区卫生健康局")
    assert (reason, 2) in group.reasons
    assert [e.uscc for e in group.samples[:2]] == returned[::-1], "the newest returns first"


async def test_maintainers_read_the_gaps_page_and_departments_are_refused(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    first = await _register(api, city, "MA0QW4C1", PHRASE)
    payload = await _register(api, city, "MA0QW4C2", "餐饮服务")
    notice = next(n for n in payload["notices"] if n["department"]["code"] == "WJ-210202")
    await api.data(RETURN, {"id": notice["id"], "r": "非本局事项"}, city.tokens["district_health"])

    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    pages = await _every_page(client, "/admin/catalog-gaps")
    assert "目录缺口" in pages[0] and "已扫描其中最新登记的" in pages[0]
    found = next(page for page in pages if f'data-phrase="{PHRASE}"' in page)
    assert first["entity"]["uscc"] in found
    # The returned notices are paged on their own: their first page stays beside each phrase page.
    assert 'data-matter="WS-CY" data-department="WJ-210202"' in found and "非本局事项" in found
    assert payload["entity"]["uscc"] in found

    async with make_client(settings, db) as department:
        await sign_in(department, "scjg-210202", city.report.logins[1].password)
        assert (await department.get("/admin/catalog-gaps")).status_code == 403
