"""法人库: registry intake (`registerEntity`), lookup, listing and search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import EntityFormerName, EntityPerson, MarketEntity, Notice, Region, SupervisionMatter
from models.enums import DataQualityIssue, EntityStatus, EntityType, PersonRole, RiskColour
from models.types import utcnow
from services.catalog.routing import route
from services.platform import audit, checks, search, text_index
from services.platform.access import (
    UNRESTRICTED,
    Operation,
    acting_registration_authority,
    may_change,
    may_register_in,
    principal_of,
    require,
    require_authenticated,
    seeing_all,
)
from services.platform.db import secret_key_of
from services.platform.errors import Collector, DomainError
from services.platform.paging import Page, count_rows, keyset_page
from services.platform.text_columns import column_limit
from services.registry import box_reads, uscc
from services.registry.persons import MAX_PERSONS, PersonLink, links_of, replace_links

_DATA_QUALITY = {
    uscc.UsccCheck.CHECK_CHARACTER: DataQualityIssue.USCC_CHECK_CHARACTER,
    uscc.UsccCheck.ORGANISATION_CODE: DataQualityIssue.ORGANISATION_CODE_CHECK,
}
ENTITY_CURSOR = "entity"  # the kind of an entity list's cursors
ENTITY_KEY = col(MarketEntity.uscc)  # an entity list's order: by USCC
# What a change registration may alter; the code and the original authority stay.
_REGISTERED_FIELDS = (
    "name",
    "entity_type",
    "legal_representative",
    "registered_capital",
    "established_on",
    "status",
    "region_code",
    "address",
    "industry_code",
    "business_scope",
    "scope_entry_codes",
    "data_quality_issue",
    "longitude",
    "latitude",
)

MAX_ENTRY_CODES = checks.MAX_ENTRY_CODES


@dataclass(frozen=True)
class PersonInput:
    name: str
    role: PersonRole
    id_number: str | None = None
    share_percent: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class RegistrationInput:
    uscc: str
    name: str
    entity_type: EntityType
    legal_representative: str
    established_on: date
    region_code: str
    address: str
    industry_code: str
    business_scope: str
    registered_capital: str | None = None
    scope_entry_codes: Sequence[str] | None = None
    status: EntityStatus | None = None
    legal_representative_id_number: str | None = None
    persons: Sequence[PersonInput] | None = None
    department_code: str | None = None
    # WGS-84 degrees of the address, both or neither; left out, a change registration keeps them.
    longitude: Decimal | None = None
    latitude: Decimal | None = None


@dataclass(frozen=True)
class RegistrationOutcome:
    entity: MarketEntity
    created: bool
    changed: bool
    scope_changed: bool
    notices: list[Notice]


@dataclass(frozen=True)
class Box:
    west: Decimal
    south: Decimal
    east: Decimal
    north: Decimal


@dataclass(frozen=True)
class EntityFilter:
    region_code: str | None = None
    industry_code: str | None = None
    entity_type: EntityType | None = None
    status: EntityStatus | None = None
    text: str | None = None
    data_quality_issue: bool | None = None
    colour: RiskColour | None = None  # the stored 四色警示 colour
    matter_code: str | None = None  # entities with a notice of this supervision matter (subject_to_matter)
    within_box: Box | None = None  # longitude/latitude, edges included; entities without coordinates never match
    # Set by list_entities for a box with many hits: read in USCC order and test each row (box_reads).
    box_read: box_reads.Read = box_reads.Read.INDEXED


@dataclass
class _Checked:
    code: str
    data_quality_issue: DataQualityIssue | None
    capital: Decimal | None
    region: Region
    point: checks.Point | None
    links: list[PersonLink] = field(default_factory=list)


def _parse_share(raw: str | None, problems: Collector, field_name: str) -> Decimal | None:
    if raw is None or not raw.strip():
        return None
    share = checks.parse_decimal(raw.strip().rstrip("%"))
    if share is None or not Decimal(0) < share <= Decimal(100) or checks.decimal_places(share) > 4:
        problems.add("INVALID_SHARE", "出资比例须大于 0、不超过 100，最多四位小数", field_name)
        return None
    return share


def _check_persons(data: RegistrationInput, problems: Collector) -> list[PersonLink]:
    links = [
        PersonLink(
            name=data.legal_representative.strip(),
            role=PersonRole.LEGAL_REPRESENTATIVE,
            id_number=(data.legal_representative_id_number or "").strip() or None,
        )
    ]
    if len(data.persons or ()) > MAX_PERSONS:
        message = f"股东与董监高最多 {MAX_PERSONS} 人，给出了 {len(data.persons or ())} 人"
        problems.add("TOO_MANY_PERSONS", message, "persons")
        return links
    total = Decimal(0)
    for index, person in enumerate(data.persons or []):
        prefix = f"persons.{index}"
        if person.role is PersonRole.LEGAL_REPRESENTATIVE:
            problems.add("INVALID_ROLE", "法定代表人请用 legalRepresentative 字段填写", f"{prefix}.role")
        name = checks.text(person.name, "姓名", f"{prefix}.name", problems, limit=column_limit(EntityPerson.name))
        share = _parse_share(person.share_percent, problems, f"{prefix}.sharePercent")
        total += share or 0
        title = checks.optional_text(
            person.title, "职务", f"{prefix}.title", problems, limit=column_limit(EntityPerson.title)
        )
        links.append(PersonLink(name, person.role, (person.id_number or "").strip() or None, share, title))
    if total > 100:
        problems.add("SHARES_EXCEED_100", f"股东出资比例合计 {total}%，超过 100%", "persons")
    return links


async def _check(session: AsyncSession, data: RegistrationInput, problems: Collector) -> _Checked | None:
    code = ""
    issue: DataQualityIssue | None = None
    try:
        result = uscc.check(data.uscc)
        code = result.code
        # The registration authority's own data is the source of truth: a failed
        # check is kept, flagged for the maintainers' data-quality list.
        issue = _DATA_QUALITY.get(result.check)
    except uscc.MalformedUscc as exc:
        problems.add("INVALID_USCC", exc.message, "uscc")
    checks.text(data.name, "名称", "name", problems, limit=column_limit(MarketEntity.name))
    checks.text(
        data.legal_representative,
        "法定代表人",
        "legalRepresentative",
        problems,
        limit=column_limit(MarketEntity.legal_representative),
    )
    checks.text(data.address, "住所", "address", problems, limit=column_limit(MarketEntity.address))
    checks.text(data.business_scope, "经营范围", "businessScope", problems, limit=20000)
    checks.codes(data.scope_entry_codes or (), checks.ENTRY_CODE, "businessScopeCodes", problems, MAX_ENTRY_CODES)
    checks.code(data.industry_code, checks.INDUSTRY_CODE, "industryCode", problems)
    if checks.not_future(data.established_on, "成立日期", "establishedOn", problems):
        checks.within(data.established_on, "成立日期", "establishedOn", problems, earliest=checks.FOUNDING_DAY)
    capital = checks.amount(data.registered_capital, "注册资本", "registeredCapital", problems)
    point = checks.coordinates(data.longitude, data.latitude, problems)
    region = await session.get(Region, data.region_code.strip())
    if region is None:
        problems.add("UNKNOWN_REGION", f"行政区划“{data.region_code}”不存在", "regionCode")
    links = _check_persons(data, problems)
    if problems.problems or region is None:
        return None
    return _Checked(code, issue, capital, region, point, links)


async def register_entity(session: AsyncSession, data: RegistrationInput) -> RegistrationOutcome:
    """Registry intake: create the entity, or apply a change to it; audited either way."""
    principal = principal_of(session)
    require(principal, Operation.REGISTER_ENTITY)
    authority = await acting_registration_authority(session, principal, data.department_code, "登记市场主体")
    problems = Collector()
    checked = await _check(session, data, problems)
    problems.raise_if_any()
    assert checked is not None
    region_code = checked.region.code
    if not may_register_in(authority, checked.region):
        raise DomainError(
            "REGION_OUT_OF_JURISDICTION",
            "该行政区划不在本登记机关辖区内：市场主体应登记在本辖区的区县级行政区划",
            "regionCode",
        )

    # Looked up across every region: a code registered elsewhere must not be
    # registered twice, even where the caller may not read the existing row.
    entity = await session.scalar(
        select(MarketEntity).where(col(MarketEntity.uscc) == checked.code).execution_options(**UNRESTRICTED)
    )
    if entity is not None:
        current_region = await session.get(Region, entity.region_code)
        assert current_region is not None
        if not may_change(authority, entity, current_region):
            raise DomainError("REGION_OUT_OF_JURISDICTION", "该市场主体由其他登记机关管辖，不能由本机关变更", "uscc")

    before = await _entity_snapshot(session, entity) if entity else None
    assert authority.id is not None
    incoming = MarketEntity(
        uscc=checked.code,
        registration_authority_id=entity.registration_authority_id if entity else authority.id,
        name=data.name.strip(),
        entity_type=data.entity_type,
        legal_representative=data.legal_representative.strip(),
        registered_capital=checked.capital,
        established_on=data.established_on,
        status=data.status or (entity.status if entity else EntityStatus.ACTIVE),
        region_code=region_code,
        address=data.address.strip(),
        industry_code=data.industry_code.strip().upper(),
        business_scope=data.business_scope.strip(),
        scope_entry_codes=_entry_codes(data, entity),
        data_quality_issue=checked.data_quality_issue,
    )
    incoming.longitude, incoming.latitude = _point(checked.point, entity, incoming)
    created = entity is None
    if entity is None:
        entity = incoming
        session.add(entity)
    else:
        await _keep_former_name(session, entity, incoming.name)
        for key in _REGISTERED_FIELDS:
            setattr(entity, key, getattr(incoming, key))
    await session.flush()
    assert entity.id is not None
    roles = {PersonRole.LEGAL_REPRESENTATIVE}
    if data.persons is not None:
        roles |= {PersonRole.SHAREHOLDER, PersonRole.EXECUTIVE}
    await replace_links(session, secret_key_of(session), entity.id, checked.links, roles)
    after = await _entity_snapshot(session, entity)
    changed = before != after
    scope_changed = before is not None and any(
        before[key] != after[key] for key in ("business_scope", "scope_entry_codes")
    )
    if changed:
        entity.updated_at = utcnow()
        await session.flush()
        action = "entity.registered" if created else ("entity.scope_changed" if scope_changed else "entity.changed")
        await audit.record(session, action, "MarketEntity", entity.uscc, before, after, authority.code)
    notices: list[Notice] = []
    if created or scope_changed:
        notices = await route(session, entity, authority, "REGISTERED" if created else "SCOPE_CHANGED")
    return RegistrationOutcome(entity, created, changed, scope_changed, notices)


def _point(
    given: checks.Point | None, entity: MarketEntity | None, incoming: MarketEntity
) -> tuple[Decimal | None, Decimal | None]:
    """Given coordinates replace the old ones; left out, they are kept only while the address
    and region stay the same: a moved entity's old point would put it in its old district."""
    if given is not None:
        return given.longitude, given.latitude
    if entity is None or (entity.address, entity.region_code) != (incoming.address, incoming.region_code):
        return None, None
    return entity.longitude, entity.latitude


