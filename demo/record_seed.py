"""seed-demo's 双归集: licenses from the departments the demo city's notices went to, a few
penalties (most light, a few revoking a license, one or two withdrawn) and 12345 complaints.

Every row is built by the pure rules of services.records.records (`license_values`, `penalty_values`,
`complaint_values`), as a mutation would check it, then inserted in bulk; a revocation is
written as services.records.records writes one. The same seed on the same day gives the same records."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy import select as columns_of
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from demo.record_vocabulary import (
    COMPLAINTS,
    LICENSE_KINDS,
    LINE_ABBREVIATIONS,
    REVOCATIONS,
    VIOLATIONS,
    WITHDRAWAL_REASONS,
    LicenseKind,
    Sanction,
    Violation,
)
from models import Complaint, Department, License, MarketEntity, Notice, Penalty, Referral, SupervisionMatter
from models.enums import EntityStatus, PenaltyCategory, RecordStatus, ReferralReason, ReferralStatus
from models.types import utcnow
from services.credit.referrals import refer_revocation
from services.platform.clock import SHANGHAI, today
from services.platform.errors import Collector
from services.records.records import (
    LONG_TERM,
    ComplaintInput,
    LicenseInput,
    PenaltyInput,
    complaint_values,
    license_values,
    party_values,
    penalty_values,
)
from services.records.revocation import Revocation, revocation_reason

I = TypeVar("I")  # noqa: E741
LICENSED_SHARE = 0.75  # of the licenses an entity's notices call for, those already granted
PENALISED_SHARE = 0.03
COMPLAINED_SHARE = 0.04  # twice that for food businesses
ENTITIES_PER_REVOCATION = 400  # and at least one
LICENSE_YEARS, PENALTY_YEARS, COMPLAINT_YEARS = 5, 3, 2
_FOOD_MATTERS = {"SP-XS", "SP-CY"}
_FOOD_SECTIONS = {"F", "H"}


@dataclass(frozen=True)
class SeededRecords:
    licenses: int
    penalties: int
    complaints: int
    referrals: int = 0  # 联动告知: the revocations' automatic ones and a few sent by hand


@dataclass(frozen=True)
class _Entity:
    id: int
    uscc: str
    name: str
    legal_representative: str
    region_code: str
    established_on: date
    industry_code: str


@dataclass(frozen=True)
class _Issuer:
    """A department as its decisions name it."""

    id: int
    code: str
    name: str
    line: str
    region_code: str
    prefix: str  # of its document numbers: 大市监, 大中山市监


@dataclass
class _Held:
    """A license the seed granted, and the row that will be inserted for it."""

    matter: str
    kind: LicenseKind
    issuer: _Issuer
    row: dict[str, Any]
    revoked_by: int | None = None  # index of the revoking penalty


@dataclass
class _Built:
    licenses: list[_Held] = field(default_factory=list)
    penalties: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)


def _checked(build: Callable[[I, date, Collector], dict[str, Any]], data: I, on: date) -> dict[str, Any]:
    """The row as the rule builds it; a demo row that breaks a rule is a bug in this seed, so it stops the seed."""
    problems = Collector()
    values = build(data, on, problems)
    problems.raise_if_any()
    return values


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _Generator:
    def __init__(self, seed: int, on: date, issuers: list[_Issuer], entities: list[_Entity]) -> None:
        self.rng = random.Random(f"jianguan-records-{seed}")
        self.on = on
        self.entities = {entity.id: entity for entity in entities}
        self.by_id = {issuer.id: issuer for issuer in issuers}
        self.local = {(issuer.line, issuer.region_code): issuer for issuer in issuers}
        self._counters: dict[tuple[object, ...], int] = {}
        self.built = _Built()
        self.held: dict[int, list[_Held]] = {}

    def _next(self, *key: object) -> int:
        # Numbering starts somewhere in the year, as a real register would.
        self._counters[key] = self._counters.get(key, self.rng.randint(1, 60)) + 1
        return self._counters[key]

    def _day(self, first: date, last: date) -> date | None:
        if first > last:
            return None
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def _document(self, issuer: _Issuer, word: str, year: int) -> str:
        return f"{issuer.prefix}{word}〔{year}〕{self._next(issuer.id, word, year):04d}号"

    def _years_ago(self, years: int) -> date:
        return self.on - timedelta(days=365 * years)

    def licenses(self, entity: _Entity, routed: Sequence[tuple[str, int]]) -> None:
        """One license per certificate and department the entity's notices call for (食品销售 and
        餐饮服务 from one department are one 食品经营许可证), most of them granted already."""
        wanted: dict[tuple[int, str], tuple[str, list[str]]] = {}
        for matter, department_id in routed:
            kind = LICENSE_KINDS.get(matter)
            if kind is None or department_id not in self.by_id:
                continue
            key = (department_id, kind.certificate)
            if key in wanted:
                wanted[key][1].append(self.rng.choice(kind.contents))
            else:
                wanted[key] = (matter, [self.rng.choice(kind.contents)])
        for (department_id, _), (matter, contents) in wanted.items():
            if self.rng.random() < LICENSED_SHARE:
                self._license(entity, self.by_id[department_id], matter, contents)

    def _license(self, entity: _Entity, issuer: _Issuer, matter: str, contents: list[str]) -> None:
        kind = LICENSE_KINDS[matter]
        first = max(entity.established_on + timedelta(days=15), self._years_ago(LICENSE_YEARS))
        decided = self._day(first, self.on)
        if decided is None:
            return  # registered a fortnight ago: still applying
        long_term = kind.years is None or self.rng.random() < kind.long_term_share
        valid_to = LONG_TERM if kind.years is None or long_term else _years_after(decided, kind.years) - timedelta(1)
        number = kind.number.format(
            region=issuer.region_code,
            year=decided.year,
            until=valid_to.year,
            seq=self._next(kind.number),
            uscc=entity.uscc,
            r1=self._digits(1),
            r3=self._digits(3),
            r8=self._digits(8),
        )
        data = LicenseInput(
            uscc=entity.uscc,
            document_number=self._document(issuer, kind.word, decided.year),
            document_name=kind.document,
            category=kind.category,
            content="；".join(contents),
            decision_date=decided,
            valid_from=decided,
            valid_to=valid_to,
            certificate_name=kind.certificate,
            license_number=number,
            authority_name=kind.authority,  # else the department's own name, as for a mutation
            department_code=issuer.code,
        )
        row = (
            _checked(license_values, data, self.on)
            | self._party(data, entity, issuer)
            | {
                "status": RecordStatus.EFFECTIVE,
                "status_reason": None,
                "revoked_by_id": None,
            }
        )
        held = _Held(matter, kind, issuer, row)
        self.built.licenses.append(held)
        self.held.setdefault(entity.id, []).append(held)

    @staticmethod
    def _party(data: LicenseInput | PenaltyInput, entity: _Entity, issuer: _Issuer) -> dict[str, Any]:
        """The entity, its names and the deciding authority, as services.records.records fills them in."""
        names = party_values(data, entity.id, entity.name, entity.legal_representative, issuer.name)
        return names | {"source_department_id": issuer.id}

    def _amount(self, bounds: tuple[int, int] | None, cents: bool) -> Decimal | None:
        if bounds is None:
            return None
        low, high = bounds
        if cents:
            return Decimal(self.rng.randint(low * 100, high * 100)).scaleb(-2)
        step = 1000 if high > 10000 else 100
        return Decimal(self.rng.randint(-(-low // step), high // step) * step)

    def _content(self, sanction: Sanction, violation: Violation, fine: Decimal | None,
                 gains: Decimal | None, revoked: _Held | None) -> str:  # fmt: skip
        words = {
            PenaltyCategory.WARNING: "警告",
            PenaltyCategory.CIRCULATED_CRITICISM: "通报批评",
            PenaltyCategory.FINE: f"罚款人民币{fine}元",
            PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS: f"没收违法所得人民币{gains}元",
            PenaltyCategory.CONFISCATION_OF_PROPERTY: f"没收{violation.seized}",
            PenaltyCategory.SUSPENSION_OF_BUSINESS: "责令停产停业",
        }
        if revoked is not None:
            license = revoked.row
            words[PenaltyCategory.LICENSE_REVOCATION] = (
                f"吊销{license['certificate_name']}（{license['license_number']}）"
            )
        return "，".join(words[category] for category in sanction.categories) + "。"

    def _window(self, entity: _Entity, first: date, last: date) -> tuple[date, date] | None:
        """The days a penalty may be decided on: in the last few years, once the entity had traded a while."""
        first = max(first, entity.established_on + timedelta(days=60), self._years_ago(PENALTY_YEARS))
        last = min(last, self.on)
        return (first, last) if first <= last else None

    def penalty(self, entity: _Entity, issuer: _Issuer, violation: Violation, window: tuple[date, date] | None,
                revoked: _Held | None = None) -> int | None:  # fmt: skip
        """The index of the penalty built, or None when no day fits."""
        decided = None if window is None else self._day(*window)
        if decided is None:
            return None
        sanction = self.rng.choices(violation.sanctions, weights=[s.weight for s in violation.sanctions])[0]
        fine, gains = self._amount(sanction.fine, False), self._amount(sanction.confiscated, True)
        found = decided - timedelta(days=self.rng.randint(10, 90))
        data = PenaltyInput(
            uscc=entity.uscc,
            document_number=self._document(issuer, "罚", decided.year),
            violation_type=violation.violation_type,
            facts=violation.facts.format(day=_chinese_date(found), n=self.rng.randint(2, 12)),
            basis=violation.basis,
            categories=sanction.categories,
            content=self._content(sanction, violation, fine, gains, revoked),
            decision_date=decided,
            fine_amount=None if fine is None else str(fine),
            confiscated_amount=None if gains is None else str(gains),
            revoked_license_number=None if revoked is None else revoked.row["license_number"],
            department_code=issuer.code,
        )
        row = (
            _checked(penalty_values, data, self.on)
            | self._party(data, entity, issuer)
            | {
                "status": RecordStatus.EFFECTIVE,
                "status_reason": None,
            }
        )
        self.built.penalties.append(row)
        return len(self.built.penalties) - 1

    def ordinary_penalty(self, entity: _Entity) -> None:
        """A violation of one of its licenses (from that license's department) or of the general
        market rules (from the district's market regulator)."""
        held = self.held.get(entity.id, [])
        specific = [(v, h) for v in VIOLATIONS for h in held if h.matter in v.matters and h.issuer.line == v.line]
        if specific and self.rng.random() < 0.6:
            violation, license = self.rng.choices(specific, weights=[v.weight for v, _ in specific])[0]
            after_license = self._window(entity, license.row["decision_date"] + timedelta(days=30), self.on)
            self.penalty(entity, license.issuer, violation, after_license)
            return
        regulator = self.local.get(("SCJG", entity.region_code))
        if regulator is not None:
            general = [v for v in VIOLATIONS if not v.matters]
            violation = self.rng.choices(general, weights=[v.weight for v in general])[0]
            self.penalty(entity, regulator, violation, self._window(entity, entity.established_on, self.on))

    def revocations(self, count: int) -> None:
        """吊销许可证件 by the license's own department, while the license is still valid."""
        candidates = []
        for license in self.built.licenses:
            entity = self.entities[license.row["entity_id"]]
            first = license.row["decision_date"] + timedelta(days=60)
            window = self._window(entity, first, license.row["valid_to"])
            if license.matter in REVOCATIONS and window is not None:
                candidates.append((license, entity, window))
        for license, entity, window in self.rng.sample(candidates, min(count, len(candidates))):
            index = self.penalty(entity, license.issuer, REVOCATIONS[license.matter], window, revoked=license)
            assert index is not None
            license.revoked_by = index
            number = self.built.penalties[index]["document_number"]
            license.row |= {"status": RecordStatus.REVOKED, "status_reason": revocation_reason(number)}

    def withdrawals(self, count: int, revoking: set[int]) -> None:
        """撤销, as withdraw_penalty writes it; never a revoking one (its license would be restored)."""
        ordinary = [i for i in range(len(self.built.penalties)) if i not in revoking]
        for index in self.rng.sample(ordinary, min(count, len(ordinary))):
            self.built.penalties[index] |= {
                "status": RecordStatus.WITHDRAWN,
                "status_reason": self.rng.choice(WITHDRAWAL_REASONS),
            }

    def complaints(self, entity: _Entity) -> None:
        food = entity.industry_code[:1] in _FOOD_SECTIONS or any(
            h.matter in _FOOD_MATTERS for h in self.held.get(entity.id, [])
        )
        if self.rng.random() >= COMPLAINED_SHARE * (2 if food else 1):
            return
        kinds = [k for k in COMPLAINTS if food or not k.food_only]
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            kind = self.rng.choices(kinds, weights=[k.weight for k in kinds])[0]
            department = self.local.get((kind.line, entity.region_code))
            received = self._day(max(entity.established_on, self._years_ago(COMPLAINT_YEARS)), self.on)
            if department is None or received is None:
                continue
            recent = (self.on - received).days < 20
            resolved = self.rng.random() < (0.5 if recent else 0.93)
            resolved_on = min(self.on, received + timedelta(days=self.rng.randint(1, 20))) if resolved else None
            data = ComplaintInput(
                uscc=entity.uscc,
                reference=f"12345-{received:%Y%m%d}-{self._next('12345', received):05d}",
                received_on=received,
                category=kind.category,
                resolved=resolved,
                resolved_on=resolved_on,
                summary=self.rng.choice(kind.summaries),
                department_code=department.code,
            )
            row = _checked(complaint_values, data, self.on) | {
                "entity_id": entity.id,
                "source_department_id": department.id,
            }
            self.built.complaints.append(row)


async def _entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[_Entity]:
    # sqlmodel's select types at most four columns.
    rows = await session.execute(
        columns_of(
            col(MarketEntity.id),
            col(MarketEntity.uscc),
            col(MarketEntity.name),
            col(MarketEntity.legal_representative),
            col(MarketEntity.region_code),
            col(MarketEntity.established_on),
            col(MarketEntity.industry_code),
        )
        .where(
            col(MarketEntity.id).between(min(entity_ids), max(entity_ids)),
            col(MarketEntity.status) == EntityStatus.ACTIVE,
        )
        .order_by(col(MarketEntity.id))
    )
    wanted = set(entity_ids)
    return [
        _Entity(i, code, name, lr, region, established, industry)
        for i, code, name, lr, region, established, industry in rows.all()
        if i is not None and i in wanted
    ]


async def _routed(session: AsyncSession, entity_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    rows = await session.execute(
        select(col(Notice.entity_id), col(SupervisionMatter.code), col(Notice.department_id))
        .join(SupervisionMatter, col(SupervisionMatter.id) == col(Notice.matter_id))
        .where(col(Notice.entity_id).between(min(entity_ids), max(entity_ids)))
        .order_by(col(Notice.entity_id), col(Notice.id))
    )
    routed: dict[int, list[tuple[str, int]]] = {}
    for entity_id, matter, department_id in rows.all():
        routed.setdefault(entity_id, []).append((matter, department_id))
    return routed


async def _issuers(session: AsyncSession, short_names: dict[str, str]) -> list[_Issuer]:
    issuers = []
    for department in (await session.scalars(select(Department).order_by(col(Department.code)))).all():
        if department.id is None or department.line not in LINE_ABBREVIATIONS:
            continue
        place = short_names.get(department.region_code, "")  # a city department's numbers say only 大
        prefix = f"大{place}{LINE_ABBREVIATIONS[department.line]}"
        issuers.append(_Issuer(department.id, department.code, department.name, department.line,
                               department.region_code, prefix))  # fmt: skip
    return issuers


async def seed_records(
    session: AsyncSession, seed: int, entity_ids: Sequence[int], short_names: dict[str, str], on: date | None = None
) -> SeededRecords:
    """Licenses, penalties and complaints of the demo city's active entities, inserted in bulk.

    `short_names`: district code → the short name its departments put in document numbers (中山)."""
    if not entity_ids:
        return SeededRecords(0, 0, 0)
    day = on or today()
    entities = await _entities(session, entity_ids)
    generator = _Generator(seed, day, await _issuers(session, short_names), entities)
    routed = await _routed(session, entity_ids)
    for entity in entities:
        generator.licenses(entity, routed.get(entity.id, []))
    for entity in entities:
        if generator.rng.random() < PENALISED_SHARE:
            generator.ordinary_penalty(entity)
    generator.revocations(max(1, len(entities) // ENTITIES_PER_REVOCATION))
    revoking = {h.revoked_by for h in generator.built.licenses if h.revoked_by is not None}
    generator.withdrawals(1 if len(generator.built.penalties) < 40 else 2, revoking)
    for entity in entities:
        generator.complaints(entity)

    built = generator.built
    penalty_ids: list[int] = []
    if built.penalties:
        returned = await session.scalars(
            insert(Penalty).returning(col(Penalty.id), sort_by_parameter_order=True), built.penalties
        )
        penalty_ids = [i for i in returned.all() if i is not None]
    for held in built.licenses:
        if held.revoked_by is not None:
            held.row["revoked_by_id"] = penalty_ids[held.revoked_by]
    if built.licenses:
        await session.execute(insert(License), [held.row for held in built.licenses])
    if built.complaints:
        await session.execute(insert(Complaint), built.complaints)
    referred = await _refer_revocations(session, built, penalty_ids)
    referred += await _manual_referrals(session, seed, day, built, routed, generator.by_id)
    return SeededRecords(len(built.licenses), len(built.penalties), len(built.complaints), referred)


async def _refer_revocations(session: AsyncSession, built: _Built, penalty_ids: list[int]) -> int:
    """The bulk insert stored its licenses already revoked, so no reconciliation revokes them and no
    联动告知 follows: each seeded revocation refers here, as the follow-on referral would."""
    revoking = {penalty_ids[held.revoked_by]: built.penalties[held.revoked_by] for held in built.licenses
                if held.revoked_by is not None}  # fmt: skip
    if not revoking:
        return 0
    licenses = await session.scalars(
        select(License).where(col(License.revoked_by_id).in_(list(revoking))).order_by(col(License.id))
    )
    sent = 0
    for license in licenses.all():
        assert license.revoked_by_id is not None
        penalty = revoking[license.revoked_by_id]
        done = Revocation(license.revoked_by_id, penalty["source_department_id"], penalty["document_number"], license)
        sent += len(await refer_revocation(session, done))
    return sent


# What a department found in its own casework that belongs to another; and what that one did.
_FINDINGS = (
    "在查处“{violation}”时发现，该主体的经营活动还涉及{matter}，属贵单位职责，请依职责核查处理。",
    "执法检查中发现该主体{matter}方面可能存在问题（相关情况见处罚决定“{document}”），请依职责跟进。",
)
_HOTLINE = "12345 工单“{reference}”反映的问题涉及该主体的{matter}，属贵单位职责，请依职责核查并答复群众。"
_OUTCOMES = (
    "已派员现场核查，责令当事人限期整改，整改情况将纳入日常监管。",
    "经核查未发现违法行为，已将该主体列为重点检查对象。",
)
MANUAL_REFERRALS = 4


@dataclass(frozen=True)
class _Casework:
    """A penalty or a complaint whose department may refer the entity on to another."""

    entity_id: int
    sender: int
    since: date
    reason: ReferralReason
    templates: tuple[str, ...]
    words: dict[str, str]


def _casework(built: _Built) -> list[_Casework]:
    found = []
    for penalty in built.penalties:
        if (
            penalty["status"] is RecordStatus.EFFECTIVE
            and PenaltyCategory.LICENSE_REVOCATION not in penalty["categories"]
        ):
            words = {"violation": penalty["violation_type"], "document": penalty["document_number"]}
            found.append(_Casework(penalty["entity_id"], penalty["source_department_id"], penalty["decision_date"],
                                  ReferralReason.INSPECTION_FINDING, _FINDINGS, words))  # fmt: skip
    for complaint in built.complaints:
        found.append(_Casework(complaint["entity_id"], complaint["source_department_id"], complaint["received_on"],
                               ReferralReason.MANUAL, (_HOTLINE,), {"reference": complaint["reference"]}))  # fmt: skip
    return found


async def _manual_referrals(
    session: AsyncSession,
    seed: int,
    on: date,
    built: _Built,
    routed: dict[int, list[tuple[str, int]]],
    issuers: dict[int, _Issuer],
) -> int:
    """A few referrals a department sent by hand, from its penalty or complaint, to another department the
    entity's notices went to (one that reaches the entity, so it can read what it is told): SENT,
    ACKNOWLEDGED and HANDLED, each row as send_referral, acknowledge_referral and handle_referral leave it."""
    rng = random.Random(f"jianguan-referrals-{seed}")
    candidates = []
    for work in _casework(built):
        others = [(matter, department) for matter, department in routed.get(work.entity_id, [])
                  if department != work.sender and department in issuers]  # fmt: skip
        if others and work.since < on:
            candidates.append((work, others))
    names = dict((await session.execute(select(col(SupervisionMatter.code), col(SupervisionMatter.name)))).all())
    chosen = rng.sample(candidates, min(MANUAL_REFERRALS, len(candidates)))
    for state, (work, others) in enumerate(chosen):
        matter, recipient = rng.choice(others)
        sent_on = work.since + timedelta(days=rng.randint(1, min(10, (on - work.since).days)))
        sent_at = min(datetime.combine(sent_on, time(rng.randint(9, 16), rng.randint(0, 59)), SHANGHAI), utcnow())
        referral = Referral(
            entity_id=work.entity_id,
            from_department_id=work.sender,
            to_department_id=recipient,
            reason=work.reason,
            message=rng.choice(work.templates).format(matter=names.get(matter, matter), **work.words),
            status=ReferralStatus.SENT,
            sent_at=sent_at,
        )
        if state % 3 >= 1:  # the recipient had it in hand by the next morning
            referral.status = ReferralStatus.ACKNOWLEDGED
            referral.acknowledged_at = min(sent_at + timedelta(hours=18), utcnow())
        if state % 3 == 2:
            referral.status, referral.outcome = ReferralStatus.HANDLED, rng.choice(_OUTCOMES)
            referral.handled_at = min(sent_at + timedelta(days=rng.randint(3, 12)), utcnow())
        session.add(referral)
    await session.flush()
    return len(chosen)
