"""检查对象名录库: a department's saved filters over the registry, kept here as through
upsertEntityDirectory (services.spotchecks.directory: the same checks and audit), each with the
number of entities it matches now."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import DateTimeField, EnumField, IntegerField, StringField

from admin_ui.base import form_errors, run_as, value_of
from admin_ui.colour import ColourField
from admin_ui.department_lists import DepartmentListView, department_code_of
from models import EntityDirectory
from models.enums import EntityStatus, EntityType, RiskColour
from services.platform.errors import Problem
from services.platform.labels import choices
from services.spotchecks.directory import DirectoryFilter, DirectoryInput, count_matching, upsert_entity_directory


def _filter_value(key: str) -> Any:
    async def getter(request: Request, obj: Any) -> Any:
        return (obj.filter or {}).get(key)

    return getter


async def _matching(request: Request, obj: Any) -> int:
    return await count_matching(request.state.session, obj.filter or {})


def _on_form(problem: Problem) -> Problem:
    """The service names the filter's parts as the API does (filter.regionCode); the form has them
    as fields of their own."""
    field = (problem.field or "").removeprefix("filter.")
    return Problem(problem.code, problem.message, field or None)


class EntityDirectoryView(DepartmentListView):
    fields = [
        StringField(
            "department_code",
            label="部门编码",
            getter=department_code_of,
            help_text="维护人员填写所代维护的部门；部门用户只维护本部门的名录库",
        ),
        StringField("name", label="名录库名称", help_text="在本部门内唯一；同名保存即修改其筛选条件"),
        StringField(
            "region_code",
            label="行政区划",
            getter=_filter_value("regionCode"),
            help_text="如 210202；市级代码含其下各区",
        ),
        StringField(
            "industry_prefix", label="行业代码前缀", getter=_filter_value("industryPrefix"), help_text="如 H 或 H62"
        ),
        EnumField("entity_type", label="主体类型", choices=choices(EntityType), getter=_filter_value("entityType")),
        EnumField("status", label="登记状态", choices=choices(EntityStatus), getter=_filter_value("status")),
        StringField("matter_code", label="监管事项代码", getter=_filter_value("matterCode"), exclude_from_list=True),
        ColourField("colours", label="风险颜色", multiple=True, getter=_filter_value("colours")),
        IntegerField(
            "matching",
            label="当前匹配主体数",
            getter=_matching,
            exclude_from_create=True,
            exclude_from_edit=True,
            read_only=True,
        ),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["name", "department_code"]
    searchable_fields = ["name"]
    sortable_fields = ["name", "updated_at"]
    fields_default_sort = ["name"]

    def __init__(self) -> None:
        super().__init__(
            EntityDirectory, icon="fa fa-filter", display_name="检查对象名录库", menu_label="检查对象名录库"
        )

    async def repr(self, obj: Any, request: Request) -> str:
        return str(obj.name)

    async def _save(self, request: Request, name: str, department: str | None, data: dict[str, Any]) -> Any:
        colours = data.get("colours") or []
        entered = DirectoryInput(
            name=name,
            department_code=department,
            filter=DirectoryFilter(
                region_code=value_of(data, "region_code") or None,
                industry_prefix=value_of(data, "industry_prefix") or None,
                entity_type=EntityType(data["entity_type"]) if data.get("entity_type") else None,
                status=EntityStatus(data["status"]) if data.get("status") else None,
                matter_code=value_of(data, "matter_code") or None,
                colours=[RiskColour(c) for c in colours] or None,
            ),
        )
        result, problems = await run_as(self.db, request, lambda session: upsert_entity_directory(session, entered))
        if problems or result is None:
            raise form_errors([_on_form(p) for p in problems])
        return result.directory

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "name"), self.named_department(request, data), data)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.name, await self.department_kept(request, current), data)
