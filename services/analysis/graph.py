"""网图: the entity network around one entity, as far as the caller may see it.

Depth counts hops from the entity. A hop goes from an entity to a person with a role in it (legal
representative, shareholder, executive) and on to another entity in which that person has a role.
`depth` n (1 to MAX_DEPTH) shows the entities within n hops, the persons of every entity within
n − 1 hops, and every role linking two shown nodes; an entity at the last hop shows only its links
to persons already in the graph (its other persons are one hop further).

The search is breadth-first and set-based: two statements per hop (the persons of the entities
reached last, then the other entities of those persons), one for the root and one for the
listings, whatever the graph's size. It stops at MAX_NODES nodes (and MAX_EDGES links) and says
so (`truncated`, with how many found nodes it left out: at least that many, as it reads no
further). Every statement goes through the row policy (services.platform.access): an entity the
caller may not see is neither shown nor traversed, so a district department never reaches
another district's entity, nor anything beyond it; a person is shown only through a visible entity.

A person with no identity number is a person of one entity (services.registry.persons makes a
new one per entity), so it is never followed to another. A person appears by name (from their
earliest registered role the caller may see) and an opaque id: a keyed hash of the database id,
stable while the app's secret key is, and telling nothing of the identity number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import EntityPerson, Listing, MarketEntity, Person
from models.enums import EntityStatus, ListingKind, PersonRole, RiskColour
from services.credit.listing_rules import standing_on
from services.platform.access import Operation, principal_of, require, seeing_all
from services.platform.clock import today
from services.platform.db import secret_key_of
from services.platform.errors import Collector, DomainError
from services.registry.persons import person_key
from services.registry.reach import missing_entity
from services.registry.uscc import CheckedCode, checked_uscc

MAX_DEPTH = 3
# The hops shown when the caller names none (or sends null): the entity, its persons and their other entities.
DEFAULT_DEPTH = 1
# Enough for a group of companies and its people on one screen; a larger graph is unreadable anyway.
MAX_NODES = 200
# Links among the shown nodes: a shown entity has at most 101 persons (MAX_PERSONS + 1), so a
# dense graph could have far more than a reader can follow.
MAX_EDGES = 800
# Rows one statement may read: a person with a role in thousands of entities must not make a
# slow query; past it, the graph is cut like at MAX_NODES.
MAX_LINK_ROWS = 5_000

_ROLE_RANK = {PersonRole.LEGAL_REPRESENTATIVE: 0, PersonRole.SHAREHOLDER: 1, PersonRole.EXECUTIVE: 2}


@dataclass(frozen=True)
class GraphListing:
    kind: ListingKind
    listed_on: date


@dataclass
class GraphEntity:
    uscc: str
    name: str
    status: EntityStatus
    region_code: str
    risk_colour: RiskColour
    hops: int  # from the entity the graph is drawn around
    listings: list[GraphListing] = field(default_factory=list)


@dataclass
class GraphPerson:
    id: str  # opaque, see person_key
    name: str
    hops: int  # the hop on which the person leads on (1: a person of the entity itself)


@dataclass(frozen=True)
class GraphLink:
    person_id: str
    uscc: str
    role: PersonRole
    share_percent: Decimal | None
    title: str | None


@dataclass
class EntityGraph:
    uscc: str
    depth: int
    nodes: list[GraphEntity | GraphPerson]  # breadth-first: the entity first
    links: list[GraphLink]
    truncated: bool
    omitted: int  # nodes found but left out when the graph was cut (at least that many)
    node_limit: int

    @property
    def entities(self) -> list[GraphEntity]:
        return [node for node in self.nodes if isinstance(node, GraphEntity)]

    @property
    def persons(self) -> list[GraphPerson]:
        return [node for node in self.nodes if isinstance(node, GraphPerson)]


@dataclass(frozen=True)
class _Link:
    id: int
    entity_id: int
    person_id: int
    role: PersonRole
    name: str
    share_percent: Decimal | None
    title: str | None
    matchable: bool  # the person has an identity number, so may have roles elsewhere


_LINK_COLUMNS = (
    col(EntityPerson.id),
    col(EntityPerson.entity_id),
    col(EntityPerson.person_id),
    col(EntityPerson.role),
    col(EntityPerson.name),
    col(EntityPerson.share_percent),
    col(EntityPerson.title),
    col(Person.id_number_hash).is_not(None),
)
_ENTITY_COLUMNS = (
    col(MarketEntity.id),
    col(MarketEntity.uscc),
    col(MarketEntity.name),
    col(MarketEntity.status),
    col(MarketEntity.region_code),
    col(MarketEntity.risk_colour),
)


def _link(row: Sequence[Any]) -> _Link:
    return _Link(*row)


def _check(uscc: str, depth: int) -> CheckedCode:
    problems = Collector()
    if not 1 <= depth <= MAX_DEPTH:
        problems.add("INVALID_DEPTH", f"层数应为 1 到 {MAX_DEPTH}，给出的是 {depth}", "depth")
    checked = checked_uscc(uscc, problems)
    problems.raise_if_any()
    return checked


class _Search:
    """The graph as found so far, in the order found."""

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        self.entities: dict[int, GraphEntity] = {}
        self.persons: dict[int, GraphPerson] = {}
        self.person_names: dict[int, tuple[int, str]] = {}  # the earliest link's id and name
        self.nodes: list[GraphEntity | GraphPerson] = []
        self.links: dict[int, _Link] = {}
        self.truncated = False
        self.omitted = 0

    def room(self) -> int:
        return MAX_NODES - len(self.nodes)

    def add_entity(self, entity_id: int, row: Sequence[Any], hops: int) -> None:
        node = GraphEntity(uscc=row[1], name=row[2], status=row[3], region_code=row[4], risk_colour=row[5], hops=hops)
        self.entities[entity_id] = node
        self.nodes.append(node)

    def add_person(self, person_id: int, hops: int) -> None:
        node = GraphPerson(person_key(self.secret_key, person_id), "", hops)
        self.persons[person_id] = node
        self.nodes.append(node)

    def note(self, links: Sequence[_Link]) -> None:
        for link in links:
            self.links[link.id] = link
            earliest = self.person_names.get(link.person_id)
            if earliest is None or link.id < earliest[0]:
                self.person_names[link.person_id] = (link.id, link.name)

    def cut(self, left_out: int) -> None:
        self.truncated = True
        self.omitted += left_out


# Each statement joins the roles to their entities, whose own row policy (the caller's regions)
# decides what is seen. The roles' policy says the same again as an IN over every entity of those
# regions, which the planner may build in full per statement: left out, for these reads only.
_VISIBLE_THROUGH_ENTITY = seeing_all(EntityPerson)


async def _links(session: AsyncSession, *where: Any) -> list[_Link]:
    rows = await session.execute(
        sa_select(*_LINK_COLUMNS)
        .join(Person, col(Person.id) == col(EntityPerson.person_id))
        .join(MarketEntity, col(MarketEntity.id) == col(EntityPerson.entity_id))
        .where(*where)
        .order_by(col(EntityPerson.id))
        .limit(MAX_LINK_ROWS + 1)
        .execution_options(**_VISIBLE_THROUGH_ENTITY)
    )
    return [_link(row) for row in rows.all()]


async def _persons_of(session: AsyncSession, search: _Search, frontier: list[int], hops: int) -> list[int]:
    """The persons of the entities reached last that are new to the graph, as many as fit."""
    links = await _links(session, col(EntityPerson.entity_id).in_(frontier))
    if len(links) > MAX_LINK_ROWS:
        links = links[:MAX_LINK_ROWS]
        search.truncated = True
    place = {entity_id: index for index, entity_id in enumerate(frontier)}
    links.sort(key=lambda link: (place[link.entity_id], _ROLE_RANK[link.role], link.id))
    search.note(links)
    new = list(dict.fromkeys(link.person_id for link in links if link.person_id not in search.persons))
    matchable = {link.person_id for link in links if link.matchable}
    shown = new[: search.room()]
    if len(shown) < len(new):
        search.cut(len(new) - len(shown))
    for person_id in shown:
        search.add_person(person_id, hops)
    return [person_id for person_id in shown if person_id in matchable]


async def _entities_of(session: AsyncSession, search: _Search, persons: list[int], hops: int) -> list[int]:
    """The other entities of these persons that are new to the graph, as many as fit, in USCC order."""
    if not persons:
        return []
    rows = await session.execute(
        sa_select(*_LINK_COLUMNS, *_ENTITY_COLUMNS)
        .join(Person, col(Person.id) == col(EntityPerson.person_id))
        .join(MarketEntity, col(MarketEntity.id) == col(EntityPerson.entity_id))
        .where(col(EntityPerson.person_id).in_(persons))
        .order_by(col(MarketEntity.uscc), col(EntityPerson.id))
        .limit(MAX_LINK_ROWS + 1)
        .execution_options(**_VISIBLE_THROUGH_ENTITY)
    )
    found = rows.all()
    if len(found) > MAX_LINK_ROWS:
        found = found[:MAX_LINK_ROWS]
        search.truncated = True
    width = len(_LINK_COLUMNS)
    search.note([_link(row[:width]) for row in found])
    new: dict[int, Sequence[Any]] = {}
    for row in found:
        entity: Sequence[Any] = row[width:]
        if entity[0] not in search.entities:
            new.setdefault(entity[0], entity)
    shown = list(new)[: search.room()]
    if len(shown) < len(new):
        search.cut(len(new) - len(shown))
    for entity_id in shown:
        search.add_entity(entity_id, new[entity_id], hops)
    return shown


async def _listings(session: AsyncSession, search: _Search) -> None:
    """The lists each shown entity stands on today (经营异常名录, 严重违法失信名单)."""
    rows = await session.execute(
        sa_select(col(Listing.entity_id), col(Listing.kind), col(Listing.listed_on))
        .where(col(Listing.entity_id).in_(list(search.entities)), standing_on(today()))
        .order_by(col(Listing.listed_on), col(Listing.id))
    )
    for entity_id, kind, listed_on in rows.all():
        search.entities[entity_id].listings.append(GraphListing(kind, listed_on))


def _graph_links(search: _Search) -> list[GraphLink]:
    """Every role linking two shown nodes, by entity in the order found, then as registered."""
    place = {entity_id: index for index, entity_id in enumerate(search.entities)}
    shown = sorted(
        (link for link in search.links.values() if link.entity_id in place and link.person_id in search.persons),
        key=lambda link: (place[link.entity_id], _ROLE_RANK[link.role], link.id),
    )
    if len(shown) > MAX_EDGES:
        search.truncated = True
        shown = shown[:MAX_EDGES]
    return [
        GraphLink(
            search.persons[link.person_id].id,
            search.entities[link.entity_id].uscc,
            link.role,
            link.share_percent,
            link.title,
        )
        for link in shown
    ]


async def entity_graph(session: AsyncSession, uscc: str, depth: int | None = None) -> EntityGraph:
    """The network around the entity with this code, `depth` hops deep (DEFAULT_DEPTH when None; see the
    module's text). INVALID_DEPTH or INVALID_USCC before any SQL; UNKNOWN_ENTITY for an entity the caller
    cannot see."""
    require(principal_of(session), Operation.ENTITY_GRAPH)
    if depth is None:
        depth = DEFAULT_DEPTH
    checked = _check(uscc, depth)
    root = (await session.execute(sa_select(*_ENTITY_COLUMNS).where(col(MarketEntity.uscc) == checked.code))).first()
    if root is None:
        raise DomainError.many([missing_entity(checked)])
    search = _Search(secret_key_of(session))
    root_id = root[0]
    assert root_id is not None
    search.add_entity(root_id, root, 0)
    frontier = [root_id]
    for hops in range(1, depth + 1):
        persons = await _persons_of(session, search, frontier, hops)
        if search.truncated:
            break
        frontier = await _entities_of(session, search, persons, hops)
        if search.truncated or not frontier:
            break
    for person_id, node in search.persons.items():
        node.name = search.person_names[person_id][1]
    links = _graph_links(search)
    await _listings(session, search)
    return EntityGraph(checked.code, depth, search.nodes, links, search.truncated, search.omitted, MAX_NODES)
