"""绩效考核's records pages: for the 双归集 numbers (the records aggregated, and their lag against 7 working
days) when a department stored more records than a page lists (the page lists LIMIT of them, oldest
first, and says there are more); the claims from the open pool; and each rate's and median's link to the
records behind it."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from admin_ui.views.performance import COLUMNS
from models import License, MarketEntity
from models.enums import LicenseCategory, RecordStatus
from services.analysis.performance_records import LIMIT
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from tests.conftest import Api, DemoCity
from tests.support.admin import sign_in
from tests.support.performance import FROM, PERF_CODE, PERF_NAME, TO, bj, build_scenario, perf_department_id

MORE = LIMIT + 1  # the scenario's own licences come first (older ids): 3 aggregated, 2 of them in time


async def _store_many(session: AsyncSession) -> None:
    own = await perf_department_id(session)
    entity = await session.scalar(select(col(MarketEntity.id)).order_by(col(MarketEntity.id)).offset(15).limit(1))
    assert entity is not None
    session.add_all(
        # Decided Mon 10-19, stored Tue 10-20: 1 working day, in time.
        License(entity_id=entity, source_department_id=own, party_name="测试主体",
                document_number=f"JX许〔2026〕多{n}号", document_name="行政许可决定书",
                category=LicenseCategory.ORDINARY, content="许可", decision_date=date(2026, 10, 19),
                valid_from=date(2026, 10, 19), valid_to=date(2099, 12, 31), authority_name=PERF_NAME,
                public_until=date(2029, 12, 31), status=RecordStatus.EFFECTIVE, created_at=bj("2026-10-20"))
        for n in range(MORE)
    )  # fmt: skip


async def test_a_records_page_of_more_than_it_lists_lists_the_first_and_says_there_are_more(
    api: Api, city: DemoCity, db: Database
) -> None:
    await build_scenario(db)
    _, problems = await run_change(db, Principal.system(), _store_many)
    assert problems == []
    await sign_in(api.client, "admin", city.report.logins[0].password)
    ranking = (await api.client.get(f"/admin/performance?from={FROM}&to={TO}")).text
    row = re.search(rf'<tr data-department="{PERF_CODE}".*?</tr>', ranking, re.S)
    assert row is not None and f">{3 + MORE}<" in row.group(0) and f">{2 + MORE}<" in row.group(0)
    for measure in ("licenses.aggregated", "licenses.within_deadline"):
        page = await api.client.get(
            f"/admin/performance/records?from={FROM}&to={TO}&department={PERF_CODE}&measure={measure}"
        )
        assert page.status_code == 200
        listed = re.findall(r'<tr data-kind="license" data-id="(\d+)">', page.text)
        assert len(listed) == LIMIT, measure
        assert [int(i) for i in listed] == sorted(int(i) for i in listed)  # oldest first
        assert f"多于 {LIMIT} 条，仅列出前 {LIMIT} 条" in page.text and f"共 {LIMIT} 条" not in page.text
        lags = re.findall(r'<td class="text-end">(\d*)</td>\s*</tr>', page.text)
        assert len(lags) == LIMIT and lags[-1] == "1", measure  # the lag against 7 working days, each row


def _cell(page: str, measure: str) -> str:
    """Our department's cell of one measure on the ranking page, its HTML."""
    row = re.search(rf'<tr data-department="{PERF_CODE}".*?</tr>', page, re.S)
    assert row is not None
    cell = re.search(rf'<td class="text-end" data-measure="{re.escape(measure)}">(.*?)</td>', row.group(0), re.S)
    assert cell is not None, measure
    return cell.group(1)


async def test_the_claims_from_the_open_pool_have_a_column_their_records_and_a_column_in_the_export(
    api: Api, city: DemoCity, db: Database
) -> None:
    await build_scenario(db)
    await sign_in(api.client, "admin", city.report.logins[0].password)
    ranking = (await api.client.get(f"/admin/performance?from={FROM}&to={TO}")).text
    assert 'data-measure="notices.claimed_from_pool"><a href="' in ranking and ">从待认领池认领" in ranking
    link = re.fullmatch(r'<a href="([^"]+)">1</a>', _cell(ranking, "notices.claimed_from_pool"))
    assert link is not None and "measure=notices.claimed_from_pool" in html.unescape(link.group(1))
    assert _cell(ranking, "notices.received").endswith(">8</a>")  # N11 not among them
    page = (await api.client.get(html.unescape(link.group(1)))).text
    [row] = re.findall(r'<tr data-kind="notice" data-id="\d+">.*?</tr>', page, re.S)
    # Claimed (and fed back) on the day it was taken from the pool; no claim time: it was never pushed.
    assert "2026-10-14" in row and "已反馈（从待认领池认领）" in row
    assert re.search(r'<td class="text-end"></td>\s*</tr>', row)
    exported = await api.client.get(f"/admin/performance/export.csv?from={FROM}&to={TO}")
    header, *rows = csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))
    ours = next(found for found in rows if found[1] == PERF_CODE)
    assert ours[header.index("双告知：从待认领池认领")] == "1" and ours[header.index("双告知：收到")] == "8"


