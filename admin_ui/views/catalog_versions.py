"""目录版本: maintainers publish the duty catalog as a version; new notices follow the newest."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import DateTimeField, IntegerField, StringField, TextAreaField

from admin_ui.base import ServiceView, value_of
from models import CatalogVersion
from services.catalog.catalog_versions import publish


class CatalogVersionView(ServiceView):
    fields = [
        StringField("name", label="版本名称", help_text="如“2026版”；发布后新登记的主体按此版本推送告知"),
        TextAreaField("note", label="说明", help_text="本版的主要变化"),
        IntegerField("matter_count", label="事项数", exclude_from_create=True, exclude_from_edit=True),
        DateTimeField("published_at", label="发布时间", exclude_from_create=True, exclude_from_edit=True),
        StringField("published_by", label="发布人", exclude_from_create=True, exclude_from_edit=True),
    ]
    searchable_fields = ["name", "note"]
    sortable_fields = ["published_at", "name"]
    fields_default_sort = [("published_at", True)]
    exporters: list[str] = []
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(
            CatalogVersion, icon="fa fa-code-branch", display_name="目录版本", menu_label="目录版本（发布）"
        )

    def can_edit(self, request: Request) -> bool:
        return False  # a published version is frozen: notices name it

    async def repr(self, obj: Any, request: Request) -> str:
        return str(obj.name)

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        name, note = value_of(data, "name"), value_of(data, "note")
        return await self.change(request, lambda session: publish(session, name, note))
