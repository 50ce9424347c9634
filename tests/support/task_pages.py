"""The task pages (检查任务, 我的检查任务) as a browser posts them: the result form's fields, an
inspector linked to a signed-in user, and a task taken off an inspector."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlmodel import col, select

from models import InspectionTaskInspector, Inspector, User
from services.platform.db import Database
from tests.support.tasks import CHECK_ITEM, FORM, SYSTEM

TASKS = "/admin/inspection-tasks"
MINE = "/admin/my-inspection-tasks"


def result_form(
    token: str, finding: str = "CONFORMING", categories: tuple[str, ...] = ("NO_PROBLEM",), **extra: Any
) -> dict[str, Any]:
    """Every form item of the test plan answered `finding`, as the page's radios post it."""
    answers = {f"finding:{CHECK_ITEM}/{code}": finding for code, _ in FORM}
    return {"csrftoken": token, **answers, "category": list(categories), **extra}


def field_errors(text: str, field: str) -> list[str]:
    """The messages the page shows beside a field of the result form."""
    found = re.findall(rf'class="field-error" data-field="{re.escape(field)}">([^<]*)<', text)
    return [html.unescape(message) for message in found]


async def link_inspector(db: Database, certificate_no: str, username: str) -> None:
    """The user signs in as this inspector (Inspector.user_id), as the inspectors' page sets it."""
    session = await db.write_session(SYSTEM)
    try:
        user = await session.scalar(select(User).where(col(User.username) == username))
        inspector = await session.scalar(select(Inspector).where(col(Inspector.certificate_no) == certificate_no))
        assert user is not None and inspector is not None
        inspector.user_id = user.id
        await session.commit()
    finally:
        await session.close()


async def unassign(db: Database, task_id: str, certificate_no: str) -> None:
    """Take an inspector off a task (another inspector's task of the same department)."""
    session = await db.write_session(SYSTEM)
    try:
        inspector = await session.scalar(select(Inspector).where(col(Inspector.certificate_no) == certificate_no))
        assert inspector is not None
        row = await session.scalar(
            select(InspectionTaskInspector).where(
                col(InspectionTaskInspector.task_id) == int(task_id),
                col(InspectionTaskInspector.inspector_id) == inspector.id,
            )
        )
        assert row is not None
        await session.delete(row)
        await session.commit()
    finally:
        await session.close()
