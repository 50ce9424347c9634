"""seed-demo's credit supervision: the discipline-measure catalog (惩戒措施) with its legal bases,
and a handful of listings: about 3 % of the active entities on the abnormal-operation list (the
four legal reasons, most for a missed annual report, decided in July batches; some removed
since), a few standing long enough to be due for escalation, and a few on the serious list.

Every listing and removal goes through services.credit.listings, as a registration authority's would,
so the demo holds only what the rules allow (and the audit log says who did it). The entities
chosen depend on the seed alone; their dates count back from the day of seeding."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity
from models.enums import EntityStatus, ListingKind, ListingReason, RemovalReason
from services.credit.discipline import MeasureInput, upsert_discipline_measure
from services.credit.listings import (
    ABNORMAL_REASONS,
    REMINDER_DAYS,
    DelistInput,
    ListInput,
    delist_entity,
    escalation_due_on,
    list_entity,
)
from services.platform.clock import today

ABNORMAL_SHARE = 0.03
SERIOUS_SHARE = 0.003
REMOVED_SHARE = 0.4
SECOND_REASON_SHARE = 0.1  # also unreachable at its address
_REASON_WEIGHTS = {
    ListingReason.ANNUAL_REPORT: 70,
    ListingReason.UNREACHABLE: 20,
    ListingReason.INSTANT_DISCLOSURE: 6,
    ListingReason.FALSE_DISCLOSURE: 4,
}

_ANNUAL = "《企业信息公示暂行条例》第十八条"
_SERIOUS = "《市场监督管理严重违法失信名单管理办法》第十八条"
_JOINT = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
# code, name, listing kind, legal basis, applied by, active
MEASURES: list[tuple[str, str, ListingKind, str, str, bool]] = [
    ("JY-ZFCG", "政府采购中作为重要考量因素，依法予以限制", ListingKind.ABNORMAL_OPERATION, _ANNUAL, "财政部门", True),
    ("JY-ZBTB", "工程建设项目招标投标中依法予以限制", ListingKind.ABNORMAL_OPERATION, _ANNUAL,
     "发展改革、住房城乡建设、交通运输、水利等部门", True),
    ("JY-PYPX", "不予授予荣誉称号，取消评优评先资格", ListingKind.ABNORMAL_OPERATION, _ANNUAL, "各有关部门", True),
    ("JY-GYTD", "国有土地出让中依法予以限制", ListingKind.ABNORMAL_OPERATION, _ANNUAL, "自然资源部门", True),
    ("YZ-ZFCG", "禁止参加政府采购活动", ListingKind.SERIOUS_DISHONEST,
     f"《中华人民共和国政府采购法》第二十二条；{_SERIOUS}", "财政部门", True),
    ("YZ-ZBTB", "限制参与工程建设项目招标投标", ListingKind.SERIOUS_DISHONEST, f"{_SERIOUS}；{_JOINT}",
     "发展改革、住房城乡建设、交通运输、水利等部门", True),
    ("YZ-XZXK", "从严审查新增行政许可申请，不适用告知承诺制", ListingKind.SERIOUS_DISHONEST, _SERIOUS,
     "各行政许可实施部门", True),
    ("YZ-SCZR", "限制进入相关市场、行业，从严审核市场准入事项", ListingKind.SERIOUS_DISHONEST, _JOINT,
     "市场监督管理部门及各行业主管部门", True),
    ("YZ-RZSX", "融资授信中从严审核，限制发行企业债券", ListingKind.SERIOUS_DISHONEST, _JOINT,
     "人民银行、金融监管、发展改革部门", True),
    ("YZ-FDDB", "法定代表人、负责人三年内不得担任其他企业的法定代表人、负责人", ListingKind.SERIOUS_DISHONEST,
     "《企业信息公示暂行条例》第十七条", "市场监督管理部门（登记机关）", True),
    ("YZ-PYPX", "不得参加评优评先、评比达标表彰活动", ListingKind.SERIOUS_DISHONEST, _SERIOUS, "各有关部门", True),
    ("YZ-GXF", "限制法定代表人及主要负责人高消费", ListingKind.SERIOUS_DISHONEST, _JOINT,
     "人民法院（各有关部门协助）", True),
    # Superseded on 2021-09-01 by the measures above: kept in the catalog, no longer applied.
    ("YZ-2016-QYMD", "严重违法企业名单：限制担任其他企业法定代表人（旧办法）", ListingKind.SERIOUS_DISHONEST,
     "《严重违法失信企业名单管理暂行办法》（已废止）", "工商行政管理部门", False),
]  # fmt: skip

_FACTS = {
    ListingReason.ANNUAL_REPORT: "未在 {year} 年 6 月 30 日前通过国家企业信用信息公示系统报送 {previous} 年度报告",
    ListingReason.INSTANT_DISCLOSURE: "未在责令的期限内公示股东认缴和实缴的出资额、出资时间、出资方式等即时信息",
    ListingReason.FALSE_DISCLOSURE: "经抽查，其公示的年度报告中资产总额、营业总收入等信息隐瞒真实情况、弄虚作假",
    ListingReason.UNREACHABLE: "经实地核查，通过登记的住所（{address}）无法取得联系",
    ListingReason.SERIOUS_VIOLATION: (
        "因违法行为受到较重行政处罚，属《市场监督管理严重违法失信名单管理办法》规定的严重违法失信行为"
    ),
}
_CURES = {
    ListingReason.ANNUAL_REPORT: "已补报 {previous} 年度报告并公示",
    ListingReason.INSTANT_DISCLOSURE: "已补充公示有关即时信息",
    ListingReason.FALSE_DISCLOSURE: "已更正公示信息",
    ListingReason.UNREACHABLE: "已通过登记的住所恢复联系",
    ListingReason.SERIOUS_VIOLATION: "已履行行政处罚决定并完成信用修复",
}


@dataclass(frozen=True)
class SeededListings:
    listings: int
    standing: int
    measures: int


@dataclass(frozen=True)
class _Entity:
    id: int
    uscc: str
    address: str
    region_code: str
    established_on: date
    authority: Department


class _Numbers:
    """Document numbers as a registration authority issues them: 大中山市监异字〔2025〕第 12 号."""

    def __init__(self, rng: random.Random, short_names: dict[str, str]) -> None:
        self.rng, self.short_names = rng, short_names
        self.counters: dict[tuple[str, str, int], int] = {}
        self.batches: dict[tuple[str, int], str] = {}

    def next(self, authority: Department, word: str, year: int) -> str:
        key = (authority.code, word, year)
        self.counters[key] = self.counters.get(key, self.rng.randint(1, 30)) + 1
        place = self.short_names.get(authority.region_code, "")
        return f"大{place}市监{word}字〔{year}〕第 {self.counters[key]} 号"

    def annual_batch(self, authority: Department, year: int) -> str:
        """One decision lists every entity of the authority that missed the year's report."""
        key = (authority.code, year)
        if key not in self.batches:
            self.batches[key] = self.next(authority, "异", year)
        return self.batches[key]


