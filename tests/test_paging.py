"""services.platform.paging and services.platform.transitions: every list pages by one keyset
rule (cursors integrators hold keep their format; ties in a sort key neither repeat nor lose a
row; a refused cursor is INVALID_CURSOR), and every conditional state change lets exactly one of
two concurrent requests through, the other refused with the caller's own code."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity, Notice
from models.enums import NoticeStatus
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.paging import Key, both_ways, encode_cursor, keyset_page, numbered_page, numbered_slice
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.platform.transitions import transition
from tests.conftest import Api, DemoCity

SYSTEM = Principal.system("paging-test")


def _unpadded_b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_is_its_kind_and_key_in_unpadded_url_safe_base64() -> None:
    """The format integrators hold between calls: it must never change."""
    assert encode_cursor("notice", "12") == "bm90aWNlOjEy"
    assert encode_cursor("entity", "91210202MA0QW3R81X") == "ZW50aXR5OjkxMjEwMjAyTUEwUVczUjgxWA"
    assert encode_cursor("listing", "7") == _unpadded_b64("listing:7")


# (what is walked, key columns, newest first?, page size)
WALKS: list[tuple[str, list[Key], bool, int]] = [
    ("USCC order", [col(MarketEntity.uscc)], False, 37),
    ("by id, newest first; the last page exactly full", [col(MarketEntity.id)], True, 50),
    ("region, ties broken by id", [col(MarketEntity.region_code), col(MarketEntity.id)], False, 7),
    ("date founded, ties broken by id, newest first",
     [col(MarketEntity.established_on), col(MarketEntity.id)], True, 11),
    ("time stored, ties broken by id", [col(MarketEntity.created_at), col(MarketEntity.id)], False, 40),
    ("registered capital, ties broken by id",
     [col(MarketEntity.registered_capital), col(MarketEntity.id)], True, 9),
    ("status, ties broken by id, newest first", [col(MarketEntity.status), col(MarketEntity.id)], True, 13),
    ("one page holds them all", [col(MarketEntity.uscc)], False, 100),
]  # fmt: skip


async def _make_ties(db: Database) -> None:
    """Every third entity founded, stored and capitalised alike, beside the others' own values:
    ties in every sort key the walks use, whatever the demo city's seed makes."""
    async with await db.write_session(SYSTEM) as session:
        stored_at = datetime(2026, 1, 5, 8, 30, 15, 250000, tzinfo=UTC)
        alike = {"established_on": date(2020, 1, 2), "created_at": stored_at, "registered_capital": Decimal("500.50")}
        await session.execute(update(MarketEntity).where(col(MarketEntity.id) % 3 == 0).values(**alike))
        others = update(MarketEntity).where(col(MarketEntity.id) % 3 != 0)
        await session.execute(others.values(registered_capital=Decimal("1200.25")))
        await session.execute(others.where(col(MarketEntity.id) % 3 == 1).values(registered_capital=Decimal("80")))
        await session.commit()


async def _walk(
    session: AsyncSession, keys: Sequence[Key], descending: bool, size: int, kind: str = "walk"
) -> list[int | None]:
    seen: list[int | None] = []
    after = None
    while True:
        page = await keyset_page(session, select(MarketEntity), keys, kind, size, after, descending=descending)
        assert page.has_previous_page is (after is not None)
        assert len(page.items) == len(page.cursors) and len(page.items) <= size
        seen += [entity.id for entity in page.items]
        if not page.has_next_page:
            assert page.items or after is None, "no empty last page"
            return seen
        assert len(page.items) == size
        after = page.cursors[-1]


@pytest.mark.parametrize(("name", "keys", "descending", "size"), WALKS, ids=[walk[0] for walk in WALKS])
async def test_walking_the_pages_yields_every_row_once_in_key_order(
    city: DemoCity, db: Database, name: str, keys: list[Key], descending: bool, size: int
) -> None:
    await _make_ties(db)
    async with db.session(SYSTEM) as session:
        ordered = select(MarketEntity).order_by(*(key.desc() if descending else key for key in keys))
        everything = list((await session.scalars(ordered)).all())
        if len(keys) > 1:
            sort_values = [getattr(entity, keys[0].key) for entity in everything]  # type: ignore[attr-defined]
            assert len(set(sort_values)) < len(sort_values), f"{name}: the demo city should have ties"
        assert await _walk(session, keys, descending, size) == [entity.id for entity in everything]


