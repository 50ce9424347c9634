"""The caller, over GraphQL."""

from __future__ import annotations

import strawberry

from resolvers.accounts import viewer
from schema.enums import (
    PrincipalKind,
    Role,
)
from schema.registry.types import Department


@strawberry.type(description="当前调用方 / The caller.")
class Viewer:
    kind: PrincipalKind = strawberry.field(description="调用方类型 / Kind of caller.")
    role: Role = strawberry.field(description="角色 / The token's role.")
    name: str = strawberry.field(description="令牌名称 / The token's name.")
    department = strawberry.field(
        resolver=viewer.viewer_department,
        graphql_type=Department | None,
        description="令牌所属部门（维护人员可无）/ The token's department; a maintainer's may have none.",
    )
