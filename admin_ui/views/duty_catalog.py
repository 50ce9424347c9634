"""监管职责目录: maintainers keep the supervision matters here, through services.catalog.catalog."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import DateField, EnumField, IntegerField, StringField, TextAreaField

from admin_ui.upsert_view import UpsertView
from models import Department, SupervisionMatter
from models.enums import ApprovalLevel, MatterMode
from services.catalog.catalog import MatterInput, upsert_supervision_matter
from services.catalog.catalog_io import HEADERS
from services.platform.labels import choices


def _joined(name: str) -> Any:
    async def get(request: Request, obj: Any) -> str:
        return "；".join(getattr(obj, name) or [])

    return get


async def _handling(request: Request, obj: Any) -> str:
    if obj.handling_department_id is None:
        return ""
    department = await request.state.session.get(Department, obj.handling_department_id)
    return department.code if department else ""


class SupervisionMatterView(UpsertView):
    model = SupervisionMatter
    form = MatterInput
    upsert = upsert_supervision_matter
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
    searchable_fields = ["code", "name", "line", "mode", "approval_level"]
    sortable_fields = ["code", "name", "line"]
    # 导入 / 导出 CSV / 导出 XLSX beside the list (admin_ui.views.catalog_files).
    list_template = "supervision_matter_list.html"
    icon, display_name, menu_label = "fa fa-list-check", "监管事项", "监管职责目录"