# Each rate and median of the ranking page: the records page it links to, as many records as the hand count
# (tests/support/performance.py) puts under it (a rate's denominator, the records a median is taken over), and
# how many of them the page marks as its numerator counts them, where it marks them.
BEHIND: dict[str, tuple[str, int, int | None]] = {
    "notices.claimed_rate": ("notices.to_claim", 5, 3),  # N1, N2, N3, N6, N9; in time N1, N3, N9
    "notices.claimed_in_time_rate": ("notices.to_claim", 5, 3),
    "notices.median_claim_days": ("notices.claimed", 4, None),  # N1, N2, N3, N9: 3, 6, 1, 0
    "notices.feedback_rate": ("notices.feedback_due", 5, 3),  # N1, N2, N3, N9 and N11 from the pool
    "spot_checks.tasks_done_rate": ("spot_checks.tasks_due", 3, 1),
    "spot_checks.results_published_rate": ("spot_checks.results_to_publish", 3, 1),
    "licenses.within_deadline_rate": ("licenses.aggregated", 3, 2),
    "licenses.median_lag_days": ("licenses.aggregated", 3, 2),
    "penalties.within_deadline_rate": ("penalties.aggregated", 2, 1),
    "penalties.median_lag_days": ("penalties.aggregated", 2, 1),
    "referrals.acknowledged_rate": ("referrals.received", 3, None),
    "referrals.handled_rate": ("referrals.received", 3, None),
    "referrals.median_acknowledge_days": ("referrals.acknowledged", 2, None),  # 2, 0
    "referrals.median_handle_days": ("referrals.handled", 1, None),  # 4
}
# The rates whose numerator is what their records page marks (a claim rate's is the claimed, by their status).
MARKED_NUMERATOR = {"notices.claimed_in_time_rate", "notices.feedback_rate", "spot_checks.tasks_done_rate",
                    "spot_checks.results_published_rate", "licenses.within_deadline_rate",
                    "penalties.within_deadline_rate"}  # fmt: skip


async def test_each_rate_links_to_its_denominators_records_and_each_median_to_the_records_it_is_taken_over(
    api: Api, city: DemoCity, db: Database
) -> None:
    await build_scenario(db)
    await sign_in(api.client, "admin", city.report.logins[0].password)
    ranking = (await api.client.get(f"/admin/performance?from={FROM}&to={TO}")).text
    assert sorted(column.key for column in COLUMNS if column.kind != "count") == sorted(BEHIND)
    for measure, (behind, count, marked) in BEHIND.items():
        link = re.fullmatch(r'<a href="([^"]+)">([\d.]+)%?</a>', _cell(ranking, measure))
        assert link is not None, measure  # a link, not plain text
        url, shown = html.unescape(link.group(1)), Decimal(link.group(2))
        assert f"measure={behind}&" in url + "&", measure
        page = await api.client.get(url)
        assert page.status_code == 200, measure
        rows = re.findall(r'<tr data-kind="\w+" data-id="\d+">(.*?)</tr>', page.text, re.S)
        assert len(rows) == count and f"共 {count} 条" in page.text, measure
        marks = [re.search(r'<td class="records-mark">(.)</td>', row) for row in rows]
        if marked is None:
            assert marks == [None] * count, measure
        else:
            assert sum(1 for mark in marks if mark and mark.group(1) == "是") == marked, measure
        if measure in MARKED_NUMERATOR:
            assert shown == (Decimal(marked or 0) * 100 / count).quantize(Decimal("0.1"), ROUND_HALF_UP), measure
        if measure.split(".")[1].startswith("median"):
            days = [int(found) for row in rows for found in re.findall(r'<td class="text-end">(\d+)</td>\s*$', row)]
            assert len(days) == count and Decimal(median(days)).quantize(Decimal("0.1")) == shown, measure