class _Seeder:
    def __init__(self, session: AsyncSession, seed: int, on: date, short_names: dict[str, str]) -> None:
        self.session, self.on = session, on
        self.rng = random.Random(f"jianguan-listings-{seed}")
        self.numbers = _Numbers(self.rng, short_names)
        self.listed = 0
        self.removed = 0

    def _day(self, first: date, last: date) -> date | None:
        if first > last:
            return None
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _annual_day(self, entity: _Entity) -> date | None:
        """A July of the last three years after the entity missed a year's report (it existed the
        whole previous year)."""
        years = [y for y in range(max(entity.established_on.year + 1, self.on.year - 2), self.on.year + 1)
                 if date(y, 7, 10) <= self.on]  # fmt: skip
        if not years:
            return None
        year = self.rng.choice(years)
        return date(year, 7, self.rng.randint(1, 10))

    def _other_day(self, entity: _Entity) -> date | None:
        # Within about 2½ years: only the listings `due` makes are near their 3 years.
        return self._day(max(entity.established_on + timedelta(days=90), self.on - timedelta(days=900)), self.on)

    async def _list(self, entity: _Entity, kind: ListingKind, reason: ListingReason, day: date,
                    department: Department) -> None:  # fmt: skip
        if reason is ListingReason.ANNUAL_REPORT:
            number = self.numbers.annual_batch(department, day.year)
        else:
            number = self.numbers.next(department, "异" if kind is ListingKind.ABNORMAL_OPERATION else "严", day.year)
        facts = _FACTS[reason].format(year=day.year, previous=day.year - 1, address=entity.address)
        await list_entity(self.session, ListInput(entity.uscc, kind, reason, number, day, facts, department.code))
        self.listed += 1

    async def _remove(self, entity: _Entity, kind: ListingKind, reason: ListingReason, listed: date,
                      department: Department) -> None:  # fmt: skip
        removed = listed + timedelta(days=self.rng.randint(15, 400))
        if removed > self.on:
            return
        cured = self.rng.random() < 0.85 and reason is not ListingReason.SERIOUS_VIOLATION
        why = RemovalReason.CURED if cured else RemovalReason.CREDIT_REPAIR
        note = _CURES[reason].format(previous=listed.year - 1)
        number = self.numbers.next(department, "移", removed.year)
        await delist_entity(self.session, DelistInput(entity.uscc, kind, removed, why, reason, number, note,
                                                      department.code))  # fmt: skip
        self.removed += 1

    async def abnormal(self, entity: _Entity, reason: ListingReason) -> None:
        day = self._annual_day(entity) if reason is ListingReason.ANNUAL_REPORT else None
        if day is None:
            # Too young to have missed a report: listed for another reason, on any day since.
            reason = ListingReason.UNREACHABLE if reason is ListingReason.ANNUAL_REPORT else reason
            day = self._other_day(entity)
        if day is None:
            return
        kind = ListingKind.ABNORMAL_OPERATION
        await self._list(entity, kind, reason, day, entity.authority)
        if self.rng.random() < REMOVED_SHARE:
            await self._remove(entity, kind, reason, day, entity.authority)
        elif reason is not ListingReason.UNREACHABLE and self.rng.random() < SECOND_REASON_SHARE:
            second = self._day(day, self.on)
            if second is not None:
                await self._list(entity, kind, ListingReason.UNREACHABLE, second, entity.authority)

    async def due(self, entity: _Entity, past: bool) -> None:
        """Standing for nearly 3 years (the reminder's 60 days have begun), or for more."""
        three_years_ago = self.on - (escalation_due_on(self.on) - self.on)
        shift = -self.rng.randint(1, 200) if past else self.rng.randint(1, REMINDER_DAYS - 1)
        day = three_years_ago + timedelta(days=shift)
        if day < entity.established_on + timedelta(days=365):
            return await self.abnormal(entity, ListingReason.UNREACHABLE)
        await self._list(entity, ListingKind.ABNORMAL_OPERATION, ListingReason.UNREACHABLE, day, entity.authority)

    async def serious(self, entity: _Entity, regulator: Department, remove: bool) -> None:
        day = self._day(max(entity.established_on + timedelta(days=180), self.on - timedelta(days=3 * 365)), self.on)
        if day is None:
            return
        kind, reason = ListingKind.SERIOUS_DISHONEST, ListingReason.SERIOUS_VIOLATION
        await self._list(entity, kind, reason, day, regulator)
        if remove:
            await self._remove(entity, kind, reason, day, regulator)


