"""A GraphQL request's JSON, read with its nesting bounded: a body nested 100,000 deep would
exhaust Python's recursion (in the decoder, or later in variable coercion) and answer 500."""

from __future__ import annotations

import json

# Variables follow the schema's input types, a few levels deep; nothing real comes near this.
MAX_JSON_DEPTH = 32
JSON_TOO_DEEP = "JSON_TOO_DEEP"
JSON_TOO_DEEP_MESSAGE = f"请求的 JSON 嵌套过深：最多 {MAX_JSON_DEPTH} 层"


class JsonTooDeep(Exception):
    """Not a ValueError: strawberry words those as unparseable JSON, and this is a refusal of its own."""


def loads(body: str | bytes) -> object:
    """The decoded JSON; JsonTooDeep beyond MAX_JSON_DEPTH; ValueError when it is not JSON."""
    try:
        value: object = json.loads(body)
    except RecursionError:
        raise JsonTooDeep from None
    raw = body if isinstance(body, bytes) else body.encode()
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth_exceeds(value, MAX_JSON_DEPTH):
        raise JsonTooDeep
    return value


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (without recursion, stopping at the first)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
