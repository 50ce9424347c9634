"""The registry list's search box over more matches than it reads: a page costs a page, the count
stops at 1,000 and says so, the pages follow searchEntities' ranking, a district desk keeps to its
district, the found text is marked and the rest escaped."""

from __future__ import annotations

import re

from services.platform.db import Database
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import list_page, sign_in, staff_password
from tests.support.entities import REGISTER, insert_entities, new_code, registration

ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)
NAME = re.compile(r'<td[^>]*data-column="name"[^>]*>\s*<span class="cell-wrap">(.*?)</span>', re.S)
CODE = re.compile(r"9[0-9A-Z]{17}")
SEARCH = """
query($t: String!, $first: Int) { searchEntities(text: $t, first: $first) { edges { node { uscc } } } }
"""


def _names(html: str) -> list[str]:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return [found for row in ROW.findall(body) for found in NAME.findall(row)]


def _codes(html: str) -> list[str]:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return CODE.findall(body)


def _total(html: str) -> str:
    """The list's total as it reads above the table, e.g. "共 600 户"."""
    found = re.search(r'<div class="quick-filter-total">(.*?)</div>', html, re.S)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1))


async def test_more_matches_than_the_list_reads_say_so_with_the_exact_name_first(
    api: Api, city: DemoCity, db: Database
) -> None:
    await insert_entities(db, "磐石", 1010, "210202")
    exact = registration(uscc=new_code(body="MBYYYYYY"), name="磐石", persons=[])
    assert (await api.data(REGISTER, {"input": exact}, city.tokens["city"]))["registerEntity"]["errors"] == []
    await sign_in(api.client, "admin", city.report.logins[0].password)
    html = await list_page(api.client, "market-entity", q="磐石")
    assert _names(html)[0] == "<mark>磐石</mark>"
    assert _total(html) == "共 1,000 户以上"
    assert "共 1,000+ 条" in html and "1011" not in html and "1,000 以上" not in html
    assert "只列出前 1,000 户" in html and "缩小范围" in html
    # The page past the 1,000th match asks for a narrower term rather than reading on.
    beyond = await list_page(api.client, "market-entity", q="磐石", page=11)
    assert _names(beyond) == [] and "只列出前 1,000 户" in beyond


async def test_the_pages_follow_the_ranking_without_gaps_or_repeats(api: Api, city: DemoCity, db: Database) -> None:
    # Names that start with the term come by name (searchEntities' order), here the reverse of USCC order.
    await insert_entities(db, "琨瑶", 1010, "210202")
    ranked = await api.data(SEARCH, {"t": "琨瑶", "first": 75}, city.tokens["city"])
    expected = [edge["node"]["uscc"] for edge in ranked["searchEntities"]["edges"]]
    await sign_in(api.client, "admin", city.report.logins[0].password)
    pages = [_codes(await list_page(api.client, "market-entity", q="琨瑶", page=n, page_size=25)) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [25, 25, 25]
    assert pages[0] + pages[1] + pages[2] == expected
    last = _codes(await list_page(api.client, "market-entity", q="琨瑶", page=10))  # rows 901 to 1,000
    assert len(last) == 100 and not set(last) & set(pages[0] + pages[1] + pages[2])


async def test_a_district_desk_counts_and_sees_only_its_districts_matches(
    api: Api, city: DemoCity, db: Database, settings: Settings
) -> None:
    zhongshan = set(await insert_entities(db, "瑾瑜", 600, "210202"))
    xigang = set(await insert_entities(db, "瑾瑜", 600, "210203", first=600))
    await sign_in(api.client, "scjg-210202", staff_password(city))
    seen: set[str] = set()
    for number in range(1, 8):
        html = await list_page(api.client, "market-entity", q="瑾瑜", page=number)
        assert _total(html) == "共 600 户"
        seen |= set(_codes(html))
    assert seen == zhongshan and not seen & xigang
    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        assert _total(await list_page(maintainer, "market-entity", q="瑾瑜")) == "共 1,000 户以上"


async def test_a_filter_beside_the_term_keeps_the_exact_name_first_marked_and_escaped(
    api: Api, city: DemoCity, db: Database
) -> None:
    await insert_entities(db, "琅玕", 1010, "210202")
    for body, name in (("MBYYYYYX", "<b>大连</b>琅玕%_工坊"), ("MBYYYYYY", "琅玕")):
        entity = registration(uscc=new_code(body=body), name=name, persons=[])
        assert (await api.data(REGISTER, {"input": entity}, city.tokens["city"]))["registerEntity"]["errors"] == []
    await sign_in(api.client, "admin", city.report.logins[0].password)
    chosen = "region_code__eq=210202"
    html = await list_page(api.client, "market-entity", q="琅玕", filter=chosen)
    # The exact name's USCC comes after the first 1,000 matches', and it still comes first.
    assert _names(html)[0] == "<mark>琅玕</mark>"
    assert _total(html) == "共 1,000 户以上"
    marked = await list_page(api.client, "market-entity", q="琅玕%_", filter=chosen)
    assert _names(marked) == ["&lt;b&gt;大连&lt;/b&gt;<mark>琅玕%_</mark>工坊"]
    assert _total(marked) == "共 1 户"


async def test_a_column_the_user_orders_by_orders_the_found_rows(api: Api, city: DemoCity) -> None:
    found = (("玳瑁", "2001-01-01"), ("玳瑁书店", "2012-06-01"), ("北方玳瑁商行", "2023-09-01"))
    for n, (name, day) in enumerate(found):
        entity = registration(uscc=new_code(body=f"MBCL000{n}"), name=name, establishedOn=day, persons=[])
        assert (await api.data(REGISTER, {"input": entity}, city.tokens["city"]))["registerEntity"]["errors"] == []
    await sign_in(api.client, "admin", city.report.logins[0].password)
    ranked = await list_page(api.client, "market-entity", q="玳瑁", sort="uscc__asc")  # the search form's default
    assert _names(ranked) == ["<mark>玳瑁</mark>", "<mark>玳瑁</mark>书店", "北方<mark>玳瑁</mark>商行"]
    newest = await list_page(api.client, "market-entity", q="玳瑁", sort="established_on__desc")
    assert _names(newest) == ["北方<mark>玳瑁</mark>商行", "<mark>玳瑁</mark>书店", "<mark>玳瑁</mark>"]
