"""The spot-check pages (检查任务, 我的检查任务, 抽查计划) as a browser posts them: the result
form's and the plan form's fields, an inspector linked to a signed-in user, a task taken off an
inspector, a check item with a result form, and an entity deregistered."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from models import CheckItem, Department, InspectionTaskInspector, Inspector, MarketEntity, User
from models.enums import EntityStatus
from services.platform.clock import today
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
    found = re.findall(rf'class="field-error[^"]*" data-field="{re.escape(field)}">([^<]*)<', text)
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


PLANS = "/admin/spot-check-plans"


def plan_form(token: str, **changes: Any) -> dict[str, Any]:
    """The create form of a plain plan of 中山区市场监督管理局 over its district's active entities."""
    start = today()
    return {
        "csrftoken": token,
        "name": "2026年度中山区餐饮服务双随机抽查",
        "check_item": ["CY-01"],
        "target": "filter",
        "region_code": "210202",
        "status": "ACTIVE",
        "sample_kind": "COUNT",
        "sample_count": "3",
        "inspectors_per_target": "2",
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=60)).isoformat(),
        **changes,
    }


async def add_form_check_item(db: Database, department: str, code: str = "CY-01") -> None:
    """A check item of the department whose result form is the test plan's FORM."""
    session = await db.write_session(SYSTEM)
    try:
        owner = await session.scalar(select(col(Department.id)).where(col(Department.code) == department))
        assert owner is not None
        session.add(
            CheckItem(
                department_id=owner,
                code=code,
                name="餐饮服务经营者监督检查",
                legal_basis="《中华人民共和国食品安全法》第八十七条",
                form_items=[{"code": c, "name": n} for c, n in FORM],
            )
        )
        await session.commit()
    finally:
        await session.close()


async def set_entity_status(db: Database, uscc: str, status: EntityStatus) -> None:
    """What a deregistration does to a drawn entity (for a replacement)."""
    session = await db.write_session(SYSTEM)
    try:
        entity = await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == uscc))
        assert entity is not None
        entity.status = status
        await session.commit()
    finally:
        await session.close()
