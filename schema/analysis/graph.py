"""网图's GraphQL types: entities and persons, linked by their roles."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import strawberry

from resolvers.analysis import graph as graph_resolvers
from schema.enums import EntityStatus, ListingKind, PersonRole, RiskColour
from services.analysis.graph import GraphEntity, GraphPerson


@strawberry.interface(description="网图节点：主体或人员 / A node of the entity graph: an entity or a person.")
class EntityGraphNode:
    id: strawberry.ID = strawberry.field(
        description=(
            "节点标识：主体为统一社会信用代码，人员为不透明标识 / The node's id: an entity's USCC, or a person's "
            "opaque id (the same person in every answer; never an identity number)."
        )
    )
    name: str = strawberry.field(description="名称或姓名 / The entity's name, or the person's as registered.")
    hops: int = strawberry.field(
        description=(
            "距中心主体的层数（主体 0 为中心；人员为其所在的层）/ Hops from the centre: 0 for the entity itself; "
            "for a person, the hop on which they lead on (1: a person of the entity itself)."
        )
    )


@strawberry.type(description="网图中主体当前所在名录 / A list the entity stands on today.")
class EntityGraphListing:
    kind: ListingKind = strawberry.field(description="名录 / Abnormal-operation or serious list.")
    listed_on: datetime.date = strawberry.field(description="列入日期 / When it was listed.")


@strawberry.type(description="网图中的主体 / An entity in the graph.")
class EntityGraphEntity(EntityGraphNode):
    id: strawberry.ID = strawberry.field(
        resolver=graph_resolvers.entity_node_id, description="统一社会信用代码 / The entity's USCC."
    )
    uscc: str = strawberry.field(description="统一社会信用代码 / Unified social credit code.")
    status: EntityStatus = strawberry.field(description="登记状态 / Active, revoked or deregistered.")
    region_code: str = strawberry.field(description="行政区划代码 / The region of its address.")
    risk_colour: RiskColour = strawberry.field(description="四色警示（当前）/ Its risk colour as stored now.")
    listings: list[EntityGraphListing] = strawberry.field(
        description="当前所在名录（列入且未移出）/ The lists it stands on today (listed, not removed)."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, GraphEntity | EntityGraphEntity)


@strawberry.type(description="网图中的人员（不含身份证件号码）/ A person in the graph: a name and an opaque id only.")
class EntityGraphPerson(EntityGraphNode):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, GraphPerson | EntityGraphPerson)


@strawberry.type(description="网图中的连线：人员在主体中的角色 / A person's role in an entity.")
class EntityGraphEdge:
    person_id: strawberry.ID = strawberry.field(
        description="人员节点标识，与主体 persons 中的 personId 相同 / The person node's id, as in an entity's persons."
    )
    uscc: str = strawberry.field(description="主体节点的统一社会信用代码 / The entity node's USCC.")
    role: PersonRole = strawberry.field(description="角色 / Legal representative, shareholder or executive.")
    share_percent: Decimal | None = strawberry.field(description="出资比例（%）/ Share, percent; for shareholders.")
    title: str | None = strawberry.field(description="职务（董监高）/ Title, such as 董事长; for executives.")


@strawberry.type(
    description=(
        "网图：主体与人员，以法定代表人、股东、董监高关系相连；只含调用方可见的主体 / The network around one "
        "entity: entities and persons linked by role, only through entities the caller may see."
    )
)
class EntityGraph:
    uscc: str = strawberry.field(description="中心主体的统一社会信用代码 / The entity the graph is drawn around.")
    depth: int = strawberry.field(description="所查层数 / The hops asked for.")
    nodes: list[EntityGraphNode] = strawberry.field(
        description="节点，按发现先后（中心主体在前）/ Entities and persons, breadth-first, the centre first."
    )
    edges = strawberry.field(
        resolver=graph_resolvers.graph_edges,
        graphql_type=list[EntityGraphEdge],
        description="连线：人员 → 主体，附角色 / Links from persons to entities, with the role.",
    )
    truncated: bool = strawberry.field(
        description="是否因节点上限而截断 / Whether the graph was cut at the node (or link) limit."
    )
    omitted: int = strawberry.field(
        description=(
            "截断时未列出的已发现节点数（至少）/ Nodes found but left out where the graph was cut (at least this "
            "many: the search reads no further)."
        )
    )
    node_limit: int = strawberry.field(description="节点上限 / The most nodes a graph holds.")
