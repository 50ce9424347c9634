"""What an analysis read is asked for: its period."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(
    description=(
        "统计期间（含首尾两天，结束日不早于开始日，长度不超过维护人员允许的最长期间）/ A period of whole days, both "
        "ends included; `to` not before `from`, no longer than the maintainers allow."
    )
)
class PeriodInput:
    start: datetime.date = strawberry.field(name="from", description="开始日期 / The first day.")
    end: datetime.date = strawberry.field(name="to", description="结束日期（含）/ The last day, included.")
