"""Persisted queries (the automatic persisted query protocol): a caller sends the sha256 of a
query it sent before instead of its text.

A hash this process has not seen is answered PERSISTED_QUERY_NOT_FOUND, and the caller sends
the text with its hash once more; a text whose hash differs from the one given is refused.
Each process keeps its own bounded list (by count and by size; a text longer than MAX_TEXT is
not kept): the app stays stateless, and a worker or machine that has not seen a query yet only
costs the caller one round trip."""

from __future__ import annotations

import hashlib
from typing import Any

from resolvers.platform.common import Refusal
from services.platform.bounded import Bounded

KEPT = 4096
# What one process keeps: a longer text is answered, but its caller sends the text each time.
MAX_TEXT = 16_000
MAX_BYTES = 16 << 20


NOT_FOUND = Refusal("PERSISTED_QUERY_NOT_FOUND", "持久化查询未找到：请连同查询文本（query）重新发送")
MISMATCH = Refusal("PERSISTED_QUERY_HASH_MISMATCH", "持久化查询的 sha256Hash 与查询文本不符")
MALFORMED = Refusal("BAD_REQUEST", "extensions.persistedQuery 应为 {version: 1, sha256Hash: 64 位十六进制}")


class PersistedQueries:
    def __init__(self, size: int = KEPT, max_bytes: int = MAX_BYTES) -> None:
        self._texts: Bounded[str, str] = Bounded(size, len, max_bytes)

    def resolve(self, request: Any) -> Any | Refusal:
        """The request with its query text, when it names one by hash; else the request as it came."""
        if not isinstance(request, dict):
            return request
        extensions = request.get("extensions")
        if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
            return request
        persisted = extensions["persistedQuery"]
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(digest, str) or len(digest) != 64 or persisted.get("version") != 1:
            return MALFORMED
        digest = digest.lower()
        query = request.get("query")
        if isinstance(query, str):
            if hashlib.sha256(query.encode()).hexdigest() != digest:
                return MISMATCH
            self._keep(digest, query)
            return request
        known = self._texts.get(digest)
        if known is None:
            return NOT_FOUND
        return {**request, "query": known}

    def _keep(self, digest: str, query: str) -> None:
        if len(query) <= MAX_TEXT and digest not in self._texts:
            self._texts.put(digest, query)
