"""执法检查人员名录库: law-enforcement officers, their certificates (执法证) and their declared
conflicts with entities (回避). A department reads and keeps its own inspectors; maintainers
read all and keep them for any department. The draw reads `Inspector` and `InspectorConflict`
rows directly: eligible on a day means active with a certificate valid that day."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, Inspector, InspectorConflict, MarketEntity, User
from models.enums import CertificateStatus
from services.platform import audit, checks
from services.platform.access import UNRESTRICTED, Operation, acting_department, principal_of, require, seeing_all
from services.platform.errors import Collector, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import upsert
from services.registry.uscc import checked_uscc
from services.spotchecks.keeping import department_id_of

CERTIFICATE_NO = checks.CodeRule(
    re.compile(r"^[A-Z0-9-]{4,32}$"), "INVALID_CERTIFICATE_NO", "执法证号为 4–32 位字母、数字或连字符", True
)
MAX_CONFLICTS = 500
REASON_LIMIT = 500


@dataclass(frozen=True)
class ConflictInput:
    uscc: str
    reason: str | None = None


@dataclass(frozen=True)
class InspectorInput:
    certificate_no: str
    name: str
    valid_from: date
    valid_to: date
    active: bool = True
    # None keeps what is stored; "" unlinks the admin user, an empty list clears the conflicts.
    username: str | None = None
    conflicts: Sequence[ConflictInput] | None = None
    department_code: str | None = None  # a maintainer names the inspector's department


@dataclass(frozen=True)
class ConflictView:
    uscc: str
    reason: str | None
    declared_at: datetime


@dataclass(frozen=True)
class InspectorView:
    """An inspector as pages and the API show it: the row, its linked user's name and its conflicts."""

    row: Inspector
    username: str | None = None
    conflicts: list[ConflictView] = field(default_factory=list)

    @property
    def certificate_no(self) -> str:
        return self.row.certificate_no

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def department_id(self) -> int:
        return self.row.department_id

    @property
    def valid_from(self) -> date:
        return self.row.valid_from

    @property
    def valid_to(self) -> date:
        return self.row.valid_to

    @property
    def active(self) -> bool:
        return self.row.active


@dataclass(frozen=True)
class InspectorSaved:
    inspector: InspectorView
    created: bool
    changed: bool


def certificate_status(valid_from: date, valid_to: date, on: date) -> CertificateStatus:
    if on < valid_from:
        return CertificateStatus.NOT_YET_VALID
    if on > valid_to:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def eligible_on(on: date) -> sa.ColumnElement[bool]:
    """SQL on Inspector: active, with a certificate valid on the day (the draw's pool)."""
    return sa.and_(col(Inspector.active), col(Inspector.valid_from) <= on, col(Inspector.valid_to) >= on)


async def _user(session: AsyncSession, username: str, department: Department, problems: Collector) -> User | None:
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is None:
        problems.add("UNKNOWN_USER", f"用户“{username}”不存在", "username")
    elif user.department_id != department.id:
        problems.add("USER_OF_OTHER_DEPARTMENT", f"用户“{username}”不是{department.name}的用户", "username")
        return None
    return user


async def _conflicts(
    session: AsyncSession, conflicts: Sequence[ConflictInput], problems: Collector
) -> dict[int, tuple[str, str | None]]:
    """entity id → (USCC, reason). A conflict may name any entity of the city: 回避 holds wherever
    the inspector is sent (a joint plan reaches beyond one district), and tells nothing of the entity."""
    if len(conflicts) > MAX_CONFLICTS:
        problems.add("TOO_MANY_CONFLICTS", f"回避主体最多 {MAX_CONFLICTS} 个", "conflicts")
        return {}
    wanted: dict[str, str | None] = {}
    for conflict in conflicts:
        shape = Collector()
        checked = checked_uscc(conflict.uscc, shape)
        for problem in shape.problems:
            problems.add(problem.code, problem.message, "conflicts")
        reason = checks.optional_text(conflict.reason, "回避理由", "conflicts", problems, limit=REASON_LIMIT)
        if checked.code in wanted:
            problems.add("DUPLICATE_CONFLICT", f"回避主体“{checked.code}”重复", "conflicts")
        wanted[checked.code] = reason
    if not wanted:
        return {}
    rows = await session.execute(
        select(col(MarketEntity.uscc), col(MarketEntity.id))
        .where(col(MarketEntity.uscc).in_(list(wanted)))
        .execution_options(**UNRESTRICTED)
    )
    ids = {str(uscc): entity_id for uscc, entity_id in rows if entity_id is not None}
    unknown = [code for code in wanted if code not in ids]
    if unknown:
        problems.add("UNKNOWN_ENTITY", f"回避主体不在主体库中：{'、'.join(unknown)}", "conflicts")
    return {ids[code]: (code, reason) for code, reason in wanted.items() if code in ids}


async def _replace_conflicts(
    session: AsyncSession, inspector: Inspector, wanted: dict[int, tuple[str, str | None]], department_code: str
) -> bool:
    """The declared conflicts become `wanted`: unchanged ones keep their declaration time."""
    assert inspector.id is not None
    stored = {c.entity_id: c for c in await session.scalars(
        select(InspectorConflict).where(col(InspectorConflict.inspector_id) == inspector.id)
    )}  # fmt: skip
    usccs = await _usccs(session, list(stored))
    before = sorted(({"uscc": usccs[k], "reason": c.reason} for k, c in stored.items()), key=lambda c: str(c["uscc"]))
    after = sorted(({"uscc": uscc, "reason": reason} for uscc, reason in wanted.values()), key=lambda c: str(c["uscc"]))
    if before == after:
        return False
    for entity_id, conflict in stored.items():
        if entity_id not in wanted:
            await session.delete(conflict)
        elif conflict.reason != wanted[entity_id][1]:
            conflict.reason = wanted[entity_id][1]
    for entity_id, (_, reason) in wanted.items():
        if entity_id not in stored:
            session.add(InspectorConflict(inspector_id=inspector.id, entity_id=entity_id, reason=reason))
    await session.flush()
    await audit.record(
        session,
        "inspector.conflicts_replaced",
        "Inspector",
        inspector.certificate_no,
        {"conflicts": before},
        {"conflicts": after},
        department_code,
    )
    return True


