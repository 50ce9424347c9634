"""The arguments many fields share, described once."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[
    int | None,
    strawberry.argument(
        description="本页最多几项（默认 20，最多 100）/ Items on this page: 20 unless given, at most 100 by default."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="从该游标之后开始：上一页的 pageInfo.endCursor；不填为第一页 / "
        "Start after this cursor (the previous page's endCursor); the first page when absent."
    ),
]

__all__ = ["After", "First"]