async def _keep_former_name(session: AsyncSession, entity: MarketEntity, name: str) -> None:
    """A change of name keeps the old one as a former name (曾用名); a name taken back is current
    again, not former."""
    if name == entity.name:
        return
    assert entity.id is not None
    former = col(EntityFormerName.entity_id) == entity.id
    await session.execute(sa.delete(EntityFormerName).where(former, col(EntityFormerName.name) == name))
    session.add(EntityFormerName(entity_id=entity.id, name=entity.name))


async def former_names(session: AsyncSession, entity_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each entity's former names, the latest first."""
    rows = await session.execute(
        select(EntityFormerName.entity_id, EntityFormerName.name)
        .where(col(EntityFormerName.entity_id).in_(entity_ids))
        .order_by(col(EntityFormerName.until).desc(), col(EntityFormerName.id).desc())
    )
    found: dict[int, list[str]] = {entity_id: [] for entity_id in entity_ids}
    for entity_id, name in rows.all():
        found[entity_id].append(name)
    return found


def _entry_codes(data: RegistrationInput, entity: MarketEntity | None) -> list[str]:
    """Given codes replace the old ones; left out, a re-registration keeps them."""
    if data.scope_entry_codes is None:
        return list(entity.scope_entry_codes) if entity else []
    return list(dict.fromkeys(code.strip().upper() for code in data.scope_entry_codes if code.strip()))


async def _entity_snapshot(session: AsyncSession, entity: MarketEntity) -> dict[str, object]:
    # The colour is derived from the records, not registered: services.credit.risk keeps its own history.
    snap = audit.snapshot(entity, exclude=("id", "created_at", "updated_at", "risk_colour"))
    assert entity.id is not None
    snap["persons"] = sorted(
        [
            [person.role.value, person.name, str(person.share_percent or ""), person.title or ""]
            for person in await links_of(session, [entity.id])
        ]
    )
    return snap


async def get_entity(session: AsyncSession, code: str) -> MarketEntity | None:
    """One entity by USCC, as the caller may see it (None when hidden or unknown)."""
    require_authenticated(principal_of(session))
    return await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == entity_code(code)))


