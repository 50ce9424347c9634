"""The media type of a GraphQL answer over HTTP (GraphQL over HTTP, its Accept negotiation).

A client that prefers `application/graphql-response+json` gets it, with the spec's status codes:
a request that failed before execution (a document that does not parse or validate, variables
that do not coerce, a refused token) is a 4xx without the `data` entry; an execution result
is a 200. A failure on the server's side stays a 5xx: the database out of reach 503, the
request time limit passed 504 (a gateway's word for "no answer in time").
Everyone else (no Accept, `*/*`, `application/json`) keeps `application/json` and its
200 for every GraphQL answer, as integrators have always read it. Both paths (compiled and
strawberry) answer through `negotiated`, so they cannot differ."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message, Scope, Send

from middleware.responses import buffered

GRAPHQL_RESPONSE = b"application/graphql-response+json"
JSON = b"application/json"
_LABEL = GRAPHQL_RESPONSE + b"; charset=utf-8"
# Not the request's fault: these keep (or get) a 5xx, never the request error's 400.
_SERVER_SIDE = {"DATABASE_UNAVAILABLE": 503, "REQUEST_TIMEOUT": 504}


def wants_graphql_response(scope: Scope) -> bool:
    """Whether the Accept header prefers application/graphql-response+json to application/json
    (a higher q, or the same q and listed first)."""
    for name, value in scope["headers"]:
        if name == b"accept":
            return GRAPHQL_RESPONSE in value and _preferred(value)
    return False


def _preferred(accept: bytes) -> bool:
    best: tuple[float, int, bytes] | None = None
    for position, part in enumerate(accept.split(b",")):
        media, *parameters = (piece.strip() for piece in part.split(b";"))
        if media not in (GRAPHQL_RESPONSE, JSON, b"application/*", b"*/*"):
            continue
        quality = 1.0
        for parameter in parameters:
            key, _, number = parameter.partition(b"=")
            if key.strip() == b"q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        # A wildcard stands for application/json, the answer when nothing more is said.
        candidate = (quality, -position, GRAPHQL_RESPONSE if media == GRAPHQL_RESPONSE else JSON)
        if quality > 0 and (best is None or candidate[:2] > best[:2]):
            best = candidate
    return best is not None and best[2] == GRAPHQL_RESPONSE


def negotiated(send: Send) -> Send:
    """A send for a client that wants application/graphql-response+json: a JSON answer is
    relabelled, and a request error becomes a 400 (unless already a 4xx) without `data`."""

    def hold(start: Message) -> tuple[Message, bool]:
        return start, _content_type(start) == JSON

    def relabelled(start: Message, body: bytes) -> tuple[Message, bytes]:
        status, body = _as_graphql_response(start["status"], body)
        headers = [(name, value) for name, value in start.get("headers", []) if name != b"content-type"]
        return {**start, "status": status, "headers": [*headers, (b"content-type", _LABEL)]}, body

    return buffered(send, hold, relabelled)


def _content_type(message: Message) -> bytes | None:
    for name, value in message.get("headers", []):
        if name == b"content-type":
            return bytes(value).split(b";")[0].strip()
    return None


def _as_graphql_response(status: int, body: bytes) -> tuple[int, bytes]:
    """A request error is an answer whose data is null and whose errors all lie outside
    execution (a field's error always has a path)."""
    if not body.startswith(b'{"data":null,"errors":'):
        return status, body
    answer: dict[str, Any] = json.loads(body)
    errors = answer.get("errors", [])
    if any("path" in error for error in errors):
        return status, body
    del answer["data"]
    body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
    codes = [(error.get("extensions") or {}).get("code") for error in errors]
    server_side = [_SERVER_SIDE[code] for code in codes if code in _SERVER_SIDE]
    if server_side:
        return (status if status >= 500 else max(server_side)), body
    return (status if 400 <= status < 500 else 400), body
