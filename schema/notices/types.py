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
    id = strawberry.field(resolver=notices.notice_id, graphql_type=strawberry.ID)
    status: NoticeStatus
    pushed_at: datetime.datetime
    deadline: datetime.date = strawberry.field(
        description="认领截止日（工作日计算）/ Last day to claim, in working days."
    )
    overdue = strawberry.field(resolver=notices.notice_overdue, graphql_type=bool, description="逾期未认领 / Past it.")
    claimed_at: datetime.datetime | None
    note: str | None = strawberry.field(description="转交或退回的理由 / Why it was forwarded or returned.")
    feedback_kind: FeedbackKind | None
    license_number: str | None
    feedback_note: str | None
    feedback_at: datetime.datetime | None
    reason: str = strawberry.field(description="REGISTERED、SCOPE_CHANGED、FORWARDED 或 POOL / What pushed it.")
    entity = strawberry.field(resolver=notices.notice_entity, graphql_type=MarketEntity | None)
    matter = strawberry.field(resolver=notices.notice_matter, graphql_type=SupervisionMatter | None)
    department = strawberry.field(resolver=notices.notice_department, graphql_type=Department | None)
    catalog_version = strawberry.field(
        resolver=catalog_versions.notice_catalog_version,
        graphql_type=CatalogVersion | None,
        description="推送该告知时所依据的目录版本 / The catalog version that routed it.",
    )


@strawberry.type
class ClaimNoticePayload:
    notice: Notice | None
    errors: list[UserError]
