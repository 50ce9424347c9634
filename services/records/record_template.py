"""The 双归集 import template: a file of each kind with the format's Chinese headers (required ones
marked *, which the header reader ignores) and one example row that imports cleanly for the caller.

The example names an entity the caller may see (the newest active one), is dated today and says
its document number is an example; the source department is the caller's own, left blank for a
maintainer, who names the department on the import page. Imported as it is, it adds one record:
a clerk replaces it with real rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity
from models.enums import EntityStatus
from services.platform import sheets
from services.platform.access import principal_of, require_authenticated
from services.platform.clock import today
from services.records.record_columns import COLUMNS, KIND_LABELS, SOURCE_CODE, SOURCE_NAME, Column, RecordKind

# Where no entity is visible yet, the example still shows the shape of a code (it is refused as unknown).
PLACEHOLDER_USCC = "91210200MA0XXXXXXX"


@dataclass(frozen=True)
class Template:
    title: str  # the sheet's, and the download's name
    header: list[str]
    example: list[str]


def columns(kind: RecordKind) -> list[Column]:
    """Each field once, as the format first names it (amounts in 万元, not the 元 alternatives)."""
    seen: set[str] = set()
    found: list[Column] = []
    for column in COLUMNS[kind]:
        if column.field not in seen:
            seen.add(column.field)
            found.append(column)
    return found


def _example(kind: RecordKind, on: date, entity: MarketEntity | None, source: Department | None) -> dict[str, str]:
    uscc = entity.uscc if entity else PLACEHOLDER_USCC
    shared = {
        "partyName": entity.name if entity else "",
        "uscc": uscc,
        SOURCE_NAME: source.name if source else "",
        SOURCE_CODE: "",
    }
    day = on.isoformat()
    if kind is RecordKind.LICENSE:
        return {
            **shared,
            "documentName": "食品经营许可决定书",
            "documentNumber": f"示例许〔{on.year}〕1 号",
            "category": "普通",
            "certificateName": "食品经营许可证",
            "content": "预包装食品销售（示例，请替换为实际内容）",
            "decisionDate": day,
            "validFrom": day,
            "validTo": "长期",
        }
    if kind is RecordKind.PENALTY:
        return {
            **shared,
            "documentNumber": f"示例罚〔{on.year}〕1 号",
            "violationType": "经营超过保质期的食品",
            "facts": "当事人在其经营场所销售超过保质期的预包装食品（示例，请替换为实际内容）。",
            "basis": "《中华人民共和国食品安全法》第一百二十四条",
            "categories": "警告",
            "content": "警告",
            "decisionDate": day,
        }
    return {
        **shared,
        "reference": f"示例-{on:%Y%m%d}-0001",
        "receivedOn": day,
        "category": "食品安全",
        "resolved": "否",
        "summary": "（示例，请替换为实际内容）",
    }


async def template(session: AsyncSession, kind: RecordKind) -> Template:
    """The caller's template of `kind`: any signed-in caller who may open the import page."""
    principal = principal_of(session)
    require_authenticated(principal)
    # The row policy narrows this to the entities the caller's department may record on.
    entity = await session.scalar(
        select(MarketEntity)
        .where(col(MarketEntity.status) == EntityStatus.ACTIVE)
        .order_by(col(MarketEntity.id).desc())
        .limit(1)
    )
    source = None
    if principal.department_id is not None and not principal.is_maintainer:
        source = await session.get(Department, principal.department_id)
    values = _example(kind, today(), entity, source)
    kept = columns(kind)
    return Template(
        f"{KIND_LABELS[kind]}导入模板",
        [f"{c.header}*" if c.required else c.header for c in kept],
        [values.get(c.field, "") for c in kept],
    )


async def template_csv(session: AsyncSession, kind: RecordKind) -> bytes:
    found = await template(session, kind)
    return sheets.write_csv(found.header, [found.example])


async def template_xlsx(session: AsyncSession, kind: RecordKind) -> bytes:
    found = await template(session, kind)
    widths = [max(12, min(40, len(h) * 2 + 2)) for h in found.header]
    return sheets.write_xlsx(found.title, found.header, [found.example], widths)
