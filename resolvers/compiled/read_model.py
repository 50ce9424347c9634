"""What the compiled path covers, and how each covered field is read.

A field without a resolver is the column of the same name (its type says how it is written).
A field with a resolver is covered only when it is named here, read by the same rule the
resolver's service uses: the services' own orders, filters and checks are imported, not
restated. Everything else declines, and strawberry answers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from graphql import FieldNode, GraphQLField, GraphQLObjectType, get_named_type
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import SQLModel

from models import Complaint, Department, EntityPerson, License, Listing, MarketEntity, Notice, Penalty, Region
from models.types import ScaledDecimal, UTCDateTime
from resolvers.compiled.dialects import quote_text
from resolvers.compiled.planner import Decline, Fields, Plan, Row, Var, named_type, strawberry_field_of
from resolvers.platform.by_name import from_input
from services.credit import listings as listing_service
from services.notices import notices as notice_service
from services.platform import paging
from services.platform.errors import DomainError
from services.platform.paging import cursor_bound, page_size
from services.records import records as record_service
from services.registry import persons as person_service
from services.registry import registry

# The GraphQL type each model is read as.
MODELS: dict[str, type[SQLModel]] = {
    "MarketEntity": MarketEntity,
    "EntityPerson": EntityPerson,
    "Department": Department,
    "Region": Region,
    "License": License,
    "Penalty": Penalty,
    "Complaint": Complaint,
    "Notice": Notice,
    "Listing": Listing,
}


@dataclass(frozen=True)
class Reading:
    """The settings a plan reads with."""

    max_page_size: int
    # Arguments as strawberry hands them to the field's resolver (input classes, enum members).
    argument_converter: Callable[[GraphQLField, dict[str, Any]], dict[str, Any]]


def _column_value(plan: Plan, row: Row, model: type[SQLModel], python_name: str, field_def: GraphQLField) -> str:
    table = model.__table__  # type: ignore[attr-defined]
    column = table.c.get(python_name)
    if column is None:
        raise Decline(f"{model.__name__}.{python_name} is not a column")
    ref = row.c(python_name)
    kind = column.type
    scalar = get_named_type(field_def.type).name
    dialect = plan.dialect
    if scalar == "ID":
        return dialect.id_text(ref)
    if isinstance(kind, ScaledDecimal):
        return dialect.decimal(ref, kind.places)
    if isinstance(kind, UTCDateTime):
        return dialect.datetime(ref)
    if isinstance(kind, sa.JSON) or isinstance(getattr(kind, "impl", None), sa.JSON):
        return dialect.json_column(ref)
    if isinstance(kind, sa.Boolean):
        return dialect.boolean(ref)
    if isinstance(kind, sa.Date):
        return dialect.date(ref)
    if scalar in ("String", "Boolean", "Int") or isinstance(kind, sa.Enum | sa.String | sa.Text):
        return ref
    raise Decline(f"{model.__name__}.{python_name}: {scalar}")


class Reader:
    """Reads the covered types for one plan."""

    def __init__(self, plan: Plan, reading: Reading) -> None:
        self.plan = plan
        self.reading = reading

    # -- objects ---------------------------------------------------------------------------------
    def object(self, object_type: GraphQLObjectType, fields: Fields, row: Row) -> str:
        model = MODELS.get(object_type.name)
        if model is None or model is not row.model:
            raise Decline(object_type.name)
        relations = RELATIONS.get(object_type.name, {})

        def value_of(name: str, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
            if name in relations:
                return relations[name](self, row, field_def, nodes)
            strawberry_field = strawberry_field_of(field_def)
            if strawberry_field.base_resolver is not None:
                raise Decline(f"{object_type.name}.{name} has a resolver")
            if any(node.arguments for node in nodes):
                raise Decline("arguments on a plain field")
            return _column_value(self.plan, row, model, strawberry_field.python_name, field_def)

        return self.plan.object(object_type, fields, value_of)

    def one(
        self, model: type[SQLModel], field_def: GraphQLField, nodes: list[FieldNode], key: Callable[[str], str]
    ) -> str:
        """A nullable object: the one row of `model` that `key` (SQL on the row's alias) and the
        row policy leave."""
        object_type = named_type(field_def.type)
        alias = self.plan.alias()
        row = Row(alias, model)
        fields = self.plan.subfields(object_type, nodes)
        value = self.object(object_type, fields, row)
        where = [*self.plan.where(model, alias, []), key(alias)]
        sql = f"SELECT {value} FROM {self.plan.source(model, alias)} WHERE {' AND '.join(where) or 'TRUE'}"
        return self.plan.dialect.nested(sql)

    def connection(
        self,
        model: type[SQLModel],
        field_def: GraphQLField,
        nodes: list[FieldNode],
        conditions: list[ColumnElement[bool]],
        correlated: Callable[[str], list[str]],
        order: list[tuple[str, bool]],
        cursor_kind: str,
        cursor_key: Callable[[Row], str],
        size: str,
        after: list[str] | None,
        has_previous: str | None = None,
    ) -> str:
        """A Relay connection of `model`'s rows in `order` (column, descending), as one subquery:
        the page read with one row more than asked for, then numbered and aggregated."""
        plan, dialect = self.plan, self.plan.dialect
        connection_type = named_type(field_def.type)
        inner, numbered, outer = plan.alias(), plan.alias("a"), plan.alias("q")
        row = Row(outer, model)
        edge_type = named_type(connection_type.fields["edges"].type)
        node_type = named_type(edge_type.fields["node"].type)
        page_info_type = named_type(connection_type.fields["pageInfo"].type)
        cursor = dialect.cursor(cursor_kind, cursor_key(row))
        last = dialect.least(f"{outer}._m", size)
        # Whether any field is an aggregate over the page (else no page is read: an aggregate
        # makes one row of none, a plain SELECT over no rows none).
        page_read = False

        def edge_value(name: str, field_def: GraphQLField, edge_nodes: list[FieldNode]) -> str:
            if name == "cursor":
                return cursor
            return self.object(node_type, plan.subfields(node_type, edge_nodes), row)

        def page_info_value(name: str, field_def: GraphQLField, info_nodes: list[FieldNode]) -> str:
            nonlocal page_read
            page_read = page_read or name != "hasPreviousPage"
            return {
                "hasNextPage": dialect.boolean(f"coalesce(max({outer}._m), 0) > {size}"),
                "hasPreviousPage": dialect.boolean(has_previous or ("TRUE" if after is not None else "FALSE")),
                "startCursor": f"max(CASE WHEN {outer}._n = 1 THEN {cursor} END)",
                "endCursor": f"max(CASE WHEN {outer}._n = {last} THEN {cursor} END)",
            }[name]

        def total() -> str:
            alias = plan.alias()
            where = plan.where(model, alias, conditions) + correlated(alias)
            return f"(SELECT count(*) FROM {plan.source(model, alias)} WHERE {' AND '.join(where) or 'TRUE'})"

        def connection_value(name: str, field_def: GraphQLField, parts: list[FieldNode]) -> str:
            nonlocal page_read
            if name == "edges":
                page_read = True
                edge = plan.object(edge_type, plan.subfields(edge_type, parts), edge_value)
                return dialect.filtered_array(edge, f"{outer}._n <= {size}", f"{outer}._n")
            if name == "pageInfo":
                return plan.object(page_info_type, plan.subfields(page_info_type, parts), page_info_value)
            if name == "totalCount":
                return total()
            raise Decline(name)

        value = plan.object(connection_type, plan.subfields(connection_type, nodes), connection_value)
        if not page_read:
            return dialect.nested(f"SELECT {value}")
        for column, _ in order:
            row.c(column)
        columns = ", ".join(f'{inner}."{column}"' for column in row.needed)
        keys = ", ".join(f'{inner}."{column}"{" DESC" if descending else ""}' for column, descending in order)
        renamed = ", ".join(f'{numbered}."{column}"{" DESC" if descending else ""}' for column, descending in order)
        where = plan.where(model, inner, conditions) + correlated(inner)
        if after is not None:
            where.append(_beyond(inner, order, after))
        page = (
            f"SELECT {columns} FROM {plan.source(model, inner)} WHERE {' AND '.join(where) or 'TRUE'} "
            f"ORDER BY {keys} LIMIT {size} + 1"
        )
        counted = (
            f"SELECT {numbered}.*, row_number() OVER (ORDER BY {renamed}) AS _n, count(*) OVER () AS _m "
            f"FROM ({page}) AS {numbered} ORDER BY {renamed}"
        )
        return dialect.nested(f"SELECT {value} FROM ({counted}) AS {outer}")

    def bound(self, given: Any, checked: Callable[[Any], str], kind: str = "text") -> str:
        """A value checked by a service's rule (a refusal declines): a literal now, a variable per request."""

        def check(value: Any) -> Any:
            try:
                text = checked(value)
            except DomainError as error:
                raise Decline("refused value") from error
            return int(text) if kind == "int" else text

        if isinstance(given, Var):
            name = given.name
            return self.plan.bind(lambda variables: check(variables.get(name)), kind)
        # Checked now, and bound like a variable's value: no caller's text is written into the SQL.
        value = check(given)
        return self.plan.bind(lambda variables: value, kind)

    def page_size(self, first: Any) -> str:
        """`first`, checked by the paging rule."""
        maximum = self.reading.max_page_size
        return self.bound(first, lambda given: str(page_size(given, maximum)), "int")


def _beyond(alias: str, order: list[tuple[str, bool]], bound: list[str]) -> str:
    """The rows past the cursor's key, by the paging module's seek rule (services.platform.paging)."""
    descending = order[0][1]
    columns = ", ".join(f'{alias}."{column}"' for column, _ in order)
    values = ", ".join(bound)
    if len(order) == 1:
        return f"{columns} {'<' if descending else '>'} {values}"
    return f"({columns}) {'<' if descending else '>'} ({values})"


# -- the registry ------------------------------------------------------------------------------


def _entity(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    code = reader.bound(reader.plan.argument(field_def, nodes[0], "uscc"), registry.entity_code)
    return reader.one(MarketEntity, field_def, nodes, lambda alias: f'{alias}."uscc" = {code}')


def _entity_list(reader: Reader, field_def: GraphQLField, nodes: list[FieldNode], flt: registry.EntityFilter) -> str:
    plan = reader.plan
    key = registry.ENTITY_KEY
    key_name = str(getattr(key, "key"))  # noqa: B009 - a mapped column's name
    size = reader.page_size(plan.argument(field_def, nodes[0], "first"))
    after = plan.argument(field_def, nodes[0], "after")
    bound = None
    if after is not None:
        bound = [reader.bound(after, lambda given: str(_only(cursor_bound(registry.ENTITY_CURSOR, key, given))))]
    try:
        conditions = registry.entity_conditions(flt)
    except DomainError as error:
        raise Decline("filter") from error
    return reader.connection(
        MarketEntity,
        field_def,
        nodes,
        conditions,
        lambda alias: [],
        [(key_name, False)],
        registry.ENTITY_CURSOR,
        lambda row: row.c(key_name),
        size,
        bound,
    )


def _only(values: tuple[Any, ...] | None) -> Any:
    assert values is not None and len(values) == 1
    return values[0]


def _entities(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    given = reader.plan.value(field_def, nodes[0], "filter")
    converted = reader.reading.argument_converter(field_def, {"filter": given})["filter"]
    try:
        flt = from_input(registry.EntityFilter, converted)
    except (DomainError, ValueError, TypeError) as error:
        raise Decline("filter") from error
    if flt.within_box is not None:
        # Its plan depends on how many entities the box holds (registry.box_reads), which one
        # cached statement cannot know: the service reads it.
        raise Decline("filter.withinBox")
    if flt.matter_code is not None:
        # An unknown code is refused (UNKNOWN_MATTER), which takes a lookup of the catalog that
        # one cached statement cannot make, for a matter that may be added later: the service reads it.
        raise Decline("filter.matterCode")
    return _entity_list(reader, field_def, nodes, flt)


def _region(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    return reader.one(Region, field_def, nodes, lambda alias: f'{alias}."code" = {row.c("region_code")}')


def _department(column: str) -> Relation:
    def read(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
        assert row is not None
        return reader.one(Department, field_def, nodes, lambda alias: f'{alias}."id" = {row.c(column)}')

    return read


def _list(model: type[SQLModel], order: Callable[[], Sequence[Any]]) -> Relation:
    """An entity's rows of `model` (under the row policy), as a list in the service's order."""

    def read(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
        assert row is not None
        plan, dialect = reader.plan, reader.plan.dialect
        inner, outer = plan.alias(), plan.alias("q")
        item_type = named_type(field_def.type)
        item = Row(outer, model)
        value = reader.object(item_type, plan.subfields(item_type, nodes), item)
        adapter = ClauseAdapter(model.__table__.alias(inner))  # type: ignore[attr-defined]
        keys = [_ordering(key) for key in order()]
        ranked = [f"{dialect.compiled(adapter.traverse(key))} AS _k{n}" for n, (key, _) in enumerate(keys)]
        columns = ", ".join([*(f'{inner}."{column}"' for column in item.needed), *ranked])
        inner_order = ", ".join(f"_k{n}{direction}" for n, (_, direction) in enumerate(keys))
        outer_order = ", ".join(f"{outer}._k{n}{direction}" for n, (_, direction) in enumerate(keys))
        where = [*plan.where(model, inner, []), f'{inner}."entity_id" = {row.c("id")}']
        rows = f"SELECT {columns} FROM {plan.source(model, inner)} WHERE {' AND '.join(where)} ORDER BY {inner_order}"
        return dialect.nested(f"SELECT {dialect.array(value, outer_order)} FROM ({rows}) AS {outer}")

    return read


def _ordering(key: Any) -> tuple[Any, str]:
    """An ORDER BY item of a service as the value it ranks by and its direction."""
    if hasattr(key, "__clause_element__"):  # a mapped attribute: its column
        key = key.__clause_element__()
    if getattr(key, "modifier", None) is operators.desc_op:
        return key.element, " DESC"
    return key, ""


def _records(model: type[License | Penalty | Complaint]) -> Relation:
    kind = record_service.CURSOR_KINDS[model]
    order = [(column.element.key, True) for column in record_service.newest_first(model)]

    def read(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
        assert row is not None
        plan, dialect = reader.plan, reader.plan.dialect
        size = reader.page_size(plan.argument(field_def, nodes[0], "first"))
        parent = row.c("id")
        after, has_previous = None, None
        cursor = plan.argument(field_def, nodes[0], "after")
        if cursor is not None:
            # The ordinary path pages the loaded list (paging.page_of_loaded): the rows after the
            # cursor's own row, none when that row is not the entity's, and a previous page
            # whenever the entity has any.
            at = reader.bound(cursor, lambda given: str(_row_id(paging.loaded_cursor_id(kind, given))), "int")
            alias = plan.alias()
            where = " AND ".join([*plan.where(model, alias, []), f'{alias}."entity_id" = {parent}'])
            found = f'FROM {plan.source(model, alias)} WHERE {alias}."id" = {at} AND {where}'
            after = [f'(SELECT {alias}."{column}" {found})' for column, _ in order]
            has_previous = f"EXISTS (SELECT 1 FROM {plan.source(model, alias)} WHERE {where})"
        return reader.connection(
            model,
            field_def,
            nodes,
            [],
            lambda alias: [f'{alias}."entity_id" = {parent}'],
            order,
            kind,
            lambda record: dialect.id_text(record.c("id")),
            size,
            after,
            has_previous,
        )

    return read


def _row_id(found: int | None) -> int:
    """A cursor's row id (paging.loaded_cursor_id has bounded it to the id column's range)."""
    if found is None:
        raise Decline("row id")
    return found


def _id(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    return reader.plan.dialect.id_text(row.c("id"))


def _long_term(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    long_term = quote_text(record_service.LONG_TERM.isoformat())
    return reader.plan.dialect.boolean(f"{row.c('valid_to')} = {long_term}")


def _colour(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    return row.c("risk_colour")


# A person's id is a keyed hash (services.registry.persons.person_key) the database cannot compute:
# the statement writes the row id behind a control character no stored text may hold
# (services.platform.checks), and the answer's text gets each one's key before it leaves.
_PERSON_MARK = "\x01person:"
_MARKED_PERSON = re.compile(r'"\\u0001person:([0-9]+)"')


def _person_key(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    reader.plan.person_keys = True
    return f"({quote_text(_PERSON_MARK)} || {reader.plan.dialect.id_text(row.c('person_id'))})"


def person_keys(answer: str, secret_key: str) -> str:
    """The answer with each marked person row id replaced by the person's key."""
    return _MARKED_PERSON.sub(
        lambda found: json.dumps(person_service.person_key(secret_key, int(found.group(1)))), answer
    )


def _scope_codes(reader: Reader, row: Row | None, field_def: GraphQLField, nodes: list[FieldNode]) -> str:
    assert row is not None
    return reader.plan.dialect.json_column(row.c("scope_entry_codes"))


Relation = Callable[[Reader, Row | None, GraphQLField, list[FieldNode]], str]

RELATIONS: Mapping[str, Mapping[str, Relation]] = {
    # searchEntities is not here: its ranked pages are read rank by rank (services.registry.search).
    "Query": {"entity": _entity, "entities": _entities},
    "MarketEntity": {
        "registrationAuthority": _department("registration_authority_id"),
        "region": _region,
        "persons": _list(EntityPerson, lambda: person_service.PERSON_ORDER),
        "notices": _list(Notice, lambda: [notice_service.ENTITY_NOTICE_ORDER]),
        "listings": _list(Listing, listing_service.newest_listings_first),
        "licenses": _records(License),
        "penalties": _records(Penalty),
        "complaints": _records(Complaint),
        "colour": _colour,
        "businessScopeCodes": _scope_codes,
    },
    "EntityPerson": {"personId": _person_key},
    "Department": {"region": _region},
    "License": {"sourceDepartment": _department("source_department_id"), "longTerm": _long_term},
    "Penalty": {"sourceDepartment": _department("source_department_id")},
    "Complaint": {"sourceDepartment": _department("source_department_id")},
    "Notice": {"id": _id, "department": _department("department_id")},
    "Listing": {
        "id": _id,
        "department": _department("department_id"),
        "removedBy": _department("removed_by_department_id"),
    },
}
