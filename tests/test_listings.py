"""经营异常名录 and 严重违法失信名单: listing and removal by the registration authorities, every
refusal with nothing changed, who may do what, and when a listing stands."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from models import Department, Listing, MarketEntity
from models.enums import EntityStatus, ListingKind, ListingReason, RemovalReason
from services.credit import listing_rules, listings
from services.credit.listings import DelistInput, ListInput
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes, ok, payload_of
from tests.support.audit import audit_count, last_audit
from tests.support.departments import CITY, DISTRICT
from tests.support.entities import new_code
from tests.support.listings import DELIST, LIST, listing, removal, unlisted

ON_ENTITY = """
query($u: String!) {
  entity(uscc: $u) { listings { kind reason listedOn removedOn standing department { code } } }
}
"""
LISTINGS = """
query($f: ListingFilter, $first: Int, $after: String) {
  listings(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id reason listedOn standing dueForEscalation escalationDueOn entity { uscc } } }
  }
}
"""
PUBLICITY = """
query($u: String!) {
  publicity(uscc: $u) { listings { kind reason reasonLabel listedOn documentNumber authorityName } }
}
"""


async def listing_count(db: Database) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(Listing)) or 0)


async def test_the_registration_authority_lists_and_removes_an_entity(api: Api, city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    listed_on = today() - timedelta(days=100)
    done = (await ok(api, LIST, listing(uscc), token))["listing"]
    assert done["kind"] == "ABNORMAL_OPERATION" and done["reasonLabel"] == "未按规定报送年度报告"
    assert (done["standing"], done["removedOn"], done["department"], done["entity"]) == (
        True, None, {"code": DISTRICT}, {"uscc": uscc},
    )  # fmt: skip
    assert done["escalationDueOn"] == listed_on.replace(year=listed_on.year + 3).isoformat()
    assert done["dueForEscalation"] is False
    event = await last_audit(db, "listing.listed")
    assert event.department_code == DISTRICT and event.after is not None and event.after["uscc"] == uscc

    # The public sees it, and so does a city department under the entity.
    public = (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["listings"]
    assert public == [
        {"kind": "ABNORMAL_OPERATION", "reason": "ANNUAL_REPORT", "reasonLabel": "未按规定报送年度报告",
         "listedOn": listed_on.isoformat(), "documentNumber": "大中山市监异字〔2026〕第 3 号",
         "authorityName": "中山区市场监督管理局"}
    ]  # fmt: skip
    shown = (await api.data(ON_ENTITY, {"u": uscc}, city.tokens["city_health"]))["entity"]["listings"]
    assert [(s["reason"], s["standing"]) for s in shown] == [("ANNUAL_REPORT", True)]

    removed_on = today() - timedelta(days=5)
    note = {"documentNumber": "大中山市监移字〔2026〕第 9 号", "note": "已补报 2025 年度报告"}
    gone = (await ok(api, DELIST, removal(uscc, removedOn=removed_on.isoformat(), **note), token))["listing"]
    assert (gone["id"], gone["removedOn"], gone["removalReason"], gone["standing"]) == (
        done["id"], removed_on.isoformat(), "CURED", False,
    )  # fmt: skip
    assert gone["removalNote"] == "移出决定书：大中山市监移字〔2026〕第 9 号；已补报 2025 年度报告"
    assert gone["removedBy"] == {"code": DISTRICT}
    event = await last_audit(db, "listing.removed")
    assert event.before is not None and event.after is not None
    assert (event.before["removed_on"], event.after["removed_on"]) == (None, removed_on.isoformat())
    assert (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["listings"] == []

    # Listed again for the same reason once the first listing was removed: a new listing, kept beside the old.
    renewed = listing(uscc, listedOn=today().isoformat(), documentNumber="大中山市监异字〔2026〕第 30 号")
    again = await ok(api, LIST, renewed, token)
    assert again["listing"]["id"] != done["id"]
    shown = (await api.data(ON_ENTITY, {"u": uscc}, token))["entity"]["listings"]
    assert [(s["listedOn"], s["standing"]) for s in shown] == [
        (today().isoformat(), True), (listed_on.isoformat(), False),
    ]  # fmt: skip


async def test_bad_listings_and_removals_are_refused_with_their_field_and_nothing_changes(
    api: Api, city: DemoCity, db: Database
) -> None:
    uscc, other = await unlisted(db, DISTRICT, count=2)
    token = city.tokens["district"]
    await ok(api, LIST, listing(other), token)
    async with db.session(Principal.system()) as session:
        deregistered = await session.scalar(
            select(col(MarketEntity.uscc)).where(
                col(MarketEntity.region_code) == "210202", col(MarketEntity.status) == EntityStatus.DEREGISTERED
            )
        )
        young = await session.scalar(
            select(MarketEntity).where(
                col(MarketEntity.region_code) == "210202",
                col(MarketEntity.status) == EntityStatus.ACTIVE,
                col(MarketEntity.established_on) > today() - timedelta(days=3 * 365),
            )
        )
    assert deregistered and young is not None
    tomorrow = (today() + timedelta(days=1)).isoformat()
    events, stored = await audit_count(db), await listing_count(db)
    cases: list[tuple[str, dict[str, Any], set[tuple[str, str]]]] = [
        (LIST, listing("91210200ABC"), {("uscc", "INVALID_USCC")}),
        (LIST, listing(new_code(body="MA0UNK01")), {("uscc", "UNKNOWN_ENTITY")}),
        (LIST, listing(uscc, reason="SERIOUS_VIOLATION"), {("reason", "REASON_NOT_FOR_KIND")}),
        (LIST, listing(uscc, kind="SERIOUS_DISHONEST", reason="UNREACHABLE"), {("reason", "REASON_NOT_FOR_KIND")}),
        (LIST, listing(uscc, listedOn=tomorrow), {("listedOn", "DATE_IN_FUTURE")}),
        (LIST, listing(uscc, documentNumber="  "), {("documentNumber", "REQUIRED")}),
        (LIST, listing(uscc, documentNumber="第 1 号\n第 2 号"), {("documentNumber", "INVALID_DOCUMENT_NUMBER")}),
        (LIST, listing(uscc, facts="x" * 4001), {("facts", "TOO_LONG")}),
        (LIST, listing(deregistered), {("uscc", "ENTITY_DEREGISTERED")}),
        (LIST, listing(young.uscc, listedOn=(young.established_on - timedelta(days=1)).isoformat()),
         {("listedOn", "INVALID_RANGE")}),
        (LIST, listing(other), {("uscc", "ALREADY_LISTED")}),
        (DELIST, removal(uscc), {("uscc", "NOT_LISTED")}),
        (DELIST, removal(other, removedOn=tomorrow), {("removedOn", "DATE_IN_FUTURE")}),
        (DELIST, removal(other, removedOn=(today() - timedelta(days=101)).isoformat()),
         {("removedOn", "INVALID_RANGE")}),
        (DELIST, removal(other, kind="SERIOUS_DISHONEST"), {("uscc", "NOT_LISTED")}),
        (DELIST, removal(other, listingReason="UNREACHABLE"), {("uscc", "NOT_LISTED")}),
        (DELIST, removal(other, listingReason="SERIOUS_VIOLATION"), {("listingReason", "REASON_NOT_FOR_KIND")}),
        (DELIST, removal("91210200ABC"), {("uscc", "INVALID_USCC")}),
    ]  # fmt: skip
    for document, data, expected in cases:
        payload = await payload_of(api, document, data, token)
        assert error_codes(payload) == expected, data
        assert all(e["message"] for e in payload["errors"]) and payload["listing"] is None
    assert (await audit_count(db), await listing_count(db)) == (events, stored)
    unknown_reason = await api.gql(LIST, {"i": listing(uscc, reason="BANKRUPT")}, token)
    assert unknown_reason["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_listing_twice_for_one_reason_is_refused_even_back_dated_into_an_earlier_listing(
    api: Api, city: DemoCity, db: Database
) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    first_day, removed_day = today() - timedelta(days=300), today() - timedelta(days=100)
    await ok(api, LIST, listing(uscc, listedOn=first_day.isoformat()), token)
    refused = await payload_of(api, LIST, listing(uscc, listedOn=today().isoformat()), token)
    assert error_codes(refused) == {("uscc", "ALREADY_LISTED")}
    assert first_day.isoformat() in refused["errors"][0]["message"]
    # Another reason is another listing.
    await ok(api, LIST, listing(uscc, reason="UNREACHABLE", documentNumber="大中山市监异字〔2026〕第 41 号"), token)
    await ok(api, DELIST, removal(uscc, listingReason="ANNUAL_REPORT", removedOn=removed_day.isoformat()), token)
    overlapping = await payload_of(
        api, LIST, listing(uscc, listedOn=(removed_day - timedelta(days=1)).isoformat()), token
    )
    assert error_codes(overlapping) == {("uscc", "ALREADY_LISTED")}
    assert f"{first_day.isoformat()} 至 {removed_day.isoformat()}" in overlapping["errors"][0]["message"]
    await ok(api, LIST, listing(uscc, listedOn=removed_day.isoformat()), token)


async def test_several_standing_listings_of_a_kind_are_removed_one_reason_at_a_time(
    api: Api, city: DemoCity, db: Database
) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    await ok(api, LIST, listing(uscc), token)
    await ok(api, LIST, listing(uscc, reason="UNREACHABLE"), token)
    events = await audit_count(db)
    ambiguous = await payload_of(api, DELIST, removal(uscc), token)
    assert error_codes(ambiguous) == {("listingReason", "LISTING_REASON_REQUIRED")}
    assert "ANNUAL_REPORT" in ambiguous["errors"][0]["message"] and "UNREACHABLE" in ambiguous["errors"][0]["message"]
    assert await audit_count(db) == events
    gone = await ok(api, DELIST, removal(uscc, listingReason="UNREACHABLE", reason="CREDIT_REPAIR"), token)
    assert (gone["listing"]["reason"], gone["listing"]["removalReason"]) == ("UNREACHABLE", "CREDIT_REPAIR")
    # One left: no need to say which.
    last = await ok(api, DELIST, removal(uscc, reason="EXPIRY"), token)
    assert (last["listing"]["reason"], last["listing"]["removalReason"]) == ("ANNUAL_REPORT", "EXPIRY")
    shown = (await api.data(ON_ENTITY, {"u": uscc}, token))["entity"]["listings"]
    assert [s["standing"] for s in shown] == [False, False]


async def test_who_may_list_and_remove(api: Api, city: DemoCity, db: Database) -> None:
    [own] = await unlisted(db, DISTRICT)
    [city_registered] = await unlisted(db, CITY)
    [xigang] = await unlisted(db, "SCJG-210203", region="210203")
    tokens = city.tokens
    serious = {
        "kind": "SERIOUS_DISHONEST",
        "reason": "SERIOUS_VIOLATION",
        "documentNumber": "大中山市监严字〔2026〕第 2 号",
    }

    for role in ("city_health", "district_health"):
        body = await api.gql(LIST, {"i": listing(own)}, tokens[role])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
        body = await api.gql(DELIST, {"i": removal(own)}, tokens[role])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    anonymous = await api.gql(LIST, {"i": listing(own)})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # The abnormal-operation list is the registering authority's (or the city authority's above it).
    refused = await payload_of(api, LIST, listing(city_registered), tokens["district"])
    assert error_codes(refused) == {("uscc", "NOT_ENTITYS_AUTHORITY")}
    assert "大连市市场监督管理局" in refused["errors"][0]["message"]
    assert error_codes(await payload_of(api, LIST, listing(own), tokens["other_district"])) == {
        ("uscc", "UNKNOWN_ENTITY")
    }
    await ok(api, LIST, listing(city_registered), tokens["city"])
    await ok(api, LIST, listing(xigang), tokens["city"])
    await ok(api, DELIST, removal(xigang), tokens["city"])
    await ok(api, LIST, listing(own), tokens["district"])
    assert error_codes(await payload_of(api, DELIST, removal(city_registered), tokens["district"])) == {
        ("uscc", "NOT_ENTITYS_AUTHORITY")
    }
    # The serious list follows a regulator's penalty: the district's regulator lists what the city registered.
    await ok(api, LIST, listing(city_registered, **serious), tokens["district"])
    assert error_codes(await payload_of(api, LIST, listing(xigang, **serious), tokens["district"])) == {
        ("uscc", "UNKNOWN_ENTITY")
    }
    # It is removed by the department that listed it, or the city authority above it; not by a sibling's.
    await ok(api, LIST, listing(own, **serious), tokens["city"])
    taken = await api.gql(DELIST, {"i": removal(own, kind="SERIOUS_DISHONEST")}, tokens["district"])
    assert taken["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "作出列入决定的部门" in taken["errors"][0]["message"]
    await ok(api, DELIST, removal(city_registered, kind="SERIOUS_DISHONEST"), tokens["city"])
    await ok(api, DELIST, removal(own, kind="SERIOUS_DISHONEST"), tokens["city"])

    # A maintainer acts for a registration authority it names, and for no other department.
    maintainer = tokens["maintainer"]
    assert error_codes(await payload_of(api, LIST, listing(xigang), maintainer)) == {
        ("departmentCode", "DEPARTMENT_REQUIRED")
    }
    health = await payload_of(api, LIST, listing(xigang, departmentCode="WJ-210203"), maintainer)
    assert error_codes(health) == {("departmentCode", "NOT_REGISTRATION_AUTHORITY")}
    done = await ok(api, LIST, listing(xigang, departmentCode="SCJG-210203", listedOn=today().isoformat()), maintainer)
    assert done["listing"]["department"] == {"code": "SCJG-210203"}
    assert (await last_audit(db, "listing.listed")).department_code == "SCJG-210203"


async def test_of_concurrent_listings_for_one_reason_exactly_one_is_stored(city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    principal = Principal.system("test")
    data = ListInput(uscc, ListingKind.ABNORMAL_OPERATION, ListingReason.UNREACHABLE, "大中山市监异字〔2026〕第 7 号",
                     today(), department_code=DISTRICT)  # fmt: skip
    results = await asyncio.gather(
        *(run_change(db, principal, lambda session: listings.list_entity(session, data)) for _ in range(6))
    )
    stored = [listing for listing, _ in results if listing is not None]
    refused = [problems for listing, problems in results if listing is None]
    assert len(stored) == 1 and len(refused) == 5
    assert all([p.code for p in problems] == ["ALREADY_LISTED"] for problems in refused)

    removal_data = DelistInput(uscc, ListingKind.ABNORMAL_OPERATION, today(), RemovalReason.CURED,
                               department_code=DISTRICT)  # fmt: skip
    results = await asyncio.gather(
        *(run_change(db, principal, lambda session: listings.delist_entity(session, removal_data)) for _ in range(4))
    )
    assert sum(listing is not None for listing, _ in results) == 1
    assert all([p.code for p in problems] == ["NOT_LISTED"] for listing, problems in results if listing is None)


async def test_a_second_standing_listing_for_one_reason_is_refused_by_the_database_itself(
    city: DemoCity, db: Database
) -> None:
    """uq_listing_standing, should a writer skip the service's check: the same ALREADY_LISTED."""
    [uscc] = await unlisted(db, DISTRICT)
    data = ListInput(uscc, ListingKind.ABNORMAL_OPERATION, ListingReason.UNREACHABLE, "大中山市监异字〔2026〕第 8 号",
                     today(), department_code=DISTRICT)  # fmt: skip
    principal = Principal.system("test")
    first, problems = await run_change(db, principal, lambda session: listings.list_entity(session, data))
    assert first is not None and not problems

    async def skipping_the_check(session: Any) -> Listing:
        original = session.scalar

        async def nothing_found(statement: Any, *args: Any, **kwargs: Any) -> Any:
            if "FROM listing" in str(statement) and "removed_on IS NULL OR" in str(statement):
                return None
            return await original(statement, *args, **kwargs)

        session.scalar = nothing_found
        return await listings.list_entity(session, data)

    second, problems = await run_change(db, principal, skipping_the_check)
    assert second is None and [p.code for p in problems] == ["ALREADY_LISTED"]
    assert await listing_count_of(db, uscc) == 1