async def _usccs(session: AsyncSession, entity_ids: Sequence[int]) -> dict[int, str]:
    if not entity_ids:
        return {}
    rows = await session.execute(
        select(col(MarketEntity.id), col(MarketEntity.uscc))
        .where(col(MarketEntity.id).in_(list(entity_ids)))
        .execution_options(**UNRESTRICTED)
    )
    return {entity_id: str(uscc) for entity_id, uscc in rows if entity_id is not None}


async def upsert_inspector(session: AsyncSession, data: InspectorInput, expect: Expect = Expect.ANY) -> InspectorSaved:
    """One inspector by certificate number (unique city-wide): created, or updated in the
    department that holds it. A number another department holds is refused, not moved."""
    require(principal_of(session), Operation.UPSERT_INSPECTOR)
    department = await acting_department(session, principal_of(session), data.department_code)
    assert department.id is not None
    problems = Collector()
    number = checks.code(data.certificate_no, CERTIFICATE_NO, "certificateNo", problems)
    name = checks.text(data.name, "姓名", "name", problems, limit=column_limit(Inspector.name))
    checks.not_before(data.valid_to, data.valid_from, "有效期止", "有效期起", "validTo", problems)
    user: User | None = None
    username = None
    if data.username is not None:
        username = checks.text(data.username, "用户名", "username", problems, limit=64, required=False)
    if username:
        user = await _user(session, username, department, problems)
    conflicts = None if data.conflicts is None else await _conflicts(session, data.conflicts, problems)
    # Another department's inspectors are out of the caller's sight; the number is still taken.
    holder = await session.scalar(
        select(Inspector).where(col(Inspector.certificate_no) == number).execution_options(**seeing_all(Inspector))
    )
    if holder is not None and holder.department_id != department.id:
        problems.add(
            "INSPECTOR_OF_OTHER_DEPARTMENT",
            f"执法证号“{number}”已登记在其他部门的执法检查人员名下，不能由{department.name}维护",
            "certificateNo",
        )
    if user is not None:
        linked = await session.scalar(
            select(Inspector).where(col(Inspector.user_id) == user.id).execution_options(**seeing_all(Inspector))
        )
        if linked is not None and linked.certificate_no != number:
            problems.add(
                "USER_ALREADY_LINKED", f"用户“{username}”已关联执法证号“{linked.certificate_no}”的人员", "username"
            )
    problems.raise_if_any()

    values: dict[str, object] = {
        "name": name,
        "department_id": department.id,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "active": data.active,
    }
    if username is not None:
        values["user_id"] = user.id if user is not None else None
    done = await upsert(
        session,
        Inspector,
        {"certificate_no": number},
        values,
        expect=expect,
        label="执法检查人员",
        action="inspector.upserted",
        exclude=("id", "created_at", "updated_at"),
        stamp="updated_at",
        department_code=department.code,
    )
    changed = done.changed
    if conflicts is not None:
        changed = await _replace_conflicts(session, done.row, conflicts, department.code) or changed
    [view] = await views_of(session, [done.row])
    return InspectorSaved(view, done.created, changed)


async def views_of(session: AsyncSession, rows: Sequence[Inspector]) -> list[InspectorView]:
    """The rows with their users' names and their conflicts: two statements whatever the count."""
    ids = [row.id for row in rows if row.id is not None]
    user_ids = [row.user_id for row in rows if row.user_id is not None]
    names: dict[int, str] = {}
    if user_ids:
        found = await session.execute(select(col(User.id), col(User.username)).where(col(User.id).in_(user_ids)))
        names = {user_id: str(username) for user_id, username in found if user_id is not None}
    conflicts: dict[int, list[ConflictView]] = defaultdict(list)
    if ids:
        declared = await session.execute(
            select(InspectorConflict, col(MarketEntity.uscc))
            .join(MarketEntity, col(MarketEntity.id) == InspectorConflict.entity_id)
            .where(col(InspectorConflict.inspector_id).in_(ids))
            .order_by(col(MarketEntity.uscc))
            .execution_options(**seeing_all(MarketEntity))
        )
        for conflict, uscc in declared:
            conflicts[conflict.inspector_id].append(ConflictView(str(uscc), conflict.reason, conflict.declared_at))
    return [
        InspectorView(row, names.get(row.user_id) if row.user_id is not None else None, conflicts.get(row.id or 0, []))
        for row in rows
    ]


async def list_inspectors(
    session: AsyncSession, department_code: str | None = None, active_on: date | None = None
) -> list[InspectorView]:
    """The inspectors the caller may see (a department its own, maintainers all), by department
    and certificate number; `active_on` keeps those eligible that day (active, certificate valid)."""
    require(principal_of(session), Operation.INSPECTORS)
    query = (
        select(Inspector)
        .join(Department, col(Department.id) == Inspector.department_id)
        .order_by(col(Department.code), col(Inspector.certificate_no))
    )
    department_id = await department_id_of(session, department_code)
    if department_id is not None:
        query = query.where(col(Inspector.department_id) == department_id)
    if active_on is not None:
        query = query.where(eligible_on(active_on))
    return await views_of(session, list((await session.scalars(query)).all()))
