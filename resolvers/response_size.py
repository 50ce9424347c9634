"""The largest answer the API sends. The query cost limit keeps reads well under it (schema.cost);
this is the backstop for what the cost does not weigh, such as long texts (a business scope holds up
to 20,000 characters): past it the caller gets one clear error, not tens of megabytes."""

from __future__ import annotations

from strawberry.http import GraphQLHTTPResponse

MAX_RESPONSE_BYTES = 10 * 1024 * 1024
RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"


def too_large(size: int) -> GraphQLHTTPResponse | None:
    """The answer to send instead of one of `size` bytes, or None when it may be sent."""
    if size <= MAX_RESPONSE_BYTES:
        return None
    megabytes = f"{size / 2**20:.1f} MB，最多 {MAX_RESPONSE_BYTES / 2**20:g} MB"
    message = f"答复过大：约 {megabytes}；请减小 first、别名数量或所选字段，分页分次读取"
    extensions = {"code": RESPONSE_TOO_LARGE, "size": size, "maximum": MAX_RESPONSE_BYTES}
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}
