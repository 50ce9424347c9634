"""Regions and departments: maintainers keep them here, through the same services as the API."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, EnumField, StringField

from admin_ui.base import ServiceView, choice, value_of
from admin_ui.export import CSV
from admin_ui.labels import choices
from models import Department, Region
from models.enums import DepartmentLevel, RegionLevel
from services.platform.errors import Expect
from services.registry.departments import DepartmentInput, upsert_department
from services.registry.regions import RegionInput, upsert_region


class RegionView(ServiceView):
    fields = [
        StringField("code", label="区划代码", help_text="GB/T 2260 六位代码"),
        StringField("name", label="名称"),
        EnumField(
            "level", label="层级", choices=choices(RegionLevel), exclude_from_create=True, exclude_from_edit=True
        ),
        StringField("parent_code", label="上级区划代码"),
    ]
    exclude_fields_from_edit = ["code"]
    searchable_fields = ["code", "name", "level"]
    sortable_fields = ["code", "name"]
    fields_default_sort = ["code"]
    exporters = CSV
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(Region, icon="fa fa-map", display_name="行政区划", menu_label="行政区划")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(self, request: Request, code: str, data: dict[str, Any], expect: Expect) -> Any:
        region_input = RegionInput(code, value_of(data, "name"), value_of(data, "parent_code") or None)
        region, _ = await self.change(request, lambda session: upsert_region(session, region_input, expect))
        return region

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.code, data, Expect.EXISTING)


class DepartmentView(ServiceView):
    fields = [
        StringField("code", label="部门代码"),
        StringField("name", label="名称"),
        EnumField("level", label="层级", choices=choices(DepartmentLevel)),
        StringField("region_code", label="行政区划代码"),
        BooleanField("is_registration_authority", label="登记机关"),
        StringField("line", label="条线", help_text="市级部门与其区县对口部门相同，如 WJ（卫生健康）"),
    ]
    exclude_fields_from_edit = ["code"]
    searchable_fields = ["code", "name", "region_code", "level", "is_registration_authority"]
    sortable_fields = ["code", "name", "region_code"]
    fields_default_sort = ["code"]
    exporters = CSV
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(Department, icon="fa fa-building", display_name="部门", menu_label="部门")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(self, request: Request, code: str, data: dict[str, Any], expect: Expect) -> Any:
        department_input = DepartmentInput(
            code=code,
            name=value_of(data, "name"),
            level=choice(data, "level", DepartmentLevel),
            region_code=value_of(data, "region_code"),
            is_registration_authority=bool(data.get("is_registration_authority")),
            line=value_of(data, "line") or None,
        )
        department, _ = await self.change(request, lambda session: upsert_department(session, department_input, expect))
        return department

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.code, data, Expect.EXISTING)
