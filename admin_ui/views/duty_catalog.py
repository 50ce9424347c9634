"""监管职责目录: maintainers keep the supervision matters here, through services.catalog.catalog."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette_admin import DateField, EnumField, IntegerField, StringField, TextAreaField
from starlette_admin.exceptions import FormValidationError

from admin_ui.base import ServiceView, choice, value_of
from admin_ui.export import CSV
from admin_ui.labels import choices
from models import Department, SupervisionMatter
from models.enums import ApprovalLevel, MatterMode
from services.catalog.catalog import MatterInput, upsert_supervision_matter
from services.catalog.catalog_io import HEADERS, split_items
from services.platform.errors import Expect


def _joined(name: str) -> Any:
    async def get(request: Request, obj: Any) -> str:
        return "；".join(getattr(obj, name) or [])

    return get


async def _handling(request: Request, obj: Any) -> str:
    if obj.handling_department_id is None:
        return ""
    department = await request.state.session.get(Department, obj.handling_department_id)
    return department.code if department else ""


def _items(data: dict[str, Any], key: str) -> list[str]:
    return split_items(value_of(data, key))


def _day(data: dict[str, Any], key: str, required: bool) -> date | None:
    value = data.get(key)
    if isinstance(value, date):
        return value
    if required:
        raise FormValidationError({key: "请填写日期"})
    return None


class SupervisionMatterView(ServiceView):
    fields = [
        StringField("code", label=HEADERS["code"]),
        StringField("name", label=HEADERS["name"]),
        EnumField("mode", label=HEADERS["mode"], choices=choices(MatterMode)),
        StringField("line", label=HEADERS["line"], help_text="如 SCJG、WJ、JT"),
        EnumField("approval_level", label=HEADERS["approval_level"], choices=choices(ApprovalLevel)),
        StringField("handling_department_code", label=HEADERS["handling_department_code"], getter=_handling,
                    help_text="市级及以上审批的事项由此部门认领；留空为该条线的市级部门"),
        StringField("keywords", label=HEADERS["keywords"], getter=_joined("keywords"), help_text="以“；”分隔"),
        StringField("entry_codes", label=HEADERS["entry_codes"], getter=_joined("entry_codes"),
                    exclude_from_list=True),
        StringField("industry_codes", label=HEADERS["industry_codes"], getter=_joined("industry_codes"),
                    exclude_from_list=True),
        IntegerField("claim_deadline_days", label=HEADERS["claim_deadline_days"]),
        TextAreaField("legal_basis", label=HEADERS["legal_basis"], exclude_from_list=True),
        DateField("effective_from", label=HEADERS["effective_from"]),
        DateField("effective_to", label=HEADERS["effective_to"], exclude_from_list=True),
    ]  # fmt: skip
    exclude_fields_from_edit = ["code"]
    searchable_fields = ["code", "name", "line", "mode", "approval_level"]
    sortable_fields = ["code", "name", "line"]
    fields_default_sort = ["code"]
    exporters = CSV
    importers: list[str] = []
    # 导入 / 导出 CSV / 导出 XLSX beside the list (admin_ui.views.catalog_files).
    list_template = "supervision_matter_list.html"

    def __init__(self) -> None:
        super().__init__(SupervisionMatter, icon="fa fa-list-check", display_name="监管事项", menu_label="监管职责目录")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(self, request: Request, code: str, data: dict[str, Any], expect: Expect) -> Any:
        deadline = data.get("claim_deadline_days")
        matter_input = MatterInput(
            code=code,
            name=value_of(data, "name"),
            mode=choice(data, "mode", MatterMode),
            legal_basis=value_of(data, "legal_basis"),
            line=value_of(data, "line"),
            approval_level=choice(data, "approval_level", ApprovalLevel),
            effective_from=_day(data, "effective_from", required=True) or date.today(),
            handling_department_code=value_of(data, "handling_department_code") or None,
            entry_codes=_items(data, "entry_codes"),
            keywords=_items(data, "keywords"),
            industry_codes=_items(data, "industry_codes"),
            claim_deadline_days=int(deadline) if deadline not in (None, "") else 5,
            effective_to=_day(data, "effective_to", required=False),
        )
        return await self.change(request, lambda session: upsert_supervision_matter(session, matter_input, expect))

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.code, data, Expect.EXISTING)
