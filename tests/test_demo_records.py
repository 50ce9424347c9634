"""seed-demo's licenses, penalties and complaints: by the rules of services.records.records, public exactly
within their period, shown on the entity's admin page. That the command reports them and that the
same seed gives the same records is tested with seed-demo's other promises in test_cli."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from models import Complaint, Department, License, MarketEntity, Notice, Penalty
from models.enums import PenaltyCategory, RecordStatus
from services.platform.clock import today
from services.platform.db import Database
from services.platform.errors import Collector
from services.platform.principal import Principal
from services.records.records import (
    LONG_TERM,
    ComplaintInput,
    LicenseInput,
    PenaltyInput,
    complaint_values,
    license_public_until,
    license_values,
    penalty_public_until,
    penalty_values,
)
from services.records.revocation import revocation_reason
from tests.conftest import Api, DemoCity
from tests.support.admin import sign_in
from tests.support.cli import manage

PUBLICITY = """
query($u: String!) { publicity(uscc: $u) { licenses { documentNumber } penalties { documentNumber } } }
"""


async def _all(db: Database, model: type[SQLModel]) -> list[Any]:
    async with db.session(Principal.system()) as session:
        return list((await session.scalars(select(model).order_by(col(model.id)))).all())  # type: ignore[attr-defined]


def _problems(build: Any, data: Any) -> list[str]:
    problems = Collector()
    build(data, today(), problems)
    return [f"{p.field}: {p.message}" for p in problems.problems]


async def test_the_seeded_city_has_records_that_pass_the_rules(city: DemoCity, db: Database) -> None:
    licenses, penalties = await _all(db, License), await _all(db, Penalty)
    complaints, entities = await _all(db, Complaint), await _all(db, MarketEntity)
    report = city.report
    assert (len(licenses), len(penalties), len(complaints)) == (report.licenses, report.penalties, report.complaints)
    assert report.licenses > 30 and report.penalties >= 2 and report.complaints > 0
    uscc_of = {entity.id: entity.uscc for entity in entities}

    for license in licenses:
        data = LicenseInput(uscc_of[license.entity_id], license.document_number, license.document_name,
                            license.category, license.content, license.decision_date, license.valid_from,
                            license.valid_to, license.certificate_name, license.license_number)  # fmt: skip
        assert _problems(license_values, data) == [], license.document_number
        assert license.public_until == license_public_until(license.decision_date)
        assert license.certificate_name and license.license_number and license.authority_name
    assert any(license.valid_to == LONG_TERM for license in licenses), "some licenses are 长期"

    for penalty in penalties:
        stated = PenaltyInput(uscc_of[penalty.entity_id], penalty.document_number, penalty.violation_type,
                            penalty.facts, penalty.basis, penalty.categories, penalty.content, penalty.decision_date,
                            None if penalty.fine_amount is None else str(penalty.fine_amount),
                            None if penalty.confiscated_amount is None else str(penalty.confiscated_amount),
                            penalty.revoked_license_number)  # fmt: skip
        assert _problems(penalty_values, stated) == [], penalty.document_number
        assert penalty.public_until == penalty_public_until(
            penalty.categories, penalty.fine_amount, penalty.decision_date
        )
        if penalty.fine_amount is not None:
            assert f"罚款人民币{penalty.fine_amount.normalize():f}元" in penalty.content

    for complaint in complaints:
        received = ComplaintInput(uscc_of[complaint.entity_id], complaint.reference, complaint.received_on,
                                  complaint.category, complaint.resolved, complaint.resolved_on,
                                  complaint.summary)  # fmt: skip
        assert _problems(complaint_values, received) == [], complaint.reference
    assert any(complaint.resolved for complaint in complaints)


async def test_licenses_come_from_the_departments_notified_and_revocations_hold_together(
    city: DemoCity, db: Database
) -> None:
    licenses, penalties, notices = await _all(db, License), await _all(db, Penalty), await _all(db, Notice)
    notified = {(notice.entity_id, notice.department_id) for notice in notices}
    assert all((license.entity_id, license.source_department_id) in notified for license in licenses)

    by_id = {penalty.id: penalty for penalty in penalties}
    revoked = [license for license in licenses if license.status is RecordStatus.REVOKED]
    assert revoked, "a few penalties revoke a license"
    for license in revoked:
        penalty = by_id[license.revoked_by_id]
        assert penalty.entity_id == license.entity_id and penalty.status is RecordStatus.EFFECTIVE
        assert PenaltyCategory.LICENSE_REVOCATION in penalty.categories
        assert penalty.revoked_license_number == license.license_number
        assert license.status_reason == revocation_reason(penalty.document_number)
        assert license.decision_date < penalty.decision_date <= license.valid_to
    revoking = [p for p in penalties if PenaltyCategory.LICENSE_REVOCATION in p.categories]
    assert sorted(p.id for p in revoking) == sorted(license.revoked_by_id for license in revoked)
    assert all(license.revoked_by_id is None for license in licenses if license.status is RecordStatus.EFFECTIVE)

    withdrawn = [penalty for penalty in penalties if penalty.status is RecordStatus.WITHDRAWN]
    assert 1 <= len(withdrawn) <= 2 and all(penalty.status_reason for penalty in withdrawn)


async def test_verify_audit_passes_on_the_seeded_city(city: DemoCity, database_url: str) -> None:
    verified = manage(database_url, "verify-audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr


async def test_publicity_shows_exactly_the_seeded_records_in_their_period(
    api: Api, city: DemoCity, db: Database
) -> None:
    on = today()
    licenses, penalties, entities = await _all(db, License), await _all(db, Penalty), await _all(db, MarketEntity)
    public: dict[int, tuple[list[str], list[str]]] = {}
    hidden = 0
    for kind, records in ((0, licenses), (1, penalties)):
        for record in records:
            lists = public.setdefault(record.entity_id, ([], []))
            if record.status is RecordStatus.EFFECTIVE and record.public_until >= on:
                lists[kind].append(record.document_number)
            else:
                hidden += 1
    assert hidden and any(shown for pair in public.values() for shown in pair), "some records in, some out"
    uscc_of = {entity.id: entity.uscc for entity in entities}
    for entity_id, (shown_licenses, shown_penalties) in public.items():
        answer = (await api.data(PUBLICITY, {"u": uscc_of[entity_id]}))["publicity"]
        assert sorted(item["documentNumber"] for item in answer["licenses"]) == sorted(shown_licenses)
        assert sorted(item["documentNumber"] for item in answer["penalties"]) == sorted(shown_penalties)


async def test_the_entity_page_shows_its_licenses_penalties_and_complaints(
    api: Api, city: DemoCity, db: Database
) -> None:
    licenses, penalties, complaints = await _all(db, License), await _all(db, Penalty), await _all(db, Complaint)
    departments = {d.id: d.name for d in await _all(db, Department)}
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)

    revoked = next(license for license in licenses if license.status is RecordStatus.REVOKED)
    revoking = next(penalty for penalty in penalties if penalty.id == revoked.revoked_by_id)
    page = (await client.get("/admin/market-entity/detail", params={"pk": revoked.entity_id})).text
    assert "行政许可" in page and "行政处罚" in page
    assert revoked.license_number in page and revoked.certificate_name in page
    assert f"已吊销（{revocation_reason(revoking.document_number)}）" in page
    assert departments[revoked.source_department_id] in page
    assert revoking.document_number in page and revoking.violation_type in page and "吊销许可证件" in page
    assert revoking.fine_amount is not None and f"{revoking.fine_amount:,.2f}" in page
    assert revoking.public_until.isoformat() in page

    complaint = next(c for c in complaints if c.resolved)
    page = (await client.get("/admin/market-entity/detail", params={"pk": complaint.entity_id})).text
    assert complaint.reference in page and complaint.summary and complaint.summary in page
    assert complaint.resolved_on is not None and f"已办结（{complaint.resolved_on.isoformat()}）" in page
    assert departments[complaint.source_department_id] in page

    long_term = next(license for license in licenses if license.valid_to == LONG_TERM)
    page = (await client.get("/admin/market-entity/detail", params={"pk": long_term.entity_id})).text
    assert f"{long_term.valid_from.isoformat()} 至 长期" in page and "2099-12-31" not in page


async def test_a_district_desk_sees_other_departments_records_of_its_entities(
    api: Api, city: DemoCity, db: Database
) -> None:
    async with db.session(Principal.system()) as session:
        entity_id, count = (
            await session.execute(
                select(col(License.entity_id), func.count())
                .join(MarketEntity, col(MarketEntity.id) == col(License.entity_id))
                .where(col(MarketEntity.region_code) == "210202")
                .group_by(col(License.entity_id))
                .order_by(func.count().desc(), col(License.entity_id))
                .limit(1)
            )
        ).one()
        theirs = (await session.scalars(select(License).where(col(License.entity_id) == entity_id))).all()
        bare = await session.scalar(
            select(col(MarketEntity.id)).where(
                col(MarketEntity.region_code) == "210202",
                ~select(col(License.id)).where(col(License.entity_id) == col(MarketEntity.id)).exists(),
                ~select(col(Penalty.id)).where(col(Penalty.entity_id) == col(MarketEntity.id)).exists(),
                ~select(col(Complaint.id)).where(col(Complaint.entity_id) == col(MarketEntity.id)).exists(),
            )
        )
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    page = (await client.get("/admin/market-entity/detail", params={"pk": entity_id})).text
    assert len(theirs) == count
    shown_as = {RecordStatus.EFFECTIVE: "<td>有效</td>", RecordStatus.REVOKED: "<td>已吊销（"}
    for license in theirs:
        assert license.document_number in page and license.authority_name in page
        assert shown_as[license.status] in page

    empty = (await client.get("/admin/market-entity/detail", params={"pk": bare})).text
    assert 'id="entity-licenses"' not in empty and 'id="entity-penalties"' not in empty
    assert 'id="entity-complaints"' not in empty and empty.count(">无<") >= 3
