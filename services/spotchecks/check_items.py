"""随机抽查事项清单: the kinds of check a department may run, each with its legal basis and the
items of its result form. Every department reads every department's list (a joint plan names
its partners' items); a department keeps its own, a maintainer any department's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import CheckItem, Department
from services.platform import checks
from services.platform.access import Operation, acting_department, principal_of, require
from services.platform.errors import Collector, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import Upserted, upsert
from services.spotchecks.keeping import department_id_of

CHECK_ITEM_CODE = checks.CodeRule(
    re.compile(r"^[A-Za-z0-9_.-]{2,32}$"),
    "INVALID_CHECK_ITEM_CODE",
    "抽查事项代码为 2–32 位字母、数字、点、下划线或连字符",
)
FORM_ITEM_CODE = checks.CodeRule(
    re.compile(r"^[A-Za-z0-9_.-]{1,32}$"),
    "INVALID_FORM_ITEM_CODE",
    "检查内容代码“{value}”无效：应为 1–32 位字母、数字、点、下划线或连字符",
)
MAX_FORM_ITEMS = 200


@dataclass(frozen=True)
class FormItemInput:
    code: str
    name: str


@dataclass(frozen=True)
class CheckItemInput:
    code: str
    name: str
    legal_basis: str
    form_items: Sequence[FormItemInput] = ()
    active: bool = True
    department_code: str | None = None  # a maintainer names the department whose item it is


def _form_items(items: Sequence[FormItemInput], problems: Collector) -> list[dict[str, Any]]:
    """The result form's items, in order: at least one, codes unique within the item."""
    if not items:
        problems.add("FORM_ITEMS_REQUIRED", "检查内容至少要有一项（结果表按项填写）", "formItems")
        return []
    if len(items) > MAX_FORM_ITEMS:
        problems.add("TOO_MANY_FORM_ITEMS", f"检查内容最多 {MAX_FORM_ITEMS} 项", "formItems")
    cleaned: list[dict[str, Any]] = []
    first_at: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        where = f"formItems.{position - 1}"
        code = checks.code(item.code, FORM_ITEM_CODE, f"{where}.code", problems)
        name = checks.text(item.name, f"第 {position} 项检查内容的名称", f"{where}.name", problems, limit=256)
        if code in first_at:
            problems.add(
                "DUPLICATE_FORM_ITEM_CODE",
                f"检查内容代码“{code}”重复（第 {first_at[code]} 项与第 {position} 项）",
                f"{where}.code",
            )
        first_at.setdefault(code, position)
        cleaned.append({"code": code, "name": name})
    return cleaned


async def upsert_check_item(
    session: AsyncSession, data: CheckItemInput, expect: Expect = Expect.ANY
) -> Upserted[CheckItem]:
    """One item of a department's list, by (department, code): re-sending it updates it, and an
    unchanged item writes no audit event."""
    require(principal_of(session), Operation.UPSERT_CHECK_ITEM)
    department = await acting_department(session, principal_of(session), data.department_code)
    problems = Collector()
    code = checks.code(data.code, CHECK_ITEM_CODE, "code", problems)
    name = checks.text(data.name, "抽查事项名称", "name", problems, limit=column_limit(CheckItem.name))
    basis = checks.text(data.legal_basis, "检查依据", "legalBasis", problems, limit=4000, hint="（法律法规条款）")
    form_items = _form_items(data.form_items, problems)
    problems.raise_if_any()
    assert department.id is not None
    return await upsert(
        session,
        CheckItem,
        {"code": code, "department_id": department.id},  # the code first: a form's duplicate is blamed on it
        {"name": name, "legal_basis": basis, "form_items": form_items, "active": data.active},
        expect=expect,
        label="抽查事项",
        action="check_item.upserted",
        exclude=("id", "created_at", "updated_at"),
        stamp="updated_at",
        object_id=f"{department.code}:{code}",
        department_code=department.code,
    )


async def list_check_items(
    session: AsyncSession, department_code: str | None = None, active: bool | None = None
) -> list[CheckItem]:
    """Every department's items (or one department's), by department and code."""
    require(principal_of(session), Operation.CHECK_ITEMS)
    query = (
        select(CheckItem)
        .join(Department, col(Department.id) == CheckItem.department_id)
        .order_by(col(Department.code), col(CheckItem.code))
    )
    department_id = await department_id_of(session, department_code)
    if department_id is not None:
        query = query.where(col(CheckItem.department_id) == department_id)
    if active is not None:
        query = query.where(col(CheckItem.active) == active)
    return list((await session.scalars(query)).all())
