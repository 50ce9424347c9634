"""双归集 over GraphQL: record licenses, penalties and complaints; read them under the entity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from models import Complaint, Department, License, MarketEntity, Penalty
from resolvers.common import Connection, connection, mutate
from resolvers.context import GqlInfo
from schema.inputs import (
    RecordComplaintInput,
    RecordLicenseInput,
    RecordPenaltyInput,
    RepairPenaltyInput,
    WithdrawPenaltyInput,
)
from services.platform.errors import Problem
from services.platform.paging import page_of_loaded, page_size
from services.records import records as record_service
from services.records.records import RecordOutcome

T = TypeVar("T", License, Penalty, Complaint)


@dataclass(frozen=True)
class RecordLicenseResult:
    license: License | None
    outcome: RecordOutcome | None
    errors: list[Problem]


@dataclass(frozen=True)
class RecordPenaltyResult:
    penalty: Penalty | None
    outcome: RecordOutcome | None
    revoked_license: License | None
    errors: list[Problem]


@dataclass(frozen=True)
class WithdrawPenaltyResult:
    penalty: Penalty | None
    errors: list[Problem]


@dataclass(frozen=True)
class RecordComplaintResult:
    complaint: Complaint | None
    outcome: RecordOutcome | None
    errors: list[Problem]


async def record_license(info: GqlInfo, input: RecordLicenseInput) -> RecordLicenseResult:
    data = record_service.LicenseInput(
        uscc=input.uscc, document_number=input.document_number, document_name=input.document_name,
        category=input.category, content=input.content, decision_date=input.decision_date,
        valid_from=input.valid_from, valid_to=input.valid_to, certificate_name=input.certificate_name,
        license_number=input.license_number, party_name=input.party_name,
        legal_representative=input.legal_representative, authority_name=input.authority_name,
        department_code=input.department_code,
    )  # fmt: skip
    done, errors = await mutate(info.context, lambda session: record_service.record_license(session, data))
    return RecordLicenseResult(done.record if done else None, done.outcome if done else None, errors)


async def record_penalty(info: GqlInfo, input: RecordPenaltyInput) -> RecordPenaltyResult:
    data = record_service.PenaltyInput(
        uscc=input.uscc, document_number=input.document_number, violation_type=input.violation_type,
        facts=input.facts, basis=input.basis, categories=input.categories, content=input.content,
        decision_date=input.decision_date, fine_amount=input.fine_amount,
        confiscated_amount=input.confiscated_amount, revoked_license_number=input.revoked_license_number,
        public_until=input.public_until, party_name=input.party_name,
        legal_representative=input.legal_representative, authority_name=input.authority_name,
        department_code=input.department_code,
    )  # fmt: skip
    done, errors = await mutate(info.context, lambda session: record_service.record_penalty(session, data))
    if done is None:
        return RecordPenaltyResult(None, None, None, errors)
    return RecordPenaltyResult(done.record, done.outcome, done.revoked, [])


async def withdraw_penalty(info: GqlInfo, input: WithdrawPenaltyInput) -> WithdrawPenaltyResult:
    penalty, errors = await mutate(
        info.context,
        lambda session: record_service.withdraw_penalty(
            session, input.document_number, input.reason, input.department_code
        ),
    )
    return WithdrawPenaltyResult(penalty, errors)


async def repair_penalty(info: GqlInfo, input: RepairPenaltyInput) -> WithdrawPenaltyResult:
    penalty, errors = await mutate(
        info.context,
        lambda session: record_service.repair_penalty(
            session, input.document_number, input.reason, input.department_code
        ),
    )
    return WithdrawPenaltyResult(penalty, errors)


async def record_complaint(info: GqlInfo, input: RecordComplaintInput) -> RecordComplaintResult:
    data = record_service.ComplaintInput(
        uscc=input.uscc, reference=input.reference, received_on=input.received_on, category=input.category,
        resolved=input.resolved, resolved_on=input.resolved_on, summary=input.summary,
        department_code=input.department_code,
    )  # fmt: skip
    done, errors = await mutate(info.context, lambda session: record_service.record_complaint(session, data))
    return RecordComplaintResult(done.record if done else None, done.outcome if done else None, errors)


def _connection(info: GqlInfo, records: Sequence[T], kind: str, first: int | None, after: str | None) -> Connection[T]:
    async def count() -> int:
        return len(records)

    size = page_size(first, info.context.settings.max_page_size)
    return connection(page_of_loaded(records, kind, size, after), count)


async def entity_licenses(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[License]:
    assert root.id is not None
    return _connection(info, await info.context.loaders.licenses_by_entity_id.load(root.id), "license", first, after)


async def entity_penalties(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[Penalty]:
    assert root.id is not None
    return _connection(info, await info.context.loaders.penalties_by_entity_id.load(root.id), "penalty", first, after)


async def entity_complaints(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[Complaint]:
    assert root.id is not None
    return _connection(
        info, await info.context.loaders.complaints_by_entity_id.load(root.id), "complaint", first, after
    )


async def source_department(root: License | Penalty | Complaint, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.source_department_id)


def long_term(root: License) -> bool:
    return root.valid_to == record_service.LONG_TERM
