"""Regions and departments: maintainers keep them here, through the same services as the API."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, EnumField, StringField

from admin_ui.base import ServiceView, value_of
from admin_ui.labels import choices
from models import Department, Region
from models.enums import DepartmentLevel, RegionLevel
from services.departments import DepartmentInput, upsert_department
from services.regions import RegionInput, upsert_region


class RegionView(ServiceView):
    label = "行政区划"
    fields = [
        StringField("code", label="区划代码", help_text="GB/T 2260 六位代码"),
        StringField("name", label="名称"),
        EnumField(
            "level", label="层级", choices=choices(RegionLevel), exclude_from_create=True, exclude_from_edit=True
        ),
        StringField("parent_code", label="上级区划代码"),
    ]
    searchable_fields = ["code", "name"]
    sortable_fields = ["code", "name"]
    fields_default_sort = ["code"]
    exporters = ["csv"]
    importers: list[str] = []

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    def __init__(self) -> None:
        super().__init__(Region, icon="fa fa-map", display_name="行政区划", menu_label="行政区划")

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        region_input = RegionInput(
            value_of(data, "code"), value_of(data, "name"), value_of(data, "parent_code") or None
        )
        region, _ = await self.change(request, lambda session: upsert_region(session, region_input))
        return region

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        return await self.create(request, {**data, "code": pk})


class DepartmentView(ServiceView):
    fields = [
        StringField("code", label="部门代码"),
        StringField("name", label="名称"),
        EnumField("level", label="层级", choices=choices(DepartmentLevel)),
        StringField("region_code", label="行政区划代码"),
        BooleanField("is_registration_authority", label="登记机关"),
    ]
    exclude_fields_from_edit = ["code"]
    searchable_fields = ["code", "name", "region_code"]
    sortable_fields = ["code", "name", "region_code"]
    fields_default_sort = ["code"]
    exporters = ["csv"]
    importers: list[str] = []

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    def __init__(self) -> None:
        super().__init__(Department, icon="fa fa-building", display_name="部门", menu_label="部门")

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        department_input = DepartmentInput(
            code=value_of(data, "code"),
            name=value_of(data, "name"),
            level=DepartmentLevel(value_of(data, "level") or DepartmentLevel.DISTRICT.value),
            region_code=value_of(data, "region_code"),
            is_registration_authority=bool(data.get("is_registration_authority")),
        )
        department, _ = await self.change(request, lambda session: upsert_department(session, department_input))
        return department

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.find_by_pk(request, pk)
        return await self.create(request, {**data, "code": current.code})
