"""From a validated operation to one SQL statement that returns its `data` as JSON.

The planner walks the selection with the schema's types. Each covered field of each covered
type says, in resolvers.compiled.read_model, how its value is read; everything else raises
`Decline`, and the request goes the ordinary way (strawberry), which is always right. Every
table is read through `Plan.source`, which adds the caller's row policy from
services.platform.access: the compiled path has no access rule of its own.

A plan is made once per document, operation, principal and the variables that shape the
statement; the values that do not shape it (an entity's code, a page size, a cursor) are
bound per request by the plan's parameter functions."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import SQLModel

from resolvers.compiled.dialects import MAX_KEYS, Dialect, quote_text

Fields = dict[str, list[FieldNode]]


class Decline(Exception):
    """The planner does not cover this request; strawberry answers it."""


@dataclass(frozen=True)
class Var:
    """An argument given by a variable that does not shape the statement: bound per request."""

    name: str


Binder = Callable[[Mapping[str, Any]], Any]


class Row:
    """Columns of one row source, by alias; a derived table records which columns it must select."""

    def __init__(self, alias: str, model: type[SQLModel]) -> None:
        self.alias = alias
        self.model = model
        self.needed: dict[str, None] = {}

    def c(self, column: str) -> str:
        self.needed[column] = None
        return f'{self.alias}."{column}"'


@dataclass
class Plan:
    """What the statement needs while it is being built, and what it binds per request."""

    dialect: Dialect
    policy: Mapping[type[SQLModel], ColumnElement[bool]]
    variables: VariableValues
    fragments: Mapping[str, FragmentDefinitionNode]
    binders: dict[str, Binder] = field(default_factory=dict)
    # The variables the statement was shaped by (their values), and those bound per request
    # (only whether they were null): a request that agrees on both can reuse the plan.
    structural: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)
    # Whether the answer holds person ids the database wrote as marked row ids (read_model.person_keys).
    person_keys: bool = False
    _names: itertools.count[int] = field(default_factory=itertools.count)

    # -- names and parameters ------------------------------------------------------------------
    def alias(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self._names)}"

    def bind(self, binder: Binder, kind: str = "text") -> str:
        """A parameter whose value `binder` computes from the request's variables; it may
        raise Decline (an invalid value, whose error the ordinary path words)."""
        name = f"p{next(self._names)}"
        self.binders[name] = binder
        return self.dialect.int_param(name) if kind == "int" else self.dialect.text_param(name)

    def argument(self, field_def: GraphQLField, node: FieldNode, name: str) -> Any:
        """An argument's value: a Var when a variable alone gives it a value (bound per request;
        only its null-ness shapes the statement), else its value, which shapes the statement."""
        for argument in node.arguments or ():
            if argument.name.value == name and isinstance(argument.value, VariableNode):
                variable = argument.value.name.value
                self.bound.add(variable)
                if self.variables.coerced.get(variable) is not None:
                    return Var(variable)
        return self.value(field_def, node, name)

    def value(self, field_def: GraphQLField, node: FieldNode, name: str) -> Any:
        """An argument's value, written into the statement: every variable in it, however deep
        in an input object, shapes the statement (and keys the plan)."""
        for argument in node.arguments or ():
            if argument.name.value == name:
                self.structural.update(_variables_in(argument.value))
        try:
            return _argument_values(field_def, node, self.variables).get(name)
        except GraphQLError as error:  # a null where none may be: the ordinary path says so
            raise Decline("argument") from error

    # -- rows -----------------------------------------------------------------------------------
    def where(self, model: type[SQLModel], alias: str, conditions: list[ColumnElement[bool]]) -> list[str]:
        """SQL conditions on `model` read as `alias`: the caller's row policy first, then `conditions`."""
        table = model.__table__  # type: ignore[attr-defined]
        adapter = ClauseAdapter(table.alias(alias))
        rule = self.policy.get(model)
        every = ([rule] if rule is not None else []) + conditions
        return [f"({self.dialect.compiled(adapter.traverse(condition))})" for condition in every]

    def source(self, model: type[SQLModel], alias: str) -> str:
        return f'"{model.__tablename__}" AS {alias}'

    # -- selections -----------------------------------------------------------------------------
    def subfields(self, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> Fields:
        collected: Fields = {}
        for node in nodes:
            if node.selection_set is not None:
                self._collect(object_type, node.selection_set, collected)
        return collected

    def root_fields(self, object_type: GraphQLObjectType, selection_set: SelectionSetNode) -> Fields:
        collected: Fields = {}
        self._collect(object_type, selection_set, collected)
        return collected

    def _collect(self, object_type: GraphQLObjectType, selection_set: SelectionSetNode, into: Fields) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                into.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is not None and condition.name.value != object_type.name:
                    raise Decline("fragment on another type")
                self._collect(object_type, selection.selection_set, into)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                if fragment.type_condition.name.value != object_type.name:
                    raise Decline("fragment on another type")
                self._collect(object_type, fragment.selection_set, into)

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("include", "skip"):
                raise Decline(f"directive @{name}")
            value = directive.arguments[0].value
            if isinstance(value, VariableNode):
                self.structural.add(value.name.value)
                given = self.variables.coerced.get(value.name.value)
                if given is None:  # a null `if`: the ordinary path refuses it
                    raise Decline("null directive argument")
                flag = bool(given)
            elif isinstance(value, BooleanValueNode):
                flag = value.value
            else:
                raise Decline("directive argument")
            if flag != (name == "include"):
                return False
        return True

    # -- objects --------------------------------------------------------------------------------
    def object(self, object_type: GraphQLObjectType, fields: Fields, value_of: FieldReader) -> str:
        """A JSON object of the selected fields, in the order they were asked for."""
        pairs: list[tuple[str, str]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs.append((key, quote_text(object_type.name)))
                continue
            field_def = object_type.fields.get(name)
            if field_def is None:
                raise Decline(f"{object_type.name}.{name}")
            pairs.append((key, value_of(name, field_def, nodes)))
        if len(pairs) > MAX_KEYS:
            raise Decline("object size")
        return self.dialect.object(pairs)


FieldReader = Callable[[str, GraphQLField, list[FieldNode]], str]


def _variables_in(value: ValueNode) -> set[str]:
    if isinstance(value, VariableNode):
        return {value.name.value}
    if isinstance(value, ObjectValueNode):
        return set().union(*(_variables_in(part.value) for part in value.fields))
    if isinstance(value, ListValueNode):
        return set().union(*(_variables_in(item) for item in value.values))
    return set()


def _argument_values(field_def: GraphQLField, node: FieldNode, variables: VariableValues) -> dict[str, Any]:
    return get_argument_values(field_def, node, variables)


def strawberry_field_of(field_def: GraphQLField) -> Any:
    """The strawberry field behind a GraphQL field (its resolver, its arguments' types)."""
    found = field_def.extensions.get("strawberry-definition")
    if found is None:
        raise Decline("no strawberry field")
    return found


def named_type(output: GraphQLOutputType) -> GraphQLObjectType:
    """The object type under NonNull and List wrappers; Decline for anything else."""
    while isinstance(output, GraphQLNonNull | GraphQLList):
        output = output.of_type
    if not isinstance(output, GraphQLObjectType):
        raise Decline("not an object type")
    return output