async def _entities(session: AsyncSession) -> tuple[list[_Entity], dict[str, Department]]:
    departments = {d.id: d for d in (await session.scalars(select(Department))).all()}
    regulators = {d.region_code: d for d in departments.values() if d.code.startswith("SCJG-")}
    rows = await session.scalars(
        select(MarketEntity).where(col(MarketEntity.status) == EntityStatus.ACTIVE).order_by(col(MarketEntity.id))
    )
    entities = [
        _Entity(row.id, row.uscc, row.address, row.region_code, row.established_on, authority)
        for row in rows.all()
        if row.id is not None and (authority := departments[row.registration_authority_id])
    ]
    return entities, regulators


async def seed_listings(
    session: AsyncSession, seed: int, short_names: dict[str, str], on: date | None = None
) -> SeededListings:
    """The measure catalog, then the listings of the demo city's active entities."""
    for code, name, kind, basis, applied_by, active in MEASURES:
        await upsert_discipline_measure(session, MeasureInput(code, name, kind, basis, applied_by, active))
    seeder = _Seeder(session, seed, on or today(), short_names)
    entities, regulators = await _entities(session)
    abnormal = max(6, round(len(entities) * ABNORMAL_SHARE))
    serious = max(1, round(len(entities) * SERIOUS_SHARE))
    chosen = seeder.rng.sample(entities, min(len(entities), abnormal + serious))
    reasons = list(_REASON_WEIGHTS)
    for index, entity in enumerate(chosen[:abnormal]):
        if index == 0 or index == 1:
            await seeder.due(entity, past=index == 1)
            continue
        # The first few show each legal reason once; the rest are mostly missed annual reports.
        cycle = index - 2
        reason = ABNORMAL_REASONS[cycle] if cycle < len(ABNORMAL_REASONS) else seeder.rng.choices(
            reasons, weights=list(_REASON_WEIGHTS.values()))[0]  # fmt: skip
        await seeder.abnormal(entity, reason)
    for index, entity in enumerate(chosen[abnormal:]):
        await seeder.serious(entity, regulators[entity.region_code], remove=index == 2)
    return SeededListings(seeder.listed, seeder.listed - seeder.removed, len(MEASURES))