def entity_code(code: str) -> str:
    """The code `entity(uscc)` looks up: trimmed and upper-cased; INVALID_USCC for a wrong shape."""
    problems = Collector()
    normalised = uscc.checked_uscc(code, problems).code
    problems.raise_if_any()
    return normalised


def entity_conditions(flt: EntityFilter, dialect: str | None = None) -> list[ColumnElement[bool]]:
    """The registry's filter and search rule, shared by the API and the admin pages. A box is
    read by the engine's own spatial index: its conditions need the `dialect`."""
    conditions: list[ColumnElement[bool]] = []
    if flt.region_code:
        conditions.append(col(MarketEntity.region_code) == flt.region_code)
    if flt.industry_code:
        # Escaped: a caller's % or _ is a character of the code, not a wildcard.
        prefix = search.search_text(flt.industry_code, "filter.industryCode").upper()
        conditions.append(col(MarketEntity.industry_code).startswith(prefix, autoescape=True))
    if flt.entity_type:
        conditions.append(col(MarketEntity.entity_type) == flt.entity_type)
    if flt.status:
        conditions.append(col(MarketEntity.status) == flt.status)
    if flt.colour:
        conditions.append(col(MarketEntity.risk_colour) == flt.colour)
    matter = (flt.matter_code or "").strip()
    if matter:
        conditions.append(subject_to_matter(matter))
    if flt.within_box is not None:
        given = flt.within_box
        box = checks.box(given.west, given.south, given.east, given.north, "filter.withinBox")
        if dialect is None:
            raise TypeError("a box's conditions depend on the engine: pass the dialect")
        conditions.extend(box_reads.within(box, dialect, flt.box_read))
    if flt.data_quality_issue is not None:
        column = col(MarketEntity.data_quality_issue)
        conditions.append(column.is_not(None) if flt.data_quality_issue else column.is_(None))
    text = search.search_text(flt.text, "filter.text")
    if text:
        # searchEntities' match (services.registry.search), here in the list's USCC order.
        conditions.append(text_index.entity_text(text))
    return conditions


