"""Writing one chunk of a 双归集 batch: a few set-based statements for up to a few thousand
rows, with the outcome a single-record service would give each row.

Per chunk: one query resolves the entities (under the importer's row policy, so an entity
outside a district department's jurisdiction is as unknown as one the registry lacks), one
finds the stored records, one bulk INSERT adds the new ones and one executemany UPDATE the
corrected ones; an identical row writes nothing. Each correction is audited with its before
and after, as `record_license`/`record_penalty`/`record_complaint` audit it; the creations are
not audited here but by the import run as a whole (services.records.record_import: one event
per run, with its counts), so a million-row file does not write a million audit events, nor
one per chunk. The writes go around the ORM, so the chunk reports what it
touched itself (`services.platform.follow_on.mark`): the entities whose colour it may have
changed, re-rated once per commit; and the licenses whose revocation (吊销许可证件) it may
have changed, reconciled by the rule a single penalty or license follows, for the chunk's
license numbers at once and before the chunk ends, as its report names each revocation.

The chunk is one savepoint: no row of it is half stored. A unique key taken meanwhile by a
concurrent writer rolls the chunk back; it is tried once more, and its rows are reported as
conflicts if that fails too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from models import Complaint, License, MarketEntity, Penalty
from models.enums import PenaltyCategory, RecordStatus
from models.types import utcnow
from services.platform import audit, bulk_insert, follow_on
from services.platform.access import within_reach
from services.platform.errors import Problem
from services.platform.sheet_rows import RowOutcome
from services.records import revocation
from services.records.record_columns import RecordKind
from services.records.record_rows import ParsedRow, Source
from services.records.records import (
    LicenseInput,
    PenaltyInput,
    correction_refused,
    party_values,
)
from services.registry.reach import missing_entity

MODELS: dict[RecordKind, type[SQLModel]] = {
    RecordKind.LICENSE: License,
    RecordKind.PENALTY: Penalty,
    RecordKind.COMPLAINT: Complaint,
}
KEY_COLUMN = {RecordKind.LICENSE: "document_number", RecordKind.PENALTY: "document_number",
              RecordKind.COMPLAINT: "reference"}  # fmt: skip
_NOT_COMPARED = ("id", "created_at", "updated_at")  # as services.records.records._store snapshots a record
_CONFLICT = Problem("CONFLICT", "与同时进行的另一项导入或修改冲突，本行未导入，请重新导入该文件")


@dataclass
class RowResult:
    row: ParsedRow
    outcome: RowOutcome
    problems: list[Problem] = field(default_factory=list)
    revoked: str | None = None  # the license number a 吊销许可证件 row revoked
    changed: list[str] = field(default_factory=list)  # a correction's fields, as the services name them


@dataclass(frozen=True)
class _Entity:
    id: int
    name: str
    legal_representative: str | None


@dataclass
class _Plan:
    results: list[RowResult] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # key, before, after
    created_keys: list[str] = field(default_factory=list)
    # (entity id, license number) pairs whose revocation may have changed, and each
    # revoking row by its document number.
    licensed: list[tuple[int, str | None]] = field(default_factory=list)
    revoking: dict[str, RowResult] = field(default_factory=dict)
    rerate: set[int] = field(default_factory=set)  # entities whose colour the chunk may have changed


async def write_chunk(
    session: AsyncSession,
    kind: RecordKind,
    source: Source,
    rows: Sequence[ParsedRow],
    filename: str,
    audited: bool = True,
) -> list[RowResult]:
    """Store a chunk whose keys are distinct; every row's outcome, in the rows' order. The
    entities whose colour it may have changed are marked for re-rating when the transaction
    commits. A dry run, rolled back anyway, is not `audited`: it need not queue for the audit chain.
    The rows it created are the caller's to audit (one event per import run)."""
    for attempt in (1, 2):
        try:
            async with session.begin_nested():
                results = await _write(session, kind, source, rows, filename, audited)
            return results
        except IntegrityError:
            if attempt == 2:
                return [
                    RowResult(row, RowOutcome.REJECTED, row.problems if row.problems else [_CONFLICT]) for row in rows
                ]
        finally:
            session.expunge_all()  # the chunk's objects are done with: memory stays flat
    raise AssertionError("unreachable")


async def _write(
    session: AsyncSession,
    kind: RecordKind,
    source: Source,
    rows: Sequence[ParsedRow],
    filename: str,
    audited: bool,
) -> list[RowResult]:
    valid = [row for row in rows if row.valid and row.code is not None]
    entities = await _entities(session, {row.code.code for row in valid if row.code is not None}, source)
    stored = await _stored(session, kind, source, [row.key for row in valid])
    plan = _plan(kind, source, rows, entities, stored, utcnow())
    table = MODELS[kind].__table__  # type: ignore[attr-defined]
    await bulk_insert.insert_rows(session, table, plan.inserts)
    if plan.updates:
        names = [name for name in plan.updates[0] if name != "b_id"]
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values({name: sa.bindparam(f"v_{name}") for name in names})
        )
        params = [{"b_id": u["b_id"], **{f"v_{name}": u[name] for name in names}} for u in plan.updates]
        await session.execute(statement, params)
    model_name = MODELS[kind].__name__
    for key, before, after in plan.corrections if audited else ():
        await audit.record(session, f"{kind.value}.updated", model_name, key, before, after, source.code)
    follow_on.because(session, f"{kind.value}.import")
    follow_on.mark(session, follow_on.ENTITIES, plan.rerate)
    if plan.licensed:
        cause = f"{'处罚' if kind is RecordKind.PENALTY else '许可'}决定已由文件“{filename}”更正"
        marks = [revocation.LicenseMark(entity_id, number, source.id, cause)
                 for entity_id, number in plan.licensed if number]  # fmt: skip
        follow_on.mark(session, revocation.LICENSES, marks)
        # The report names each row's revocation: the chunk's licenses are reconciled now.
        known = len(follow_on.marked(session, revocation.REVOCATIONS))
        await follow_on.settle(session, through=revocation.RECONCILE)
        for done in follow_on.marked(session, revocation.REVOCATIONS)[known:]:
            if done.source_department_id == source.id and done.document_number in plan.revoking:
                plan.revoking[done.document_number].revoked = done.license.license_number
    return plan.results


