"""The noticePushed subscription: a department's system follows its notices as they are pushed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from models import Notice
from resolvers.platform.context import GqlInfo
from resolvers.platform.loaders import Loaders
from services.notices import notice_feed
from services.platform.ids import existing_id


async def notice_pushed(
    info: GqlInfo,
    department_code: Annotated[
        str | None,
        strawberry.argument(
            description=(
                "维护人员指定部门；不填为全部部门（部门用户只能订阅本部门） / "
                "For maintainers: one department, else all."
            )
        ),
    ] = None,
    after_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="先补发编号大于它的告知（断线续订）/ First resend the notices with a larger id (resuming)."
        ),
    ] = None,
) -> AsyncGenerator[Notice, None]:
    context = info.context
    after = None
    if after_id is not None:
        after = existing_id(after_id, "INVALID_NOTICE_ID", "告知编号{id}无效：应为告知的 id", "afterId")
    async for notice in notice_feed.follow(context.db, context.principal, department_code, after):
        # The connection lives for hours: each notice's entity, matter and department are read afresh.
        context.loaders = Loaders(context.db, context.principal)
        yield notice