async def listing_count_of(db: Database, uscc: str) -> int:
    async with db.session(Principal.system()) as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Listing)
                .join(MarketEntity, col(MarketEntity.id) == col(Listing.entity_id))
                .where(col(MarketEntity.uscc) == uscc)
            )
            or 0
        )


# (listed, removed) in days relative to D, and whether the listing stands on D.
STANDING = [
    ((0, None), True),  # listed on D
    ((1, None), False),  # listed the day after
    ((-10, None), True),
    ((-10, -1), False),  # removed the day before
    ((-10, 0), False),  # removed on D: removed by D
    ((-10, 1), True),  # removed the day after
    ((1, 5), False),
]


async def test_standing_on_a_day_means_the_same_in_sql_and_in_python(city: DemoCity, db: Database) -> None:
    day = today() - timedelta(days=30)
    async with db.session(Principal.system()) as session:
        ids = (await session.scalars(select(col(MarketEntity.id)).limit(len(STANDING)))).all()
        entity_ids = [i for i in ids if i is not None]
        department_id = await session.scalar(select(col(Department.id)).where(col(Department.code) == DISTRICT))
    assert department_id is not None
    rows = [
        Listing(entity_id=entity_id, kind=ListingKind.ABNORMAL_OPERATION, reason=ListingReason.FALSE_DISCLOSURE,
                document_number="x", listed_on=day + timedelta(days=listed), department_id=department_id,
                removed_on=None if removed is None else day + timedelta(days=removed))
        for entity_id, ((listed, removed), _) in zip(entity_ids, STANDING, strict=True)
    ]  # fmt: skip
    session = await db.write_session(Principal.system())
    try:
        session.add_all(rows)
        await session.commit()
        ids = [row.id for row in rows]
        standing = select(col(Listing.id)).where(col(Listing.id).in_(ids), listing_rules.standing_on(day))
        found = set((await session.scalars(standing)).all())
    finally:
        await session.close()
    for row, (_, stands) in zip(rows, STANDING, strict=True):
        assert listing_rules.stands(row, day) is stands, (row.listed_on, row.removed_on)
        assert (row.id in found) is stands, (row.listed_on, row.removed_on)


