"""Pages of a department's own lists (check items, inspectors, entity directories): a department
keeps its own, a maintainer names the department it keeps them for. The service decides whose
list it is (access.acting_department); the page only says which department the form names."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin.fields import BaseField
from starlette_admin.types import RequestAction

from admin_ui.auth import principal_of_request
from admin_ui.base import ServiceView, value_of
from models import Department
from services.platform.access import may_maintain


async def department_code_of(request: Request, obj: Any) -> str:
    department = await request.state.session.get(Department, obj.department_id)
    return department.code if department else ""


class DepartmentListView(ServiceView):
    maintainers_only = False
    importers: list[str] = []
    page_size = 25

    def can_export(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    def can_access_field(self, request: Request, field: BaseField, action: RequestAction | None = None) -> bool:
        # A department keeps its own list: the department is not its to choose.
        if field.name == "department_code" and (action or request.state.action) == RequestAction.CREATE:
            return may_maintain(principal_of_request(request))
        return bool(super().can_access_field(request, field, action))

    def named_department(self, request: Request, data: dict[str, Any]) -> str | None:
        """On a create form: the department a maintainer typed; a department's own otherwise."""
        if not may_maintain(principal_of_request(request)):
            return None
        return value_of(data, "department_code") or None

    async def department_kept(self, request: Request, row: Any) -> str | None:
        """On an edit form: the row's department, named for a maintainer (who must name one)."""
        return await department_code_of(request, row) if may_maintain(principal_of_request(request)) else None
