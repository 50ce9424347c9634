"""The audit log: read-only, maintainers only, with filters and CSV export."""

from __future__ import annotations

from starlette.requests import Request
from starlette_admin import DateTimeField, JSONField, StringField

from admin_ui.base import ServiceView
from admin_ui.export import CSV
from models import AuditEvent


class AuditEventView(ServiceView):
    fields = [
        StringField("id", label="序号"),
        DateTimeField("occurred_at", label="时间"),
        StringField("actor", label="操作者"),
        StringField("actor_kind", label="类型", exclude_from_list=True),
        StringField("department_code", label="部门"),
        StringField("action", label="操作"),
        StringField("object_type", label="对象类型"),
        StringField("object_id", label="对象"),
        JSONField("before", label="变更前", exclude_from_list=True),
        JSONField("after", label="变更后", exclude_from_list=True),
        StringField("hash", label="哈希", exclude_from_list=True),
    ]
    searchable_fields = ["actor", "department_code", "action", "object_type", "object_id", "occurred_at"]
    sortable_fields = ["id", "occurred_at", "actor", "action"]
    fields_default_sort = [("id", True)]
    exporters = CSV
    importers: list[str] = []
    page_size = 25

    def __init__(self) -> None:
        super().__init__(AuditEvent, icon="fa fa-clipboard-list", display_name="审计日志", menu_label="审计日志")

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False