@pytest.mark.parametrize("on", [date(2026, 11, 27), date(2027, 2, 28), date(2028, 2, 29), date(2027, 4, 29),
                                date(2031, 4, 30), date(2026, 12, 31)])  # fmt: skip
def test_the_reminder_cutoff_is_the_reminder_rule_solved_for_the_listing_date(on: date) -> None:
    cutoff = listings.reminder_cutoff(on)
    assert listings.escalation_reminder_on(cutoff) <= on
    assert listings.escalation_reminder_on(cutoff + timedelta(days=1)) > on
    for back in range(-400, 400):
        day = cutoff + timedelta(days=back)
        assert (listings.escalation_reminder_on(day) <= on) is (day <= cutoff), day


def test_escalation_falls_three_years_on_and_the_reminder_60_days_before() -> None:
    assert listings.escalation_due_on(date(2024, 2, 29)) == date(2027, 2, 28)
    assert listings.escalation_due_on(date(2023, 7, 1)) == date(2026, 7, 1)
    assert listings.escalation_reminder_on(date(2023, 7, 1)) == date(2026, 5, 2)


async def test_the_listings_query_filters_pages_and_keeps_to_the_jurisdiction(
    api: Api, city: DemoCity, db: Database
) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    await ok(api, LIST, listing(uscc), token)
    await ok(api, LIST, listing(uscc, reason="UNREACHABLE", listedOn=(today() - timedelta(days=1070)).isoformat()),
              token)  # fmt: skip
    await ok(api, LIST, listing(uscc, reason="INSTANT_DISCLOSURE"), token)
    await ok(api, DELIST, removal(uscc, listingReason="INSTANT_DISCLOSURE"), token)

    def reasons(data: dict[str, Any]) -> list[str]:
        return sorted(edge["node"]["reason"] for edge in data["listings"]["edges"])

    mine = await api.data(LISTINGS, {"f": {"uscc": uscc}}, token)
    assert reasons(mine) == ["ANNUAL_REPORT", "INSTANT_DISCLOSURE", "UNREACHABLE"]
    assert mine["listings"]["totalCount"] == 3
    standing = await api.data(LISTINGS, {"f": {"uscc": uscc, "standing": True}}, token)
    assert reasons(standing) == ["ANNUAL_REPORT", "UNREACHABLE"]
    removed = await api.data(LISTINGS, {"f": {"uscc": uscc, "standing": False}}, token)
    assert reasons(removed) == ["INSTANT_DISCLOSURE"]
    due = await api.data(LISTINGS, {"f": {"uscc": uscc, "dueForEscalation": True}}, token)
    assert reasons(due) == ["UNREACHABLE"] and due["listings"]["edges"][0]["node"]["dueForEscalation"] is True
    by_reason = await api.data(LISTINGS, {"f": {"uscc": uscc, "reason": "ANNUAL_REPORT", "kind": "ABNORMAL_OPERATION",
                                                 "departmentCode": DISTRICT}}, token)  # fmt: skip
    assert reasons(by_reason) == ["ANNUAL_REPORT"]

    # Every due listing of the city (the seed makes some), each due by the rule.
    all_due = await api.data(LISTINGS, {"f": {"dueForEscalation": True}, "first": 100}, city.tokens["maintainer"])
    assert all(edge["node"]["dueForEscalation"] for edge in all_due["listings"]["edges"])
    assert len(all_due["listings"]["edges"]) >= 2

    pages, after = [], None
    while True:
        page = await api.data(LISTINGS, {"f": {"uscc": uscc}, "first": 2, "after": after}, token)
        pages.append([edge["node"]["id"] for edge in page["listings"]["edges"]])
        if not page["listings"]["pageInfo"]["hasNextPage"]:
            break
        after = page["listings"]["pageInfo"]["endCursor"]
    assert [len(p) for p in pages] == [2, 1] and len({i for p in pages for i in p}) == 3

    hidden = await api.data(LISTINGS, {"f": {"uscc": uscc}}, city.tokens["other_district"])
    assert hidden["listings"]["edges"] == [] and hidden["listings"]["totalCount"] == 0
    bad = await api.gql(LISTINGS, {"after": "garbage"}, token)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_publicity_shows_only_the_listings_that_stand_today(api: Api, city: DemoCity, db: Database) -> None:
    [uscc] = await unlisted(db, DISTRICT)
    token = city.tokens["district"]
    await ok(api, LIST, listing(uscc, reason="UNREACHABLE", documentNumber="甲"), token)
    await ok(api, LIST, listing(uscc, reason="FALSE_DISCLOSURE", documentNumber="乙"), token)
    await ok(api, DELIST, removal(uscc, listingReason="UNREACHABLE", removedOn=today().isoformat()), token)
    await ok(api, LIST, listing(uscc, kind="SERIOUS_DISHONEST", reason="SERIOUS_VIOLATION", documentNumber="丙"), token)
    public = (await api.data(PUBLICITY, {"u": uscc}))["publicity"]["listings"]
    assert sorted(item["documentNumber"] for item in public) == ["丙", "乙"]
    # No internal fields are on the public type.
    internal = await api.gql("query($u: String!) { publicity(uscc: $u) { listings { facts } } }", {"u": uscc})
    assert internal["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_every_seeded_listing_keeps_the_rules(city: DemoCity, db: Database) -> None:
    async with db.session(Principal.system()) as session:
        rows = (await session.scalars(select(Listing))).all()
        entities = {e.id: e for e in (await session.scalars(select(MarketEntity))).all()}
        departments = {d.id: d for d in (await session.scalars(select(Department))).all()}
    assert len(rows) == city.report.listings and city.report.discipline_measures >= 8
    assert sum(1 for row in rows if row.removed_on is None) == city.report.standing_listings
    kinds = {row.kind for row in rows}
    assert kinds == {ListingKind.ABNORMAL_OPERATION, ListingKind.SERIOUS_DISHONEST}
    assert {row.reason for row in rows if row.kind is ListingKind.ABNORMAL_OPERATION} == set(listings.ABNORMAL_REASONS)
    assert any(row.removed_on is not None for row in rows)
    assert any(listings.is_due_for_escalation(row, today()) for row in rows)
    for row in rows:
        entity, department = entities[row.entity_id], departments[row.department_id]
        assert row.reason in listings.REASONS[row.kind]
        assert entity.established_on <= row.listed_on <= today()
        assert row.removed_on is None or row.listed_on <= row.removed_on <= today()
        assert department.is_registration_authority
        if row.kind is ListingKind.ABNORMAL_OPERATION:
            assert department.id == entity.registration_authority_id
