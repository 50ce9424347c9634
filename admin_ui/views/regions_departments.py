"""行政区划 and 部门: maintainers keep them here, through the same services as the API."""

from __future__ import annotations

from starlette_admin import BooleanField, EnumField, StringField

from admin_ui.upsert_view import UpsertView
from models import Department, Region
from models.enums import DepartmentLevel, RegionLevel
from services.platform.labels import choices
from services.registry.departments import DepartmentInput, upsert_department
from services.registry.regions import RegionInput, upsert_region


class RegionView(UpsertView):
    model = Region
    form = RegionInput
    upsert = upsert_region
    fields = [
        StringField("code", label="区划代码", help_text="GB/T 2260 六位代码"),
        StringField("name", label="名称"),
        EnumField(
            "level", label="层级", choices=choices(RegionLevel), exclude_from_create=True, exclude_from_edit=True
        ),
        StringField("parent_code", label="上级区划代码"),
    ]
    searchable_fields = ["code", "name", "level"]
    sortable_fields = ["code", "name"]
    icon, display_name, menu_label = "fa fa-map", "行政区划", "行政区划"


class DepartmentView(UpsertView):
    model = Department
    form = DepartmentInput
    upsert = upsert_department
    fields = [
        StringField("code", label="部门代码"),
        StringField("name", label="名称"),
        EnumField("level", label="层级", choices=choices(DepartmentLevel)),
        StringField("region_code", label="行政区划代码"),
        BooleanField("is_registration_authority", label="登记机关"),
        StringField("line", label="条线", help_text="市级部门与其区县对口部门相同，如 WJ（卫生健康）"),
    ]
    searchable_fields = ["code", "name", "region_code", "level", "is_registration_authority"]
    sortable_fields = ["code", "name", "region_code"]
    icon, display_name, menu_label = "fa fa-building", "部门", "部门"
    list_template = "department_list.html"  # with 导入 and the template beside the list
