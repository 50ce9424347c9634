"""GraphQL enums: the glossary's code lists."""

import strawberry

from models import enums
from services.principal import PrincipalKind as _PrincipalKind

RegionLevel = strawberry.enum(enums.RegionLevel, description="行政区划层级 / GB/T 2260 level.")
DepartmentLevel = strawberry.enum(
    enums.DepartmentLevel, description="部门层级（两级使用）/ City or district department."
)
EntityType = strawberry.enum(enums.EntityType, description="市场主体类型 / Kind of market entity.")
EntityStatus = strawberry.enum(
    enums.EntityStatus,
    description="登记状态：存续、吊销、注销 / Registration status: active, revoked, deregistered.",
)
PersonRole = strawberry.enum(
    enums.PersonRole,
    description="人员角色：法定代表人、股东、董监高 / Legal representative, shareholder or executive.",
)
DataQualityIssue = strawberry.enum(
    enums.DataQualityIssue,
    description="数据质量问题 / Why a registry row is on the maintainers' data-quality list.",
)
PrincipalKind = strawberry.enum(_PrincipalKind, description="调用方类型 / Kind of caller.")