def subject_to_matter(code: str) -> ColumnElement[bool]:
    """Entities subject to the supervision matter with this code: those with a notice of it, in
    any state, whichever department holds it. Run through the ORM, the statement needs
    `matter_options()`: see there why."""
    matter_id = select(col(SupervisionMatter.id)).where(col(SupervisionMatter.code) == code).scalar_subquery()
    noticed = select(col(Notice.entity_id)).where(col(Notice.matter_id) == matter_id)
    return col(MarketEntity.id).in_(noticed)


def matter_options() -> dict[str, Any]:
    """Whether an entity is subject to a supervision matter is a fact about the entity, whichever
    department holds the notice of it (the lead of a plan rarely holds them all, a district's
    health bureau none of 食品销售): the matter's subquery weighs every department's notices.
    Only entity rows come out, and those stay within the caller's row policy."""
    return seeing_all(Notice)


async def checked_matter(session: AsyncSession, given: str | None, field: str, problems: Collector) -> str | None:
    """The matter code trimmed (None when blank); UNKNOWN_MATTER on `field` for a code no matter has."""
    matter = (given or "").strip() or None
    if matter is not None:
        found = await session.scalar(select(col(SupervisionMatter.id)).where(col(SupervisionMatter.code) == matter))
        if found is None:
            problems.add("UNKNOWN_MATTER", f"监管事项“{matter}”不存在", field)
    return matter


async def list_entities(session: AsyncSession, flt: EntityFilter, first: int, after: str | None) -> Page[MarketEntity]:
    """A keyset page in USCC order: the cost of a page does not grow with its depth."""
    require_authenticated(principal_of(session))
    return await keyset_page(session, await _rows(session, flt), ENTITY_KEY, ENTITY_CURSOR, first, after)


async def count_entities(session: AsyncSession, flt: EntityFilter) -> int:
    require_authenticated(principal_of(session))
    return await count_rows(session, await _rows(session, flt), col(MarketEntity.id))


async def _rows(session: AsyncSession, flt: EntityFilter) -> Select[MarketEntity]:
    """The entities the filter selects, for a page and for its count: a matter it names must
    exist (UNKNOWN_MATTER), and is weighed over every department's notices (matter_options)."""
    problems = Collector()
    matter = await checked_matter(session, flt.matter_code, "filter.matterCode", problems)
    problems.raise_if_any()
    options = matter_options() if matter else {}
    return select(MarketEntity).where(*await _box_read(session, flt, options)).execution_options(**options)


async def _box_read(session: AsyncSession, flt: EntityFilter, options: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The filter's conditions, a box read by its index, or row by row when it holds many hits
    (box_reads, counted with the statement's execution `options`): for a page, and for its count."""
    dialect = session.get_bind().dialect.name
    conditions = entity_conditions(flt, dialect)
    if flt.within_box is not None and await box_reads.crowded(session, conditions, options):
        conditions = entity_conditions(replace(flt, box_read=box_reads.Read.TESTED), dialect)
    return conditions
