"""What an exported list says, for every list the same way: a code as its Chinese label, a moment
in Beijing time, a structured value as JSON a program can read back; and the audit event of an
export (a file of the registry or the log is personal data leaving the system: who took it, with
which filter, how many rows)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.platform import audit
from services.platform.clock import beijing
from services.platform.labels import label

# A cell as a spreadsheet keeps it: text, a number, a day, or a Beijing wall-clock time.
Cell = str | int | Decimal | float | date | datetime

_TIME = "%Y-%m-%d %H:%M:%S"


def cell(value: Any, labels: Mapping[str, str] | None = None) -> Cell:
    """A stored value as a person reads it in a file. `labels` are a code list's Chinese labels
    (value → label) for a column that keeps the code as plain text."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return labels.get(value, value) if labels else value
    if isinstance(value, datetime):
        return beijing(value)
    if isinstance(value, date | int | float | Decimal):
        return value
    if isinstance(value, dict | list | tuple):
        return json.dumps(audit.jsonable(value), ensure_ascii=False)
    return str(value)


def text(value: Cell) -> str:
    """A cell as CSV writes it: times to the second, as the pages show them."""
    if isinstance(value, datetime):
        return value.strftime(_TIME)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


async def record_export(
    session: AsyncSession, object_type: str, list_name: str, file_format: str, query: str, rows: int
) -> None:
    """One audit event per exported file, in the exporter's own name and department."""
    await audit.record(
        session,
        "list.exported",
        object_type,
        list_name,
        None,
        {"list": list_name, "format": file_format, "query": query, "rows": rows},
    )