async def test_numbered_pages_cover_every_row_once_and_a_number_outside_them_is_the_nearest(
    city: DemoCity, db: Database
) -> None:
    async with db.session(SYSTEM) as session:
        rows = select(MarketEntity)
        order: list[ColumnElement[Any]] = [col(MarketEntity.established_on).desc(), col(MarketEntity.id).desc()]
        everything = [entity.id for entity in (await session.scalars(rows.order_by(*order))).all()]
        pages = -(-len(everything) // 20)
        assert pages >= 3
        walked: list[int | None] = []
        for number in range(1, pages + 1):
            page = await numbered_page(session, rows, order, col(MarketEntity.id), number, 20)
            assert (page.total, page.number, page.pages) == (len(everything), number, pages)
            walked += [entity.id for entity in page.items]
        assert walked == everything
        last = await numbered_page(session, rows, order, col(MarketEntity.id), pages + 5, 20)
        first = await numbered_page(session, rows, order, col(MarketEntity.id), 0, 20)
        assert (last.number, [e.id for e in last.items]) == (pages, everything[(pages - 1) * 20 :])
        assert (first.number, [e.id for e in first.items]) == (1, everything[:20])
        none = await numbered_page(session, rows.where(col(MarketEntity.id) < 0), order, col(MarketEntity.id), 2, 20)
        assert (none.items, none.total, none.number, none.pages) == ([], 0, 1, 1)


def test_a_ranked_list_in_memory_pages_by_the_same_rule() -> None:
    ranked = list(range(45))
    pages = [numbered_slice(ranked, number, 20) for number in (1, 2, 3)]
    assert [p.items for p in pages] == [ranked[:20], ranked[20:40], ranked[40:]]
    assert {(p.total, p.pages) for p in pages} == {(45, 3)}
    assert numbered_slice(ranked, 9, 20).number == 3 and numbered_slice(ranked, 0, 20).items == ranked[:20]
    empty = numbered_slice(list[int](), 2, 20)
    assert (empty.items, empty.total, empty.number, empty.pages) == ([], 0, 1, 1)


BAD_CURSORS: list[tuple[str, list[Key], str]] = [
    ("not base64 of anything", [col(MarketEntity.id)], "not-a-cursor"),
    ("empty", [col(MarketEntity.id)], ""),
    ("another list's cursor", [col(MarketEntity.uscc)], encode_cursor("pool", "91210202MA0QW3R81X")),
    ("no key", [col(MarketEntity.uscc)], encode_cursor("walk", "")),
    ("a NUL in the key", [col(MarketEntity.uscc)], encode_cursor("walk", "9121\x00")),
    ("an id that is not a number", [col(MarketEntity.id)], encode_cursor("walk", "abc")),
    ("a negative id", [col(MarketEntity.id)], encode_cursor("walk", "-1")),
    ("a superscript digit", [col(MarketEntity.id)], encode_cursor("walk", "²")),
    ("Arabic-Indic digits", [col(MarketEntity.id)], encode_cursor("walk", "١٢")),
    ("two keys, not JSON", [col(MarketEntity.region_code), col(MarketEntity.id)], encode_cursor("walk", "210202")),
    ("two keys, one given", [col(MarketEntity.region_code), col(MarketEntity.id)], encode_cursor("walk", '["1"]')),
    ("two keys, not text", [col(MarketEntity.region_code), col(MarketEntity.id)], encode_cursor("walk", "[1,2]")),
    ("two keys, an object", [col(MarketEntity.region_code), col(MarketEntity.id)], encode_cursor("walk", '{"a":1}')),
    ("not a date", [col(MarketEntity.established_on), col(MarketEntity.id)],
     encode_cursor("walk", '["2026-13-01","1"]')),
    ("not a status", [col(MarketEntity.status), col(MarketEntity.id)], encode_cursor("walk", '["ASLEEP","1"]')),
]  # fmt: skip


@pytest.mark.parametrize(("name", "keys", "cursor"), BAD_CURSORS, ids=[case[0] for case in BAD_CURSORS])
async def test_a_bad_cursor_is_refused_as_invalid_cursor(
    city: DemoCity, db: Database, name: str, keys: list[Key], cursor: str
) -> None:
    async with db.session(SYSTEM) as session:
        with pytest.raises(DomainError) as refused:
            await keyset_page(session, select(MarketEntity), keys, "walk", 10, cursor)
    [problem] = refused.value.problems
    assert (problem.code, problem.field) == ("INVALID_CURSOR", "after")
    assert problem.message == "分页游标无效：请使用上一页返回的 endCursor"


DESK_CURSORS = [
    ("older", "not-a-cursor"),
    ("newer", "not-a-cursor"),
    ("older", encode_cursor("notice", "12")),  # the API's cursor, not the desk's
    ("newer", encode_cursor("desk", "abc")),
]


@pytest.mark.parametrize(("direction", "cursor"), DESK_CURSORS)
async def test_a_desk_refuses_any_bad_cursor_saying_to_start_over(
    city: DemoCity, db: Database, direction: str, cursor: str
) -> None:
    async with db.session(SYSTEM) as session:
        with pytest.raises(DomainError) as refused:
            await both_ways(session, select(MarketEntity), col(MarketEntity.id), "desk", 10, **{direction: cursor})
    [problem] = refused.value.problems
    assert (problem.code, problem.message) == ("INVALID_CURSOR", "分页游标无效：请从第一页重新翻页")


async def test_a_cursor_made_before_the_shared_helper_still_pages(api: Api, city: DemoCity) -> None:
    """Cursors integrators saved from the old per-list code: `kind:key`, unpadded URL-safe base64."""
    token = city.tokens["maintainer"]
    query = "query($a: String) { entities(first: 3, after: $a) { edges { cursor node { uscc } } } }"
    first = (await api.data(query, {"a": None}, token))["entities"]["edges"]
    assert [edge["cursor"] for edge in first] == [_unpadded_b64(f"entity:{e['node']['uscc']}") for e in first]
    saved = _unpadded_b64(f"entity:{first[0]['node']['uscc']}")
    rest = (await api.data(query, {"a": saved}, token))["entities"]["edges"]
    assert [edge["node"]["uscc"] for edge in rest[:2]] == [edge["node"]["uscc"] for edge in first[1:]]

    listings = "query($a: String) { listings(first: 100, after: $a) { edges { cursor node { id } } } }"
    newest = (await api.data(listings, {"a": None}, token))["listings"]["edges"]
    assert len(newest) >= 2
    assert [edge["cursor"] for edge in newest] == [_unpadded_b64(f"listing:{e['node']['id']}") for e in newest]
    older = await api.data(listings, {"a": _unpadded_b64(f"listing:{newest[0]['node']['id']}")}, token)
    assert [edge["node"]["id"] for edge in older["listings"]["edges"]] == [e["node"]["id"] for e in newest[1:]]


# -- transitions ------------------------------------------------------------------------------------


def _gone(notice: Notice | None) -> DomainError:
    return DomainError("GONE", "没有这条" if notice is None else "不是你的", "id")


def _taken(notice: Notice) -> DomainError:
    return DomainError("TAKEN", f"已是{notice.status.value}", "id")


async def _pushed_notice(db: Database) -> Notice:
    async with db.session(SYSTEM) as session:
        notice = await session.scalar(
            select(Notice).where(col(Notice.status) == NoticeStatus.PUSHED).order_by(col(Notice.id)).limit(1)
        )
    assert notice is not None and notice.id is not None, "the demo city should have a pushed notice"
    return notice


def _claim(notice_id: int, department_id: int) -> Any:
    async def work(session: AsyncSession) -> Notice:
        return await transition(
            session, Notice, notice_id, [NoticeStatus.PUSHED], NoticeStatus.CLAIMED, {"note": "认领"},
            where=[col(Notice.department_id) == department_id], not_found=_gone, wrong_state=_taken,
        )  # fmt: skip

    return work


async def test_a_transition_moves_once_and_refuses_with_the_callers_codes(city: DemoCity, db: Database) -> None:
    notice = await _pushed_notice(db)
    assert notice.id is not None
    # (who tries, which notice, what they get)
    cases: list[tuple[str, int, int, tuple[str, str] | None]] = [
        ("another department", notice.id, notice.department_id + 100_000, ("GONE", "不是你的")),
        ("a notice that does not exist", 999_999_999, notice.department_id, ("GONE", "没有这条")),
        ("its department", notice.id, notice.department_id, None),
        ("its department again", notice.id, notice.department_id, ("TAKEN", "已是CLAIMED")),
    ]
    for name, notice_id, department_id, refusal in cases:
        moved, problems = await run_change(db, SYSTEM, _claim(notice_id, department_id))
        if refusal is None:
            assert moved is not None and problems == [], name
            assert (moved.status, moved.note) == (NoticeStatus.CLAIMED, "认领"), name
        else:
            assert moved is None and [(p.code, p.message) for p in problems] == [refusal], name


async def test_of_concurrent_transitions_exactly_one_wins(city: DemoCity, db: Database) -> None:
    notice = await _pushed_notice(db)
    assert notice.id is not None
    results = await asyncio.gather(*(run_change(db, SYSTEM, _claim(notice.id, notice.department_id)) for _ in range(6)))
    assert sum(moved is not None for moved, _ in results) == 1
    assert sorted(p.code for _, problems in results for p in problems) == ["TAKEN"] * 5
    async with db.session(SYSTEM) as session:
        stored = await session.get(Notice, notice.id)
    assert stored is not None and stored.status is NoticeStatus.CLAIMED
