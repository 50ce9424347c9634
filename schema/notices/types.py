"""双告知's GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.catalog import catalog_versions
from resolvers.notices import notices
from schema.catalog.types import CatalogVersion, SupervisionMatter
from schema.enums import (
    FeedbackKind,
    NoticeStatus,
)
from schema.platform.common import UserError
from schema.registry.types import Department, MarketEntity


@strawberry.type(description="告知 / A registration notice pushed to a department (双告知).")
class Notice:
    id = strawberry.field(
        resolver=notices.notice_id, graphql_type=strawberry.ID, description="告知标识 / The notice's id."
    )
    status: NoticeStatus = strawberry.field(
        description="告知状态 / Its state; OVERDUE is the separate `overdue` field."
    )
    pushed_at: datetime.datetime = strawberry.field(description="推送时间（UTC）/ When it was pushed (UTC).")
    deadline: datetime.date = strawberry.field(
        description="认领截止日（工作日计算）/ Last day to claim, in working days."
    )
    overdue = strawberry.field(resolver=notices.notice_overdue, graphql_type=bool, description="逾期未认领 / Past it.")
    claimed_at: datetime.datetime | None = strawberry.field(description="认领时间（UTC）/ When it was claimed (UTC).")
    note: str | None = strawberry.field(description="转交或退回的理由 / Why it was forwarded or returned.")
    feedback_kind: FeedbackKind | None = strawberry.field(
        description="反馈类型（双反馈）/ What the department reported after claiming."
    )
    license_number: str | None = strawberry.field(
        description="许可证号（反馈已取得许可时）/ The licence number, when the feedback says it was granted."
    )
    feedback_note: str | None = strawberry.field(description="反馈说明 / The department's note with its feedback.")
    feedback_at: datetime.datetime | None = strawberry.field(
        description="反馈时间（UTC）/ When the feedback was given (UTC)."
    )
    reason: str = strawberry.field(description="REGISTERED、SCOPE_CHANGED、FORWARDED 或 POOL / What pushed it.")
    entity = strawberry.field(
        resolver=notices.notice_entity,
        graphql_type=MarketEntity | None,
        description="被告知的市场主体（调用方无权查看时为空）/ The entity; null where the caller may not see it.",
    )
    matter = strawberry.field(
        resolver=notices.notice_matter,
        graphql_type=SupervisionMatter | None,
        description="匹配到的监管事项 / The catalog matter its business scope matched.",
    )
    department = strawberry.field(
        resolver=notices.notice_department,
        graphql_type=Department | None,
        description="被推送的部门 / The department it was pushed to.",
    )
    catalog_version = strawberry.field(
        resolver=catalog_versions.notice_catalog_version,
        graphql_type=CatalogVersion | None,
        description="推送该告知时所依据的目录版本 / The catalog version that routed it.",
    )


@strawberry.type(description="告知操作的结果 / The answer to a notice's claim, forward, return or feedback.")
class ClaimNoticePayload:
    notice: Notice | None = strawberry.field(
        description=(
            "操作后的告知（转交时为新推送的告知；有错误时为空） / "
            "The notice after it (for a forward, the new one); null on errors."
        )
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
