"""双告知's GraphQL inputs."""

from __future__ import annotations

import strawberry

from schema.enums import (
    FeedbackKind,
    NoticeStatus,
)


@strawberry.input(description="告知筛选 / Notice filter.")
class NoticeFilter:
    status: NoticeStatus | None = None
    overdue: bool | None = strawberry.field(default=None, description="逾期未认领 / Unclaimed past the deadline.")
    department_code: str | None = strawberry.field(default=None, description="维护人员可按部门筛选 / For maintainers.")
    uscc: str | None = None


@strawberry.input(description="双反馈 / What the department reports after claiming.")
class NoticeFeedbackInput:
    kind: FeedbackKind
    license_number: str | None = strawberry.field(
        default=None, description="许可证号（已取得许可时必填）/ License number."
    )
    note: str | None = None
