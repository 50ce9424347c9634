"""主体网图: the entity network drawn for staff (services.analysis.graph), with the same data as tables.

The drawing is static/entity_graph.js, reading the graph from a JSON block in the page; the tables
under it carry everything the drawing shows, for readers without script and for screen readers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from models import MarketEntity
from services.analysis.graph import MAX_DEPTH, EntityGraph, GraphEntity, entity_graph
from services.platform.db import Database
from services.platform.errors import DomainError, Problem
from services.platform.labels import label


def _depth(raw: str | None) -> int:
    try:
        return int(raw or "1")
    except ValueError:
        return 0  # refused by the service, in its words


def _share(value: Decimal) -> str:
    """50.0000 as 50, 33.3300 as 33.33: never an exponent."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _drawing(graph: EntityGraph, page_url: Any) -> dict[str, Any]:
    """What the script draws: nodes with their layer and link, edges with their role."""
    nodes: list[dict[str, Any]] = []
    for node in graph.nodes:
        if isinstance(node, GraphEntity):
            nodes.append(
                {
                    "id": node.uscc,
                    "kind": "entity",
                    "name": node.name,
                    "hops": node.hops,
                    "colour": node.risk_colour.value,
                    "listed": [label(listing.kind) for listing in node.listings],
                    "href": page_url(node.uscc),
                }
            )
        else:
            nodes.append({"id": node.id, "kind": "person", "name": node.name, "hops": node.hops})
    edges = [{"source": link.person_id, "target": link.uscc, "role": label(link.role)} for link in graph.links]
    return {"centre": graph.uscc, "nodes": nodes, "edges": edges}


class EntityGraphView(CustomView):
    def __init__(self, db: Database) -> None:
        super().__init__(menu_label="主体网图", icon="fa fa-diagram-project", path="/entity-graph")
        # A session of its own: the opaque person ids are keyed with the app's secret, which the
        # admin's per-request sessions do not carry.
        self.db = db

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    @route("", name="entity-graph")
    async def index(self, request: Request) -> Response:
        params = request.query_params
        uscc = (params.get("uscc") or "").strip()
        depth = _depth(params.get("depth"))
        graph: EntityGraph | None = None
        problems: list[Problem] = []
        if uscc:
            try:
                async with self.db.session(principal_of_request(request)) as session:
                    graph = await entity_graph(session, uscc, depth)
            except DomainError as error:
                problems = error.problems
        base = request.url_for("admin:entity-graph")

        def page_url(code: str) -> str:
            return str(base.include_query_params(uscc=code, depth=depth))

        names = {node.id: node.name for node in graph.persons} if graph else {}
        entity_names = {node.uscc: node.name for node in graph.entities} if graph else {}
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="entity_graph.html",
            status_code=400 if problems else 200,
            context={
                "title": "主体网图",
                "uscc": uscc,
                "depth": depth if 1 <= depth <= MAX_DEPTH else 1,
                "depths": range(1, MAX_DEPTH + 1),
                "graph": graph,
                "problems": problems,
                "drawing": _drawing(graph, page_url) if graph else None,
                "page_url": page_url,
                "person_names": names,
                "entity_names": entity_names,
                "label": label,
                "share": _share,
            },
        )

    @route("/entity", name="entity-graph-entity")
    async def entity(self, request: Request) -> Response:
        """An entity's detail page by its code (the graph knows codes, the pages know ids)."""
        uscc = (request.query_params.get("uscc") or "").strip().upper()
        found = select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == uscc)  # the row policy applies
        entity_id = await request.state.session.scalar(found)
        if entity_id is None:
            return RedirectResponse(request.url_for("admin:entity-graph").include_query_params(uscc=uscc), 303)
        detail = request.url_for("admin:detail", key="market-entity").include_query_params(pk=entity_id)
        return RedirectResponse(detail, 303)
