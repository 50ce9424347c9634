"""随机抽查事项清单: a department keeps its own check items here, maintainers any department's,
through services.spotchecks.check_items (the same rules and audit as upsertCheckItem)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select
from sqlmodel import col
from starlette.requests import Request
from starlette_admin import BooleanField, DateTimeField, StringField, TextAreaField

from admin_ui.auth import principal_of_request
from admin_ui.base import value_of
from admin_ui.department_lists import DepartmentListView, department_code_of
from models import CheckItem
from services.platform.access import may_maintain
from services.platform.errors import Expect
from services.spotchecks.check_items import CheckItemInput, FormItemInput, upsert_check_item

# "1 经营许可证件是否在有效期内", "1：…" or "1<tab>…": the code, then the name.
_FORM_LINE = re.compile(r"^\s*(\S+?)\s*(?:[:：\t]|\s)\s*(.*?)\s*$")


def form_items_of(text: str) -> list[FormItemInput]:
    """The result form as the page writes it: one item a line, its code first."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = _FORM_LINE.match(line)
        code, name = (found.group(1), found.group(2)) if found else (line.strip(), "")
        items.append(FormItemInput(code, name))
    return items


async def _form_items_text(request: Request, obj: Any) -> str:
    return "\n".join(f"{item['code']} {item['name']}" for item in obj.form_items or [])


class CheckItemView(DepartmentListView):
    fields = [
        StringField(
            "department_code",
            label="部门编码",
            getter=department_code_of,
            help_text="维护人员填写所代维护的部门；部门用户只维护本部门的清单",
        ),
        StringField("code", label="事项代码", help_text="2–32 位字母、数字、点、下划线或连字符，在本部门内唯一"),
        StringField("name", label="抽查事项名称"),
        TextAreaField("legal_basis", label="检查依据", exclude_from_list=True),
        TextAreaField(
            "form_items",
            label="检查内容（结果表）",
            getter=_form_items_text,
            exclude_from_list=True,
            help_text="每行一项：代码 名称，如“1 经营许可证件是否在有效期内”；代码在本事项内不能重复",
        ),
        BooleanField("active", label="在用", help_text="停用的事项保留在清单中，但不再用于新的抽查计划"),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["code", "department_code"]
    searchable_fields = ["code", "name", "active"]
    sortable_fields = ["code", "name", "updated_at"]
    fields_default_sort = ["code"]

    def __init__(self) -> None:
        super().__init__(
            CheckItem, icon="fa fa-clipboard-list", display_name="随机抽查事项", menu_label="随机抽查事项清单"
        )

    def _own(self, request: Request, query: Select[Any]) -> Select[Any]:
        """Every department reads every list through the API; on its page it keeps its own."""
        principal = principal_of_request(request)
        if may_maintain(principal):
            return query
        return query.where(col(CheckItem.department_id) == principal.department_id)

    def get_list_query(self, request: Request) -> Select[Any]:
        return self._own(request, super().get_list_query(request))

    def get_count_query(self, request: Request) -> Select[Any]:
        return self._own(request, super().get_count_query(request))

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(
        self, request: Request, code: str, department: str | None, data: dict[str, Any], expect: Expect
    ) -> Any:
        entered = CheckItemInput(
            code=code,
            name=value_of(data, "name"),
            legal_basis=value_of(data, "legal_basis"),
            form_items=form_items_of(value_of(data, "form_items")),
            active=bool(data.get("active")),
            department_code=department,
        )
        done = await self.change(request, lambda session: upsert_check_item(session, entered, expect))
        return done.row

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), self.named_department(request, data), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        keeper = await self.department_kept(request, current)
        return await self._save(request, current.code, keeper, data, Expect.EXISTING)
