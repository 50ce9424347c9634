"""网图 over GraphQL: the entity network around one entity (services.analysis.graph)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.platform.context import GqlInfo
from services.analysis import graph
from services.analysis.graph import EntityGraph, GraphEntity, GraphLink


async def entity_graph(
    info: GqlInfo,
    uscc: Annotated[str, strawberry.argument(description="统一社会信用代码 / The entity the graph is drawn around.")],
    depth: Annotated[
        int | None,
        strawberry.argument(
            description=(
                f"层数 1–{graph.MAX_DEPTH}，不填或 null 为 {graph.DEFAULT_DEPTH}：一层为主体→人员→另一主体 / Hops, "
                f"1 to {graph.MAX_DEPTH}; {graph.DEFAULT_DEPTH} when absent or null. One hop goes from an entity "
                "to a person with a role in it and on to another entity of that person."
            )
        ),
    ] = graph.DEFAULT_DEPTH,
) -> EntityGraph:
    async with info.context.session() as session:
        return await graph.entity_graph(session, uscc, depth)


def entity_node_id(root: GraphEntity) -> strawberry.ID:
    return strawberry.ID(root.uscc)


def graph_edges(root: EntityGraph) -> list[GraphLink]:
    return root.links
