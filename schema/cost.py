"""What an operation may cost before it runs: page sizes multiplied through nested lists, and
the input it carries. Both paths (strawberry's and the compiled reads) refuse by this one rule.

Every field costs 1, a few costly ones more (FIELD_WEIGHTS). A connection (a `…Connection` type)
multiplies what is selected inside it by its page size: `first` as given (as a literal or a
variable), else the default page size. A list of records that is not paged multiplies by what it
can hold at most: LIST_BOUNDS where the service that stores it enforces a bound (an entity's
`persons`: MAX_PERSONS + 1; an assessment's reasons: one per rule), else LIST_SIZE. Every list item
and every input field an argument carries (given, not null) costs 1 more, so a variable holding ten
thousand persons is as costly as it is. Introspection (`__schema`, `__type`) is bounded by the schema itself and
costs 1.

Before the cost, one bound that needs no estimate: no list given as input holds more than
MAX_INPUT_LIST items (INPUT_LIST_TOO_LONG)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from services.analysis.graph import MAX_EDGES, MAX_NODES
from services.credit.risk_rules import RULES
from services.platform.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from services.registry.persons import MAX_PERSONS

# The most an operation may cost. The clients' and benchmarks' reads cost up to a few thousand (a
# page of 20 entities with their licences: 1,348; with their persons: 6,200). A page of 100 entities
# with their persons, notices, colour reasons, discipline and licences costs 49,201, one of 80 about
# 39,400; fifteen of 100 (738,000) held one worker's event loop for seconds. Nine pages of 100 entities
# with 999 persons each built an 83 MB answer in 18.6 s when persons counted as 20; counted as the 101
# they may be, a page of 100 entities with their persons costs 51,109, one of 70 about 35,800. At 50,000,
# four such pages at once (on entities holding every person they may) held /healthz for up to 1.8 s on
# 2 cores, and at 40,000 still up to 1.9 s at a load average of 5 (tests/test_healthz_under_load.py):
# the limit bounds each answer (about 0.7 MB), not yet how long the ordinary path holds the loop.
MAX_COST = 40_000
# The assumed size of a list of records that is not paged and has no bound of its own.
LIST_SIZE = 20
# Unpaged lists whose size is bounded where they are stored, counted by that bound: (type, field).
LIST_BOUNDS: dict[tuple[str, str], int] = {
    # The legal representative, then the shareholders and executives a registration may name.
    ("MarketEntity", "persons"): MAX_PERSONS + 1,
    # At most one reason per rule that holds.
    ("RiskAssessment", "reasons"): len(RULES),
    # 网图 stops at its node and link limits.
    ("EntityGraph", "nodes"): MAX_NODES,
    ("EntityGraph", "edges"): MAX_EDGES,
}
# Fields that cost far more than what they select, by their own weight on top: (type, field). 统计分析
# runs a dozen grouped statements over up to three years of records (1-2 s at a million entities):
# at a quarter of MAX_COST, one operation asks for it at most three times (aliases), whatever else it selects.
FIELD_WEIGHTS: dict[tuple[str, str], int] = {
    ("Query", "statistics"): MAX_COST // 4,
}
# No list given as input holds more: a registration's persons, a list of codes, import rows.
MAX_INPUT_LIST = 1_000
COSTLY = "QUERY_TOO_COSTLY"
LIST_TOO_LONG = "INPUT_LIST_TOO_LONG"


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    extensions: dict[str, Any]

    def error(self) -> GraphQLError:
        return GraphQLError(self.message, extensions={"code": self.code, **self.extensions})


class _ListTooLong(Exception):
    def __init__(self, argument: str, length: int) -> None:
        self.argument, self.length = argument, length


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection") and "edges" in named.fields


def _is_list(kind: GraphQLOutputType) -> bool:
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


def _input_size(value: Any, argument: str) -> int:
    """Items and fields an argument's value carries; _ListTooLong past MAX_INPUT_LIST."""
    if isinstance(value, list | tuple):
        if len(value) > MAX_INPUT_LIST:
            raise _ListTooLong(argument, len(value))
        return len(value) + sum(_input_size(item, argument) for item in value)
    if isinstance(value, Mapping):
        # Only the fields given: an optional field left out comes coerced as its default (null), and
        # counting it would raise every caller's cost each time the schema gains one.
        given = [item for item in value.values() if item is not None]
        return len(given) + sum(_input_size(item, argument) for item in given)
    # An input already converted (not an enum's member, whose attributes are the enum's own).
    if hasattr(value, "__dict__") and not isinstance(value, type | Enum):
        return _input_size(vars(value), argument)
    return 0


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # A page is never larger (PAGE_SIZE_EXCEEDED refuses more), so a larger `first` is counted
        # as this much: the page-size error, not the cost one, is what the caller must fix.
        self.max_page_size = max_page_size
        # Without variables: each page size a variable gives counts as the largest page.
        self.worst = variables is None

    def selections(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(inner or parent, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation refuses both
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selections(inner or parent, fragment.selection_set, seen | {name})
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, seen: frozenset[str]) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", {})
        if name.startswith("__") or name not in fields:
            return 1
        definition: GraphQLField = fields[name]
        arguments = self.arguments(definition, node)
        cost = 1 + FIELD_WEIGHTS.get((parent.name, name), 0)
        cost += sum(_input_size(value, f"{name}.{key}") for key, value in arguments.items())
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return cost
        inner = self.selections(named, node.selection_set, seen)
        if _is_connection(named):
            first = arguments.get("first")
            if self.worst:  # read from the document: another argument's variable may have hidden it
                given = {argument.name.value: argument.value for argument in node.arguments or ()}
                literal = given.get("first")
                if isinstance(literal, VariableNode):
                    first = self.max_page_size
                elif isinstance(literal, IntValueNode):
                    first = int(literal.value)
            size = DEFAULT_PAGE_SIZE if not isinstance(first, int) or first < 1 else min(first, self.max_page_size)
            return cost + size * inner
        if _is_list(definition.type) and not _is_connection(parent):  # a connection's edges are its page
            return cost + LIST_BOUNDS.get((parent.name, name), LIST_SIZE) * inner
        return cost + inner

    def arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        if not definition.args:
            return {}
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return {}  # execution refuses the argument, in its own words


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues | None,
    max_page_size: int = MAX_PAGE_SIZE,
) -> int:
    """The operation's cost, with its variables as coerced; _ListTooLong for a too long input list."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walk = _Walk(schema, fragments, variables, max_page_size)
    return walk.selections(root, operation.selection_set, frozenset())


def allowed_whatever_the_variables(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    max_page_size: int = MAX_PAGE_SIZE,
) -> bool:
    """Whether no variables can make the operation refused: it fits with every page size a variable
    gives at its largest, and no variable holds a list or an input object (whose size would count).
    Then the compiled read path need not count it again per request."""
    for definition in operation.variable_definitions or ():
        kind = definition.type.type if isinstance(definition.type, NonNullTypeNode) else definition.type
        if not isinstance(kind, NamedTypeNode) or not is_leaf_type(schema.get_type(kind.name.value)):
            return False
    try:
        return operation_cost(schema, operation, fragments, None, max_page_size) <= MAX_COST
    except _ListTooLong:
        return False


def refusal(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues | None,
    max_page_size: int = MAX_PAGE_SIZE,
) -> Refusal | None:
    """Why the operation must not run (too costly, an input list too long), or None; a page is
    counted up to `max_page_size`, the served settings' largest page."""
    try:
        cost = operation_cost(schema, operation, fragments, variables, max_page_size)
    except _ListTooLong as long:
        message = f"输入列表过长：{long.argument} 有 {long.length} 项，最多 {MAX_INPUT_LIST} 项"
        return Refusal(LIST_TOO_LONG, message, {"field": long.argument, "maximum": MAX_INPUT_LIST})
    if cost > MAX_COST:
        message = f"查询代价过高：估算代价 {cost}，最多 {MAX_COST}；请减小 first、嵌套列表或别名数量"
        return Refusal(COSTLY, message, {"cost": cost, "maximum": MAX_COST})
    return None


def fragments_of(definitions: Any) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
