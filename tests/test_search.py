"""searchEntities: found by any fragment of the name, a former name, the USCC, the legal
representative or the address, ranked (exact name, prefix, elsewhere), on either engine."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text
from sqlmodel import col, select

from models import Department, MarketEntity
from models.enums import EntityStatus, EntityType, RiskColour
from services.platform import migrate, sparse, text_index
from services.platform.db import Database
from services.platform.paging import encode_cursor
from services.platform.principal import Principal, PrincipalKind
from services.registry import uscc
from services.registry.registry import RegistrationInput, register_entity
from services.registry.search import SEARCH_CURSOR, search_entities, spread
from tests.conftest import BACKEND, Api, DemoCity
from tests.support.admin import list_page, sign_in
from tests.support.entities import REGISTER, new_code, registration
from tests.support.statements import sent

SEARCH = """
query($t: String!, $first: Int, $after: String) {
  searchEntities(text: $t, first: $first, after: $after) {
    totalCount edges { cursor node { uscc name formerNames } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def _register(api: Api, city: DemoCity, token: str = "city", **fields: Any) -> str:
    data = registration(persons=[], **fields)
    payload = (await api.data(REGISTER, {"input": data}, city.tokens[token]))["registerEntity"]
    assert payload["errors"] == [], payload["errors"]
    return str(payload["entity"]["uscc"])


async def _ids(db: Database) -> dict[str, int]:
    async with db.session(Principal.system()) as session:
        found = await session.execute(select(col(MarketEntity.uscc), col(MarketEntity.id)))
        return {code: int(entity_id or 0) for code, entity_id in found.all()}


async def _in_search_order(db: Database, codes: list[str]) -> list[str]:
    """These entities in the last rank's order: by their ids, spread (services.registry.search)."""
    ids = await _ids(db)
    return sorted(codes, key=lambda code: spread(ids[code]))


async def _found(api: Api, city: DemoCity, fragment: str, token: str = "city") -> list[str]:
    data = await api.data(SEARCH, {"t": fragment, "first": 100}, city.tokens[token])
    return [edge["node"]["uscc"] for edge in data["searchEntities"]["edges"]]


async def test_the_exact_name_comes_first_then_names_that_start_with_it_then_the_rest(
    api: Api, city: DemoCity, db: Database
) -> None:
    # USCC order is the reverse of the ranks: the order shown is the ranking, not the code.
    elsewhere = await _register(api, city, uscc=new_code(body="MA0TXT01"), name="大连鲲鹏翔宇有限公司")
    prefix = await _register(api, city, uscc=new_code(body="MA0TXT02"), name="鲲鹏翔宇餐饮有限公司")
    exact = await _register(api, city, uscc=new_code(body="MA0TXT03"), name="鲲鹏翔宇")
    address = await _register(api, city, uscc=new_code(body="MA0TXT04"), name="大连某某商行", address="鲲鹏翔宇大厦")
    assert await _found(api, city, "鲲鹏翔宇") == [exact, prefix, *await _in_search_order(db, [elsewhere, address])]
    data = await api.data(SEARCH, {"t": "鲲鹏翔宇", "first": 1}, city.tokens["city"])
    assert data["searchEntities"]["totalCount"] == 4


async def test_one_and_two_characters_find_an_entity(api: Api, city: DemoCity) -> None:
    found = await _register(api, city, name="大连鳗鲡水产有限公司")
    assert found in await _found(api, city, "鳗鲡")
    assert found in await _found(api, city, "鲡")
    assert found not in await _found(api, city, "鲡鳗")


async def test_found_by_address_legal_representative_and_a_fragment_of_the_uscc(api: Api, city: DemoCity) -> None:
    code = new_code(body="MA0Q7K9P")
    found = await _register(
        api,
        city,
        uscc=code,
        name="大连晨曦商贸有限公司",
        legalRepresentative="欧阳澜",
        address="辽宁省大连市中山区枫林街 77 号",
    )
    for fragment in ("枫林街", "林街", "欧阳澜", "阳澜", code[8:14].lower(), code[-4:]):
        assert found in await _found(api, city, fragment), fragment


async def test_a_renamed_entity_is_found_by_its_former_name_and_by_its_new_one(api: Api, city: DemoCity) -> None:
    code = await _register(api, city, name="大连旧港湾贸易有限公司")
    renamed = registration(persons=[], uscc=code, name="大连新航线物流有限公司")
    payload = (await api.data(REGISTER, {"input": renamed}, city.tokens["city"]))["registerEntity"]
    assert payload["errors"] == [] and payload["changed"] is True
    assert code in await _found(api, city, "旧港湾")
    assert code in await _found(api, city, "港湾")
    assert code in await _found(api, city, "新航线")
    data = await api.data(SEARCH, {"t": "新航线物流", "first": 5}, city.tokens["city"])
    node = data["searchEntities"]["edges"][0]["node"]
    assert (node["uscc"], node["formerNames"]) == (code, ["大连旧港湾贸易有限公司"])


async def test_the_index_changes_in_the_registering_transaction_and_not_after_a_rollback(
    api: Api, city: DemoCity, db: Database
) -> None:
    principal = Principal(kind=PrincipalKind.MAINTAINER, name="维护人员")
    data = RegistrationInput(
        uscc=new_code(body="MA0RB001"), name="大连回滚测试有限公司", entity_type=EntityType.COMPANY,
        legal_representative="张三", established_on=date(2024, 3, 15), region_code="210202",
        address="辽宁省大连市中山区回滚路 1 号", industry_code="H6210", business_scope="餐饮服务",
        department_code="SCJG-210200",
    )  # fmt: skip
    async with await db.write_session(principal) as session:
        outcome = await register_entity(session, data)
        page = await search_entities(session, "回滚测试", 10, None)
        assert [entity.uscc for entity in page.items] == [outcome.entity.uscc]
        await session.rollback()
    assert await _found(api, city, "回滚测试") == []
    if db.is_sqlite:
        async with db.session(Principal.system()) as session:
            codes = await session.scalar(
                text("SELECT count(*) FROM entity_search_codes WHERE entity_search_codes MATCH :q"),
                {"q": f'uscc : "{data.uscc}"'},
            )
            texts = await session.scalar(
                text("SELECT count(*) FROM entity_search WHERE entity_search MATCH :q"), {"q": '"回滚测试"'}
            )
        assert (codes, texts) == (0, 0)


async def test_paging_walks_the_ranked_list_once(api: Api, city: DemoCity, db: Database) -> None:
    names = ["翠微阁", "翠微阁茶社", "大连翠微阁酒店", "翠微阁书店", "北方翠微阁", "翠微阁花店"]
    codes = [await _register(api, city, uscc=new_code(body=f"MA0PG{n:03d}"), name=name) for n, name in enumerate(names)]
    # Three characters are looked up in the index, two are read row by row: the same order either way.
    for fragment in ("翠微阁", "翠微"):
        whole = await _found(api, city, fragment)
        assert set(whole) == set(codes)
        # The exact name (for 翠微阁), then the names that start with the text by name, then the rest in the
        # search order.
        shown = [names[codes.index(code)] for code in whole]
        rest = [names[codes.index(code)] for code in await _in_search_order(db, [codes[2], codes[4]])]
        assert shown == ["翠微阁", "翠微阁书店", "翠微阁花店", "翠微阁茶社", *rest]
        seen: list[str] = []
        after = None
        while True:
            data = await api.data(SEARCH, {"t": fragment, "first": 2, "after": after}, city.tokens["city"])
            page = data["searchEntities"]
            seen += [edge["node"]["uscc"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == whole
    refused = await api.gql(SEARCH, {"t": "翠微阁", "after": "bm90LWEtY3Vyc29y"}, city.tokens["city"])
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_a_district_never_finds_another_districts_entity(api: Api, city: DemoCity) -> None:
    xigang = await _register(
        api, city, uscc=new_code("210203", "MA0XG001"), name="西岗琥珀灯饰有限公司", regionCode="210203"
    )
    assert await _found(api, city, "琥珀灯饰") == [xigang]
    for fragment in ("西岗琥珀灯饰有限公司", "琥珀灯饰", "琥珀", "珀"):
        data = await api.data(SEARCH, {"t": fragment}, city.tokens["district"])
        found = [edge["node"]["uscc"] for edge in data["searchEntities"]["edges"]]
        assert xigang not in found, fragment
    data = await api.data(SEARCH, {"t": "琥珀灯饰"}, city.tokens["district"])
    assert data["searchEntities"]["totalCount"] == 0


async def test_an_entity_moved_into_a_district_is_found_by_that_districts_search_at_once(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = new_code("210203", "MA0MW001")
    await _register(api, city, uscc=code, name="西岗玳瑁眼镜有限公司", regionCode="210203")
    assert await _found(api, city, "玳瑁眼镜", "district") == []
    assert await _found(api, city, "0mw001", "district") == []
    await _register(api, city, uscc=code, name="西岗玳瑁眼镜有限公司", regionCode="210202")  # moved to 中山
    # By its name and by its USCC's digits: each index holds the district it moved to.
    assert await _found(api, city, "玳瑁眼镜", "district") == [code]
    assert await _found(api, city, "0mw001", "district") == [code]
    monkeypatch.setattr(sparse, "MANY", 1)  # walked in the search order, each row tested
    assert await _found(api, city, "玳瑁眼镜", "district") == [code]
    assert await _found(api, city, "0mw001", "district") == [code]
    await _register(api, city, uscc=code, name="西岗玳瑁眼镜有限公司", regionCode="210203")  # and back
    assert await _found(api, city, "玳瑁眼镜", "district") == []
    assert await _found(api, city, "0mw001", "district") == []


async def test_a_district_desk_reads_only_its_own_districts_hits_of_another_districts_code_digits(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 西岗's code digits (210203) are in each of its 1,000 USCCs and in none of 中山's: the 中山 desk's
    # index read finds none of its own and stops there, rather than walking 西岗's thousand hits.
    await _two_districts_in_turn(db)
    monkeypatch.setattr(sparse, "MANY", 3)  # the city's hits (1,000) are far past MANY; the desk's are none
    with sent(db) as statements:
        assert await _found(api, city, "210203", "district") == []
    walks = [s for s, _ in statements if "ORDER BY" in s and any(part in s for part in ("instr(", "strpos(", "MATCH"))]
    assert walks == [], walks
    if BACKEND == "sqlite":  # its district's USCCs, read from their btree alone: not the codes index's 1,000 hits
        read, parameters = next((s, p) for s, p in statements if "instr(searched.uscc" in s)
        async with db.engine.connect() as connection:
            explained = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + read, parameters)
            plan = " ".join(str(row) for row in explained)
        assert "COVERING INDEX ix_market_entity_region_uscc" in plan, plan
    else:  # one index of a district's USCCs, holding the id for an index-only read (0027; not the drift check's)
        async with db.engine.connect() as connection:
            found = await connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'market_entity'"
                " AND indexdef LIKE '%(region_code, uscc)%'"
            )
            rows: list[Any] = list(found)
            indexes = {str(name): str(definition) for name, definition in rows}
        assert list(indexes) == ["ix_market_entity_region_uscc"], indexes
        assert indexes["ix_market_entity_region_uscc"].endswith("INCLUDE (id)"), indexes
    assert len(await _pages(api, city, "210203", "city", 20, 2)) == 40  # the city's desk walks them


async def test_the_migration_puts_every_registered_entitys_district_in_the_index(
    api: Api, city: DemoCity, db: Database
) -> None:
    def down_to_0023(connection: Any) -> None:
        command.downgrade(migrate.alembic_config(connection), "0023_district_search_indexes")

    async with db.engine.begin() as connection:
        await connection.run_sync(down_to_0023)
    await migrate.upgrade(db)
    # Every seeded 中山 entity found by its own USCC (the index's path), by 中山's desk; none of 西岗's.
    for code in city.zhongshan[:5]:
        assert await _found(api, city, code[2:8] + code[8:12].lower(), "district") == [code]
    assert await _found(api, city, "210203", "district") == []


async def _pages(api: Api, city: DemoCity, fragment: str, token: str, size: int, pages: int | None = None) -> list[str]:
    """The USCCs of the first `pages` pages of a search (every page when None), as `token` reads them."""
    seen: list[str] = []
    after = None
    for _ in itertools.count() if pages is None else range(pages):
        data = await api.data(SEARCH, {"t": fragment, "first": size, "after": after}, city.tokens[token])
        page = data["searchEntities"]
        seen += [edge["node"]["uscc"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return seen


async def test_a_district_desk_pages_a_common_fragment_through_its_own_districts_rows(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked = await _pages(api, city, "大连", "district", 7)  # fewer hits than sparse.MANY: ranked here
    monkeypatch.setattr(sparse, "MANY", 3)  # as many or more: each rank's rows walked in its order
    with sent(db) as statements:
        walked = await _pages(api, city, "大连", "district", 7)
    walks: dict[str, tuple[str, Any]] = {}
    for statement, parameters in statements:
        if "ORDER BY market_entity.name, market_entity.uscc" in statement:
            walks.setdefault("by name", (statement, parameters))
        elif _walks([(statement, parameters)]):
            walks.setdefault("spread", (statement, parameters))
    # Only the district's entities, each once, in the same order whichever way the pages were read:
    # the names that start with the text first, by name, then the rest in the search order.
    assert walked == ranked and len(ranked) > 14
    assert set(ranked) <= set(city.zhongshan) and len(set(ranked)) == len(ranked)
    assert set(walks) == {"by name", "spread"}
    if BACKEND == "sqlite":
        # Each walk reads the district's own rows in its order, not the city's (nor sorts the district's):
        # PostgreSQL sorts a table this small itself; at 1,000,000 it walks the name index, and for the last
        # rank the spread order's (README, bench/search.py).
        for order, index in (
            ("by name", "ix_market_entity_region_name"),
            ("spread", "ix_search_market_entity_region_spread"),
        ):
            statement, parameters = walks[order]
            async with db.engine.connect() as connection:
                explained = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " ".join(str(row) for row in explained)
            assert index in plan and "TEMP B-TREE" not in plan, (order, plan)


async def test_the_text_found_elsewhere_comes_in_the_search_order_whichever_way_the_pages_are_read(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered in the reverse of their USCCs' order: the last rank shows them in neither, but in the
    # search order (a stable order spread from their ids).
    bodies = ["MA0RW004", "MA0RW003", "MA0RW002", "MA0RW001"]
    names = ["大连琮璜文具有限公司", "北方琮璜印务有限公司", "大连某某商行", "辽宁琮璜纸业有限公司"]
    addresses = ["大连市中山区某路1号", "大连市中山区某路2号", "大连市中山区琮璜大厦", "大连市中山区某路4号"]
    codes = [
        await _register(api, city, uscc=new_code(body=body), name=name, address=address)
        for body, name, address in zip(bodies, names, addresses, strict=True)
    ]
    prefix = await _register(api, city, uscc=new_code(body="MA0RW000"), name="琮璜商贸有限公司")
    assert sorted(codes) == codes[::-1]
    ranked = await _pages(api, city, "琮璜", "city", 2)
    monkeypatch.setattr(sparse, "MANY", 1)  # every fragment walked, rank by rank
    walked = await _pages(api, city, "琮璜", "city", 2)
    spread_order = await _in_search_order(db, codes)
    assert ranked == walked == [prefix, *spread_order]
    assert spread_order not in (codes, codes[::-1])
    # A cursor of the last rank that holds a USCC (as before) is refused, not misread.
    # So is one of the registration order before it (an id where a spread id now stands).
    # And a spread id no entity can have (past the database's integer: a server error before).
    for stale in (
        encode_cursor(SEARCH_CURSOR, json.dumps([2, codes[0]])),
        encode_cursor("entity-search", json.dumps([2, 1])),
        encode_cursor(SEARCH_CURSOR, json.dumps([2, 2**70])),
        encode_cursor(SEARCH_CURSOR, json.dumps([2, -1])),
    ):
        refused = await api.gql(SEARCH, {"t": "琮璜", "after": stale}, city.tokens["city"])
        assert refused["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def _rows_before(db: Database, code: str) -> int:
    """How many entities come before this one in the search order, and it: the rows a walk reads to it."""
    ids = await _ids(db)
    return sum(1 for entity_id in ids.values() if spread(entity_id) <= spread(ids[code]))


async def _walked_in_search_order(db: Database, statement: str, parameters: Any) -> None:
    if BACKEND == "sqlite":  # PostgreSQL sorts a table this small itself (bench/search.py at 1,000,000)
        async with db.engine.connect() as connection:
            explained = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = " ".join(str(row) for row in explained)
        assert "ix_search_market_entity_spread" in plan and "TEMP B-TREE" not in plan, plan


def _walks(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The last rank's walks: its rows read in the search order, each tested (not a count of a
    district's sample, text_index.rare_in_district)."""
    return [
        (statement, parameters)
        for statement, parameters in statements
        if "ORDER BY" in statement
        and "2654435761" in statement
        and ("instr(" in statement or "strpos(" in statement)
        and not statement.startswith("SELECT count(")
    ]


@pytest.mark.parametrize("fragment", ["鹿鸣街", "鹿鸣"])
async def test_a_district_desk_reads_its_few_hits_of_a_text_another_district_holds_many_times(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch, fragment: str
) -> None:
    # 西岗's street, in 1,000 of its addresses and one of 中山's: the 中山 desk finds its one without
    # walking its district's rows, which would read every one of them to find it.
    async with db.session(Principal.system()) as session:
        authority = await session.scalar(select(Department.id).where(Department.code == "SCJG-210200"))
        street = [{"address": f"辽宁省大连市西岗区鹿鸣街{n}号"} for n in range(1000)]
        rows = [_entity_row(n, "210203", authority) | address for n, address in enumerate(street)]
        await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
        await session.commit()
    own = await _register(api, city, "district", regionCode="210202", address="辽宁省大连市中山区鹿鸣街1号")
    monkeypatch.setattr(sparse, "MANY", 3)  # the city's hits (1,001) are far past MANY; the desk's one is not
    with sent(db) as statements:
        assert await _found(api, city, fragment, "district") == [own]
    assert _walks(statements) == []
    assert len(await _pages(api, city, fragment, "city", 20, 2)) == 40  # the city's desk walks them


async def test_a_uscc_fragment_bunched_in_uscc_order_is_found_in_the_first_rows_walked(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two districts' entities registered in turn: 西岗's code digits (210203) are in every one of its
    # USCCs, and in USCC order all of 中山's (210202) come before the first of them.
    await _two_districts_in_turn(db)
    ranked = await _pages(api, city, "210203", "city", 20, 3)  # fewer hits than sparse.MANY: ranked here
    monkeypatch.setattr(sparse, "MANY", 3)  # as many or more: walked
    with sent(db) as statements:
        walked = await _pages(api, city, "210203", "city", 20, 3)
    assert walked == ranked and len(set(walked)) == 60
    # The first page's walk reads the rows in the search order up to its twentieth hit: a few dozen,
    # where the USCC order put a thousand of 中山's rows first.
    read = await _rows_before(db, walked[19])
    assert read < 400, read
    await _walked_in_search_order(db, *_walks(statements)[0])


async def test_a_fragment_only_the_last_registered_hold_is_found_in_the_first_rows_walked(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 600 entities; only the last 30 registered hold 尾声 (as a USCC's sequence digits are the last
    # registered's): in registration order every earlier row came first.
    async with db.session(Principal.system()) as session:
        authority = await session.scalar(select(Department.id).where(Department.code == "SCJG-210200"))
        rows = [_entity_row(n, "210202", authority) for n in range(600)]
        for row in rows[-30:]:
            row["name"] = row["name"].replace("贸易", "尾声贸易")
        await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
        await session.commit()
        total = await session.scalar(select(sa.func.count()).select_from(MarketEntity))
    ranked = await _pages(api, city, "尾声贸", "city", 10, 3)  # fewer hits than sparse.MANY: ranked here
    monkeypatch.setattr(sparse, "MANY", 3)  # as many or more: walked
    with sent(db) as statements:
        walked = await _pages(api, city, "尾声贸", "city", 10, 3)
    assert walked == ranked and len(set(walked)) == 30
    # The first page stops at its tenth hit, a third of the way through the search order.
    assert total is not None and await _rows_before(db, walked[9]) < total / 2
    assert len(_walks(statements)) == 3
    await _walked_in_search_order(db, *_walks(statements)[0])


async def _two_districts_in_turn(db: Database) -> None:
    """2,000 entities registered in turn in 中山 (210202) and 西岗 (210203), each USCC holding its code."""
    async with db.session(Principal.system()) as session:
        authority = await session.scalar(select(Department.id).where(Department.code == "SCJG-210200"))
        rows = [_entity_row(n, "210202" if n % 2 == 0 else "210203", authority) for n in range(2000)]
        await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
        await session.commit()


def _entity_row(n: int, region: str, authority: int | None) -> dict[str, Any]:
    return {
        "uscc": uscc.compose("9", "1", region, f"MC{n:06d}"),
        "name": f"大连簇序{n:04d}贸易有限公司",
        "entity_type": EntityType.COMPANY,
        "legal_representative": "张三",
        "status": EntityStatus.ACTIVE,
        "established_on": date(2020, 1, 1),
        "region_code": region,
        "address": "辽宁省大连市某路1号",
        "industry_code": "F5211",
        "business_scope": "一般项目：技术服务",
        "scope_entry_codes": [],
        "registration_authority_id": authority,
        "risk_colour": RiskColour.GREEN,
    }


async def test_a_fragment_most_entities_hold_is_walked_at_the_planners_word_on_postgresql(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked = await _pages(api, city, "大连", "city", 40)
    monkeypatch.setattr(sparse, "MANY", 3)  # every entity's address holds 大连: far past MANY
    with sent(db) as statements:
        walked = await _pages(api, city, "大连", "city", 40)
    assert walked == ranked and len(ranked) > 100
    # The short index's hits: PostgreSQL's GIN hands over every one of them before the first,
    # so its planner's estimate decides and none are read; SQLite reads the first MANY.
    # (totalCount counts every match, through the index, on either engine: not the page's choice.)
    index_reads = [
        s
        for s, _ in statements
        if s.startswith("SELECT") and not s.startswith("SELECT count(") and ("short_grams" in s or "entity_search" in s)
    ]
    assert (index_reads == []) == (BACKEND == "postgres"), index_reads


async def test_percent_and_underscore_are_characters_to_find(api: Api, city: DemoCity) -> None:
    found = await _register(api, city, name="大连百分_之百%科技有限公司")
    assert await _found(api, city, "分_之百%") == [found]
    assert await _found(api, city, "_之") == [found]
    assert await _found(api, city, "%") == [found]
    assert await _found(api, city, "之百%科") == [found]


async def test_the_entity_list_filter_finds_the_same_entities_in_uscc_order(api: Api, city: DemoCity) -> None:
    # The suite's settings check every compiled answer against the ordinary path's.
    query = "query($f: EntityFilter) { entities(first: 100, filter: $f) { totalCount edges { node { uscc } } } }"
    for fragment in ("大连", "连", "有限公司", "鲲鹏"):
        listed = await api.data(query, {"f": {"text": fragment}}, city.tokens["district"])
        codes = [edge["node"]["uscc"] for edge in listed["entities"]["edges"]]
        assert codes == sorted(codes)
        assert set(codes) == set(await _found(api, city, fragment, "district")), fragment


async def test_the_admin_search_box_ranks_and_marks_the_found_text_escaped(api: Api, city: DemoCity) -> None:
    await _register(api, city, uscc=new_code(body="MA0AD001"), name="<b>大连</b>琉璃工坊有限公司")
    await _register(api, city, uscc=new_code(body="MA0AD002"), name="琉璃工坊")
    await sign_in(api.client, "admin", city.report.logins[0].password)
    html = await list_page(api.client, "market-entity", q="琉璃工坊")
    assert html.index("<mark>琉璃工坊</mark></span>") < html.index("&lt;b&gt;大连&lt;/b&gt;<mark>琉璃工坊</mark>")
    assert "<b>大连</b>" not in html


async def test_the_last_one_or_two_characters_of_each_column_are_found_by_the_short_index(
    api: Api, city: DemoCity, db: Database
) -> None:
    # A short fragment is read from an index (the trigrams it begins, or the rows' bigrams): the
    # end of a column has no trigram after it but for the sentinels the index adds there.
    code = await _register(
        api,
        city,
        uscc=new_code(body="MA0HD001"),
        name="大连鸂鶒商行",
        legalRepresentative="欧阳鹡",
        address="大连市鹪鹩",
    )
    for fragment in ("行", "商行", "鹡", "阳鹡", "鹩", "鹪鹩", code[-2:]):
        assert code in await _found(api, city, fragment), fragment
    async with db.session(Principal.system()) as session:
        dialect = session.get_bind().dialect.name
        ids = set((await session.scalars(text_index.candidates(dialect, "鹡"))).all())
        assert len(ids) == 1
    data = await api.data(SEARCH, {"t": "鹩鹪", "first": 20}, city.tokens["city"])
    assert data["searchEntities"]["totalCount"] == 0 and data["searchEntities"]["edges"] == []


async def test_full_width_letters_are_found_whatever_their_case_on_the_index_and_row_by_row(
    api: Api, city: DemoCity, db: Database
) -> None:
    code = await _register(api, city, uscc=new_code(body="MA0FW001"), name="ＴＣＬ鹲鹱科技有限公司")
    for fragment in ("ＴＣ", "ＴＣＬ鹲", "ｔｃｌ鹲", "Ｌ"):
        assert code in await _found(api, city, fragment), fragment
    async with db.session(Principal.system()) as session:
        for fragment in ("ＴＣ", "ＴＣＬ鹲"):  # the walk taken when a fragment is common
            rows = select(MarketEntity.uscc).where(text_index.scanned(fragment))
            assert code in (await session.scalars(rows)).all(), fragment


async def test_an_sqlite_too_old_for_the_index_is_refused_before_migrating_with_the_fix(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    if not db.is_sqlite:  # PostgreSQL's index is pg_trgm's, whatever Python's SQLite
        await migrate.upgrade(db)
        return
    with pytest.raises(migrate.UnsupportedDatabase, match=r"SQLite 3\.31\.1 过旧.*3\.34.*pysqlite3-binary"):
        await migrate.upgrade(db)


async def test_a_seeded_city_has_the_planner_statistics_of_its_registry_on_either_engine(
    api: Api, city: DemoCity, db: Database
) -> None:
    # A bulk load (seed-demo, the benches) refreshes them: without them SQLite plans a district's
    # search by the USCC index, walking the whole city.
    async with db.session(Principal.system()) as session:
        if db.is_sqlite:
            query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'market_entity'"
        else:
            query = "SELECT count(*) FROM pg_stats WHERE tablename = 'market_entity'"
        assert await session.scalar(text(query))
