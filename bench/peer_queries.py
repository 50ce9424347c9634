"""The three queries of `make bench-peer`, in Jianguan's API and in PostGraphile's, and the check
that both servers answer them with the same rows and values.

PostGraphile's documents alias its field names (`allMarketEntities`, `marketEntityByUscc`,
`licensesByEntityId`) to ours, so both answers have one shape and compare as they come.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ENTITY_FIELDS = "uscc name status regionCode establishedOn"
# Ours pages entities in USCC order.
PEER_PAGE = "entities: allMarketEntities(first: 20, orderBy: USCC_ASC)"
LICENSE_FIELDS = "licenseNumber certificateName validTo status"
# Ours lists an entity's licenses newest first (decision date, then the newest stored) and pages
# them 20 at a time unless asked; PostGraphile is asked for the same first 20 in the same order.
PEER_LICENSES = "licenses: licensesByEntityId(first: 20, orderBy: [DECISION_DATE_DESC, PRIMARY_KEY_DESC])"


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    ours: str
    peer: str
    # Where the two differ beyond field names, said in the results.
    shape_note: str
    # By USCC: one request body per code, taken in turn; otherwise one body.
    by_uscc: bool = False


QUERIES: tuple[Query, ...] = (
    Query(
        name="entity_by_uscc",
        description="one entity by USCC, 5 scalars",
        ours=f"query($uscc: String!) {{ entity(uscc: $uscc) {{ {ENTITY_FIELDS} }} }}",
        peer=f"query($uscc: String!) {{ entity: marketEntityByUscc(uscc: $uscc) {{ {ENTITY_FIELDS} }} }}",
        shape_note="same shape; ours trims and upper-cases the code and applies the caller's jurisdiction",
        by_uscc=True,
    ),
    Query(
        name="page_of_20",
        description="a page of 20 entities in USCC order, 5 scalars",
        ours=f"{{ entities(first: 20) {{ edges {{ node {{ {ENTITY_FIELDS} }} }} }} }}",
        peer=f"{{ {PEER_PAGE} {{ edges {{ node {{ {ENTITY_FIELDS} }} }} }} }}",
        shape_note="same shape (Relay connection, edges/node on both)",
    ),
    Query(
        name="page_of_20_with_licenses",
        description="a page of 20 entities with each one's licenses (first 20, newest first)",
        ours=(
            f"{{ entities(first: 20) {{ edges {{ node {{ {ENTITY_FIELDS}"
            f" licenses {{ edges {{ node {{ {LICENSE_FIELDS} }} }} }} }} }} }} }}"
        ),
        peer=(
            f"{{ {PEER_PAGE} {{ edges {{ node {{ {ENTITY_FIELDS}"
            f" {PEER_LICENSES} {{ edges {{ node {{ {LICENSE_FIELDS} }} }} }} }} }} }} }}"
        ),
        shape_note=(
            "same shape; ours caps licenses at 20 per entity by default, PostGraphile is given first: 20 and"
            " ours' order (decision date desc, id desc) explicitly"
        ),
    ),
)


def bodies(query: Query, usccs: list[str], for_peer: bool) -> list[str]:
    """The JSON request bodies the load generator sends for a query, in turn."""
    document = query.peer if for_peer else query.ours
    if not query.by_uscc:
        return [json.dumps({"query": document})]
    return [json.dumps({"query": document, "variables": {"uscc": code}}) for code in usccs]


def answer_data(payload: Any, server: str) -> Any:
    """The `data` of a GraphQL answer, or a loud failure naming the server and its errors."""
    if not isinstance(payload, dict) or payload.get("errors") or "data" not in payload:
        raise AnswerMismatch(f"{server} answered with errors: {json.dumps(payload, ensure_ascii=False)[:600]}")
    return payload["data"]


class AnswerMismatch(Exception):
    """The two servers disagree, or one of them failed: the figures would compare different work."""


def differences(ours: Any, peer: Any, path: str = "$") -> list[str]:
    """Where two JSON values differ, as paths; empty when they are equal."""
    if isinstance(ours, dict) and isinstance(peer, dict):
        found = [
            f"{path}.{key}: only in {'ours' if key in ours else 'peer'}" for key in sorted(ours.keys() ^ peer.keys())
        ]
        for key in sorted(ours.keys() & peer.keys()):
            found += differences(ours[key], peer[key], f"{path}.{key}")
        return found
    if isinstance(ours, list) and isinstance(peer, list):
        if len(ours) != len(peer):
            return [f"{path}: {len(ours)} items in ours, {len(peer)} in peer"]
        return [
            line
            for index, pair in enumerate(zip(ours, peer, strict=True))
            for line in differences(*pair, f"{path}[{index}]")
        ]
    return [] if ours == peer else [f"{path}: ours {ours!r}, peer {peer!r}"]


def page_usccs(data: Any) -> list[str]:
    """The USCCs of a page's entities, in order (for messages and the results)."""
    return [edge["node"]["uscc"] for edge in data["entities"]["edges"]]


def licenses_on_page(data: Any) -> int:
    return sum(len(edge["node"]["licenses"]["edges"]) for edge in data["entities"]["edges"])


def compare(ours: Any, peer: Any, what: str) -> None:
    """Fail loudly unless both answers carry the same data."""
    found = differences(answer_data(ours, "Jianguan"), answer_data(peer, "PostGraphile"))
    if found:
        shown = "\n  ".join(found[:20])
        more = f"\n  … and {len(found) - 20} more" if len(found) > 20 else ""
        raise AnswerMismatch(f"{what}: the two servers answer differently:\n  {shown}{more}")
