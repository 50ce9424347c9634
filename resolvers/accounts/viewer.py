"""The caller, as the platform sees it."""

from __future__ import annotations

from dataclasses import dataclass

from models import Department
from models.enums import Role
from resolvers.platform.context import GqlInfo
from services.platform.access import require_authenticated
from services.platform.principal import Principal, PrincipalKind


@dataclass(frozen=True)
class Viewer:
    kind: PrincipalKind
    role: Role
    name: str
    department_id: int | None


async def viewer(info: GqlInfo) -> Viewer:
    principal: Principal = info.context.principal
    require_authenticated(principal)
    role = Role.MAINTAINER if principal.is_maintainer else Role.DEPARTMENT
    return Viewer(principal.kind, role, principal.name, principal.department_id)


async def viewer_department(root: Viewer, info: GqlInfo) -> Department | None:
    if root.department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.department_id)
