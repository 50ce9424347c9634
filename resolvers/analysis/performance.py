"""绩效考核 over GraphQL: a thin call into services.analysis.performance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers.platform.context import GqlInfo
from services.analysis import performance


async def department_performance(
    info: GqlInfo,
    department_code: Annotated[str, strawberry.argument(description="部门代码 / The department's code.")],
    from_: Annotated[date, strawberry.argument(name="from", description="起始日（北京时间）/ First day, Beijing.")],
    to: Annotated[
        date, strawberry.argument(description="结束日（含），不早于起始日 / Last day, included; not before the first.")
    ],
) -> performance.DepartmentPerformance:
    async with info.context.session() as session:
        return await performance.department_performance(session, department_code, from_, to)
