"""Schemathesis over the live schema: every query and mutation, with arguments hypothesis-graphql
draws (valid and invalid), sent to a real server. What counts as a failure is the server's, not
the caller's: an HTTP 5xx, a body that is not JSON, or an error coded INTERNAL_ERROR."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import graphql
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

import schema as schema_module

# Examples per operation and generation mode; 61 operations × 2 modes × 15 ≈ 1,800 requests, about
# 20 s per caller on 2 cores. JIANGUAN_FUZZ_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("JIANGUAN_FUZZ_EXAMPLES", "15"))

# Values the findings of issue 15 showed to break servers: non-finite decimals, digits that are not
# ASCII, integers beyond 64 bits, dates outside any register, text with control characters.
_HOSTILE = st.sampled_from(
    [
        "NaN", "sNaN", "-Infinity", "1e999999", "-0", "³", "٣", "99999999999999999999999",
        "0001-01-01", "9999-12-31", "2026-02-30", "a\u0000b", "\u202e", "",
    ]
)  # fmt: skip
_JUNK = st.one_of(_HOSTILE, st.text(max_size=40))


def _strings(valid: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(valid, _JUNK).map(nodes.String)


# Our custom scalars have no strategy in hypothesis-graphql: give each its valid form and junk.
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Decimal": st.one_of(
        _strings(st.decimals(min_value=-(10**16), max_value=10**16, places=2).map(str)),
        st.integers().map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    ),
    "Date": _strings(st.dates().map(lambda day: day.isoformat())),
    "DateTime": _strings(st.datetimes().map(lambda moment: moment.isoformat() + "Z")),
    "JSON": st.one_of(_strings(st.just("{}")), st.integers().map(nodes.Int), st.booleans().map(nodes.Boolean)),
    # A file only comes as a multipart part; anything written inline must be refused cleanly.
    "Upload": _strings(st.just("file.xlsx")),
}


def load() -> Any:
    for name, strategy in SCALARS.items():
        schemathesis.graphql.scalar(name, strategy)
    introspection = graphql.introspection_from_schema(schema_module.schema._schema)
    return schemathesis.graphql.from_dict(dict(introspection))


@dataclass
class Finding:
    operation: str
    status: int
    codes: list[str]
    query: str

    def __str__(self) -> str:
        return f"{self.operation}: HTTP {self.status} {self.codes}\n{self.query}"


def _finding(label: str, response: Any, body: Any) -> Finding | None:
    try:
        answer = response.json()
        codes = [str((error.get("extensions") or {}).get("code")) for error in answer.get("errors") or []]
    except (ValueError, AttributeError):
        return Finding(label, response.status_code, ["NOT_JSON"], json.dumps(body, ensure_ascii=False))
    if response.status_code >= 500 or "INTERNAL_ERROR" in codes:
        query = body.get("query", "") if isinstance(body, dict) else str(body)
        return Finding(label, response.status_code, codes, query)
    return None


@dataclass
class Hunt:
    base_url: str
    headers: dict[str, str]
    operations: set[str] = field(default_factory=set)  # every operation of the schema
    tried: set[str] = field(default_factory=set)  # those a request was sent for
    sent: int = 0
    findings: list[Finding] = field(default_factory=list)

    def run(self, operation: Any, mode: GenerationMode) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode))
        def send(case: Any) -> None:
            self.sent += 1
            self.tried.add(operation.label)
            response = case.call(base_url=f"{self.base_url}/graphql", headers=self.headers, timeout=60)
            if (found := _finding(operation.label, response, case.body)) is not None:
                self.findings.append(found)

        send()


def hunt(base_url: str, token: str | None) -> Hunt:
    """Every operation, positive and negative, as the caller with `token` (None: the public)."""
    found = Hunt(base_url, {"Authorization": f"Bearer {token}"} if token else {})
    for result in load().get_all_operations():
        operation = result.ok()
        found.operations.add(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            found.run(operation, mode)
    return found
