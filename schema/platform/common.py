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
    has_next_page: bool = strawberry.field(description="是否还有下一页 / Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="是否有上一页（即请求给出了 after）/ Whether items come before it (the request gave `after`)."
    )
    start_cursor: str | None = strawberry.field(description="本页第一项的游标 / The cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(
        description=(
            "本页最后一项的游标，作为 after 取下一页 / "
            "The cursor of its last item: pass it as `after` for the next page."
        )
    )


@strawberry.type(description="连接中的一项 / One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="本项的游标 / This item's cursor.")
    node: T = strawberry.field(description="本项 / The item itself.")


@strawberry.type(description="Relay 连接 / A keyset-paginated Relay connection.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="本页各项，按列表顺序 / The page's items, in the list's order.")
    page_info: PageInfo = strawberry.field(description="分页信息 / Where the page stands.")
    total_count = strawberry.field(
        resolver=common.total_count, description="符合条件的总数（另需一次计数）/ Total matches; costs a count."
    )