async def _entities(session: AsyncSession, codes: set[str], source: Source) -> dict[str, _Entity]:
    if not codes:
        return {}
    query = select(
        col(MarketEntity.uscc), col(MarketEntity.id), col(MarketEntity.name), col(MarketEntity.legal_representative)
    ).where(col(MarketEntity.uscc).in_(codes), *within_reach(source.level, source.region_code))
    rows = (await session.execute(query)).all()
    return {uscc: _Entity(int(id_ or 0), name, legal) for uscc, id_, name, legal in rows}


async def _stored(
    session: AsyncSession, kind: RecordKind, source: Source, keys: list[str]
) -> dict[str, Mapping[str, Any]]:
    if not keys:
        return {}
    table = MODELS[kind].__table__  # type: ignore[attr-defined]
    key = table.c[KEY_COLUMN[kind]]
    query = sa.select(*table.c).where(table.c.source_department_id == source.id, key.in_(keys))
    found = [row._asdict() for row in (await session.execute(query)).all()]
    return {row[key.name]: row for row in found}


def _snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: audit.jsonable(value) for name, value in values.items() if name not in _NOT_COMPARED}


def _plan(
    kind: RecordKind,
    source: Source,
    rows: Sequence[ParsedRow],
    entities: dict[str, _Entity],
    stored: dict[str, Mapping[str, Any]],
    now: datetime,
) -> _Plan:
    """Each row's outcome, and the statements that give it: what record_license,
    record_penalty or record_complaint would do with the row, decided for the chunk at once."""
    plan = _Plan()
    key_name = KEY_COLUMN[kind]
    for row in rows:
        entity = entities.get(row.code.code) if row.valid and row.code is not None else None
        if not row.valid or row.values is None or row.code is None:
            plan.results.append(RowResult(row, RowOutcome.REJECTED, row.problems))
            continue
        if entity is None:
            plan.results.append(RowResult(row, RowOutcome.REJECTED, [missing_entity(row.code)]))
            continue
        values = dict(row.values)
        key = values.pop(key_name)
        found = stored.get(key)
        if isinstance(row.data, LicenseInput | PenaltyInput):
            values |= party_values(row.data, entity.id, entity.name, entity.legal_representative, source.name)
        else:
            values["entity_id"] = entity.id
        if kind is RecordKind.PENALTY:
            if found is not None and found["status"] is not RecordStatus.EFFECTIVE:
                identical = all(found[name] == value for name, value in values.items())
                closed = correction_refused(found["status"], key, identical)
                outcome = RowOutcome.REJECTED if closed else RowOutcome.UNCHANGED
                plan.results.append(RowResult(row, outcome, [closed] if closed else []))
                continue
            values["status"] = RecordStatus.EFFECTIVE
        elif kind is RecordKind.LICENSE:
            values["status"] = found["status"] if found is not None else RecordStatus.EFFECTIVE
        result = RowResult(row, RowOutcome.CREATED)
        if found is None:
            new = {"source_department_id": source.id, key_name: key, **values, "created_at": now, "updated_at": now}
            plan.inserts.append(new)
            plan.created_keys.append(key)
        elif all(found[name] == value for name, value in values.items()):
            # Values compare as values (an amount to the fen, a category code to its member);
            # snapshots, for the audit event, only of what changed.
            result.outcome = RowOutcome.UNCHANGED
        else:
            result.outcome = RowOutcome.UPDATED
            result.changed = [_field_name(name) for name, value in values.items() if found[name] != value]
            before = _snapshot(found)
            plan.updates.append({"b_id": found["id"], **values, "updated_at": now})
            plan.corrections.append((key, before, {**before, **_snapshot(values)}))
            if kind is RecordKind.PENALTY:  # the license a corrected penalty named before
                plan.licensed.append((found["entity_id"], found["revoked_license_number"]))
            plan.rerate.add(found["entity_id"])  # a correction may move the record off an entity
        if kind is not RecordKind.LICENSE and result.outcome is not RowOutcome.UNCHANGED:
            plan.rerate.add(entity.id)
        plan.results.append(result)
        if kind is RecordKind.LICENSE and result.outcome is not RowOutcome.UNCHANGED:
            plan.licensed.append((entity.id, values["license_number"]))
        elif PenaltyCategory.LICENSE_REVOCATION in values.get("categories", ()) and values["revoked_license_number"]:
            plan.licensed.append((entity.id, values["revoked_license_number"]))
            plan.revoking[key] = result
    return plan


def _field_name(column: str) -> str:
    """A column as the services' problems name its field (fine_amount → fineAmount)."""
    if column == "entity_id":
        return "uscc"
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)
