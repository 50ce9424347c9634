"""What every part of the API shares: user errors and Relay connections."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from resolvers.platform import common

T = TypeVar("T")


@strawberry.type(description="用户可见的错误 / An expected failure: nothing was stored.")
class UserError:
    field: str | None = strawberry.field(description="出错的输入字段 / The input field at fault.")
    code: str = strawberry.field(description="稳定的错误代码 / Stable code for programs.")
    message: str = strawberry.field(description="中文说明 / Message for people, in Chinese.")


@strawberry.type(description="分页信息 / Relay page info.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="Relay 连接 / A keyset-paginated Relay connection.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count = strawberry.field(
        resolver=common.total_count, description="符合条件的总数（另需一次计数）/ Total matches; costs a count."
    )
