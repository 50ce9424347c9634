"""The working-day calendar: weekends, holidays and 调休 days, and deadlines counted across them."""

from __future__ import annotations

from datetime import date

from services.platform import calendar
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes
from tests.support.audit import last_audit

DAYS = "query($f: Date!, $t: Date!) { calendarDays(from: $f, to: $t) { date isWorkday name } }"
SET = """
mutation($days: [CalendarDayInput!]!) {
  setCalendarDays(input: {days: $days}) { days { date isWorkday name } errors { field code message } }
}
"""


async def test_a_deadline_counts_working_days_across_national_day(db: Database, city: DemoCity) -> None:
    async with db.session(Principal.system()) as session:
        work = await calendar.for_deadline(session, date(2026, 9, 30), 5)
    # 10-01..10-07 off; 10-10 (a Saturday) worked in exchange.
    assert work.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert work.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert not work.is_workday(date(2026, 10, 5)) and work.is_workday(date(2026, 10, 10))
    # Without the calendar it would be an ordinary week.
    plain = calendar.WorkCalendar(date(2026, 9, 1), date(2026, 12, 31), {})
    assert plain.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 7)


async def test_the_calendar_reads_as_the_api_shows_it(api: Api, city: DemoCity) -> None:
    data = await api.data(DAYS, {"f": "2026-10-01", "t": "2026-10-11"}, city.tokens["district"])
    by_day = {d["date"]: d for d in data["calendarDays"]}
    assert len(by_day) == 11
    assert by_day["2026-10-01"] == {"date": "2026-10-01", "isWorkday": False, "name": "国庆节"}
    assert by_day["2026-10-10"] == {"date": "2026-10-10", "isWorkday": True, "name": "国庆节调休上班"}
    assert by_day["2026-10-11"] == {"date": "2026-10-11", "isWorkday": False, "name": None}
    body = await api.gql(DAYS, {"f": "2026-01-01", "t": "2029-01-01"}, city.tokens["district"])
    assert body["errors"][0]["extensions"]["code"] == "RANGE_TOO_LONG"


async def test_maintainers_keep_holidays_and_each_change_is_audited(api: Api, city: DemoCity, db: Database) -> None:
    days = [
        {"date": "2027-01-01", "isWorkday": False, "name": "元旦"},
        {"date": "2027-01-02", "isWorkday": True, "name": "元旦调休上班"},
    ]
    payload = (await api.data(SET, {"days": days}, city.tokens["maintainer"]))["setCalendarDays"]
    assert payload["errors"] == [] and [d["date"] for d in payload["days"]] == ["2027-01-01", "2027-01-02"]
    event = await last_audit(db)
    assert event.action == "calendar.changed" and event.after == {
        "2027-01-01": [False, "元旦"],
        "2027-01-02": [True, "元旦调休上班"],
    }
    # Set back to its weekday default, a day is no exception any more.
    reset = [{"date": "2027-01-01", "isWorkday": True, "name": ""}]
    assert (await api.data(SET, {"days": reset}, city.tokens["maintainer"]))["setCalendarDays"]["errors"] == []
    shown = await api.data(DAYS, {"f": "2027-01-01", "t": "2027-01-02"}, city.tokens["maintainer"])
    assert shown["calendarDays"] == [
        {"date": "2027-01-01", "isWorkday": True, "name": None},
        {"date": "2027-01-02", "isWorkday": True, "name": "元旦调休上班"},
    ]


async def test_bad_calendar_input_is_refused(api: Api, city: DemoCity) -> None:
    unnamed = [{"date": "2027-05-03", "isWorkday": False}, {"date": "2027-05-03", "isWorkday": False, "name": "x"}]
    payload = (await api.data(SET, {"days": unnamed}, city.tokens["maintainer"]))["setCalendarDays"]
    assert error_codes(payload) == {("days.0.name", "REQUIRED"), ("days.1.date", "DUPLICATE_DAY")}
    assert (await api.data(SET, {"days": []}, city.tokens["maintainer"]))["setCalendarDays"]["errors"][0]["code"] == (
        "REQUIRED"
    )
