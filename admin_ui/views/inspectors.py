"""执法检查人员: a department keeps its own inspectors here (the row policy shows it no other),
maintainers any department's, through services.spotchecks.inspectors; the file import and its
template are beside the list (admin_ui.views.inspector_import)."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, DateField, DateTimeField, StringField, TextAreaField

from admin_ui.base import day_of, value_of
from admin_ui.department_lists import DepartmentListView, department_code_of
from models import Inspector
from services.platform.clock import today
from services.platform.errors import Expect
from services.platform.labels import label
from services.spotchecks.inspectors import (
    ConflictInput,
    InspectorInput,
    certificate_status,
    upsert_inspector,
    views_of,
)

_CONFLICT_LINE = re.compile(r"^\s*([0-9A-Za-z]+)\s*[,，:：、]?\s*(.*?)\s*$")


def conflicts_of(text: str) -> list[ConflictInput]:
    """One conflict a line: the USCC, then the reason if any."""
    conflicts = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = _CONFLICT_LINE.match(line)
        # A line that does not start with a code is passed on whole, for the service to refuse.
        conflicts.append(ConflictInput(found.group(1), found.group(2) or None) if found else ConflictInput(line))
    return conflicts


async def _status(request: Request, obj: Any) -> str:
    return label(certificate_status(obj.valid_from, obj.valid_to, today()))


async def _username(request: Request, obj: Any) -> str:
    [view] = await views_of(request.state.session, [obj])
    return view.username or ""


async def _conflicts(request: Request, obj: Any) -> str:
    [view] = await views_of(request.state.session, [obj])
    return "\n".join(f"{c.uscc} {c.reason or ''}".strip() for c in view.conflicts)


class InspectorView(DepartmentListView):
    fields = [
        StringField("certificate_no", label="执法证号", help_text="全市唯一；4–32 位字母、数字或连字符"),
        StringField("name", label="姓名"),
        StringField(
            "department_code", label="部门编码", getter=department_code_of, help_text="维护人员填写人员所属部门"
        ),
        DateField("valid_from", label="有效期起"),
        DateField("valid_to", label="有效期止"),
        BooleanField("active", label="在岗", help_text="只有在岗且执法证有效的人员参加随机抽取"),
        StringField(
            "certificate_status",
            label="执法证（今日）",
            getter=_status,
            exclude_from_create=True,
            exclude_from_edit=True,
        ),
        StringField(
            "username",
            label="关联用户",
            getter=_username,
            exclude_from_list=True,
            help_text="本部门的管理后台用户名，登录后可查看本人的检查任务；留空为不关联",
        ),
        TextAreaField(
            "conflicts",
            label="回避主体",
            getter=_conflicts,
            exclude_from_list=True,
            help_text="每行一个：统一社会信用代码 回避理由；抽取时不会派往这些主体",
        ),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["certificate_no", "department_code"]
    searchable_fields = ["certificate_no", "name", "active", "valid_to"]
    sortable_fields = ["certificate_no", "name", "valid_to"]
    fields_default_sort = ["certificate_no"]
    # 导入 and 下载模板 beside the list (admin_ui.views.inspector_import).
    list_template = "inspector_list.html"

    def __init__(self) -> None:
        super().__init__(Inspector, icon="fa fa-id-badge", display_name="执法检查人员", menu_label="执法检查人员")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.certificate_no}）"

    async def _save(
        self, request: Request, number: str, department: str | None, data: dict[str, Any], expect: Expect
    ) -> Any:
        valid_from = day_of(data, "valid_from", "有效期起")
        valid_to = day_of(data, "valid_to", "有效期止")
        assert valid_from is not None and valid_to is not None  # required: a blank date was refused beside it
        entered = InspectorInput(
            certificate_no=number,
            name=value_of(data, "name"),
            valid_from=valid_from,
            valid_to=valid_to,
            active=bool(data.get("active")),
            username=value_of(data, "username"),
            conflicts=conflicts_of(value_of(data, "conflicts")),
            department_code=department,
        )
        saved = await self.change(request, lambda session: upsert_inspector(session, entered, expect))
        return saved.inspector.row

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        number = value_of(data, "certificate_no")
        return await self._save(request, number, self.named_department(request, data), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        keeper = await self.department_kept(request, current)
        return await self._save(request, current.certificate_no, keeper, data, Expect.EXISTING)
