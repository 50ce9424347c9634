"""双告知's GraphQL inputs."""

from __future__ import annotations

import strawberry

from schema.enums import (
    FeedbackKind,
    NoticeStatus,
)


@strawberry.input(description="告知筛选 / Notice filter.")
class NoticeFilter:
    status: NoticeStatus | None = strawberry.field(default=None, description="告知状态 / Only notices in this state.")
    overdue: bool | None = strawberry.field(default=None, description="逾期未认领 / Unclaimed past the deadline.")
    department_code: str | None = strawberry.field(default=None, description="维护人员可按部门筛选 / For maintainers.")
    uscc: str | None = strawberry.field(default=None, description="统一社会信用代码 / Only notices about this entity.")


@strawberry.input(description="双反馈 / What the department reports after claiming.")
class NoticeFeedbackInput:
    kind: FeedbackKind = strawberry.field(
        description="反馈类型 / Granted, applied and pending, not applied, or no licence needed."
    )
    license_number: str | None = strawberry.field(
        default=None, description="许可证号（已取得许可时必填）/ License number."
    )
    note: str | None = strawberry.field(default=None, description="说明 / A note for the record.")
