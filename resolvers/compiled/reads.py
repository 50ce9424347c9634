"""Compiled reads: a covered read operation answered by one SQL statement that returns its JSON.

`CompiledReads.answer` gives the response body, or None when the ordinary path must answer:
the document is not a valid read operation, a variable or an argument would be refused (the
ordinary path words the error), the caller is anonymous, or the planner does not cover a
field. Documents, plans and their refusals are cached per process, each cache bounded."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.types.arguments import convert_arguments

import schema as schema_module
from resolvers.compiled.dialects import Dialect, dialect_for
from resolvers.compiled.planner import Decline, Plan, strawberry_field_of
from resolvers.compiled.read_model import RELATIONS, Reader, Reading, person_keys
from schema import cost, read_text
from services.platform import access
from services.platform.bounded import Bounded
from services.platform.db import Database
from services.platform.principal import Principal, PrincipalKind

_log = logging.getLogger("jianguan.compiled")
DOCUMENTS = 512
PLANS = 2048
# What the caches keep stays small: a longer document, or variables that shape a statement
# beyond this, go the ordinary way (which caches neither).
MAX_QUERY = 16_000
MAX_SHAPING = 2_000


@dataclass
class Prepared:
    """A parsed and validated read operation, and what its plans learned about its variables."""

    key: tuple[str, str | None]  # its text and operation name, kept once for every plan's key
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    structural: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)
    # Whether the cost rule lets it run whatever its variables (schema.cost), learned once.
    always_allowed: bool | None = None

    def signature(self, variables: Mapping[str, Any]) -> tuple[Any, ...]:
        shaping = _frozen({name: variables.get(name) for name in sorted(self.structural)})
        nulls = tuple(sorted((name, variables.get(name) is None) for name in self.bound))
        return shaping, nulls

    def learn(self, plan: Plan) -> None:
        """What a plan read of the variables holds for the document's later requests."""
        self.structural |= plan.structural
        self.bound |= plan.bound


@dataclass(frozen=True)
class Compiled:
    sql: str
    parameters: tuple[str, ...]
    plan: Plan


_NOT_COVERED = object()


class CompiledReads:
    def __init__(self, db: Database, max_page_size: int) -> None:
        self.db = db
        self.strawberry_schema = schema_module.schema
        self.schema: GraphQLSchema = self.strawberry_schema._schema
        self.dialect: Dialect = dialect_for(db.engine.dialect)
        self.reading = Reading(max_page_size, self._converted)
        self.rules = [*specified_rules, *schema_module.LIMIT_RULES]
        self._documents: Bounded[tuple[str, str | None], Prepared | object] = Bounded(DOCUMENTS)
        self._plans: Bounded[tuple[Any, ...], Compiled | object] = Bounded(PLANS)

    async def answer(self, principal: Principal, body: object) -> bytes | None:
        """The response body for a covered read, else None."""
        if principal.kind in (PrincipalKind.ANONYMOUS, PrincipalKind.SYSTEM) or not isinstance(body, dict):
            return None
        query, name, given = body.get("query"), body.get("operationName"), body.get("variables")
        if not isinstance(query, str) or len(query) > MAX_QUERY or not (name is None or isinstance(name, str)):
            return None
        if given is not None and not isinstance(given, dict):
            return None
        if read_text.in_variables(given) is not None:
            return None  # text the rule refuses: the ordinary path words the refusal
        if body.get("extensions") is not None and not isinstance(body["extensions"], dict):
            return None  # the ordinary path refuses the request
        prepared = self._prepared(query, name)
        if prepared is None:
            return None
        coerced = get_variable_values(self.schema, prepared.operation.variable_definitions or (), given or {})
        if isinstance(coerced, list) or not self._allowed(prepared, coerced):
            return None
        compiled = self._compiled(prepared, principal, coerced)
        if compiled is None:
            return None
        try:
            values = {key: bind(coerced.coerced) for key, bind in compiled.plan.binders.items()}
        except Decline as reason:
            _log.debug("not compiled: %s", reason)
            return None
        data = await self._run(compiled, values)
        if compiled.plan.person_keys:
            data = person_keys(data, self.db.secret_key)
        return b'{"data":' + data.encode() + b"}"

    def _allowed(self, prepared: Prepared, variables: VariableValues) -> bool:
        """Whether the cost rule lets the operation run; if not, the ordinary path words the refusal."""
        if prepared.always_allowed is None:
            prepared.always_allowed = cost.allowed_whatever_the_variables(
                self.schema, prepared.operation, prepared.fragments, self.reading.max_page_size
            )
        if prepared.always_allowed:
            return True
        refused = cost.refusal(
            self.schema, prepared.operation, prepared.fragments, variables, self.reading.max_page_size
        )
        return refused is None

    def _prepared(self, query: str, name: str | None) -> Prepared | None:
        key = (query, name)
        found = self._documents.get(key)
        if found is None:
            found = self._prepare(query, name)
            self._documents.put(key, found)
        return found if isinstance(found, Prepared) else None

    def _prepare(self, query: str, name: str | None) -> Prepared | object:
        try:
            document: DocumentNode = parse(query, max_tokens=schema_module.MAX_TOKENS)
        except GraphQLError:
            return _NOT_COVERED
        if validate(self.schema, document, self.rules):
            return _NOT_COVERED
        # None for several operations and no name: the ordinary path answers OPERATION_NAME_REQUIRED.
        operation = get_operation_ast(document, name)
        if operation is None or operation.operation is not OperationType.QUERY or read_text.in_literals(document):
            return _NOT_COVERED
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        return Prepared((query, name), operation, fragments)

    def _compiled(self, prepared: Prepared, principal: Principal, variables: VariableValues) -> Compiled | None:
        signature = prepared.signature(variables.coerced)
        if len(signature[0]) > MAX_SHAPING:
            return None
        found = self._plans.get((prepared.key, principal, signature))
        if found is None:
            found, plan = self._compile(prepared, principal, variables)
            prepared.learn(plan)  # a declined plan too: its key says what its decision read
            self._plans.put((prepared.key, principal, prepared.signature(variables.coerced)), found)
        return found if isinstance(found, Compiled) else None

    def _compile(
        self, prepared: Prepared, principal: Principal, variables: VariableValues
    ) -> tuple[Compiled | object, Plan]:
        plan = Plan(self.dialect, access.restrict(principal, access.Action.READ), variables, prepared.fragments)
        reader = Reader(plan, self.reading)
        query_type = self.schema.query_type
        assert query_type is not None
        roots = RELATIONS["Query"]

        def root(name: str, field_def: GraphQLField, nodes: list[Any]) -> str:
            relation = roots.get(name)
            if relation is None:
                raise Decline(f"Query.{name}")
            return relation(reader, None, field_def, nodes)

        try:
            value = plan.object(query_type, plan.root_fields(query_type, prepared.operation.selection_set), root)
        except Decline as reason:
            _log.debug("not compiled: %s", reason)
            return _NOT_COVERED, plan
        # As text: the driver hands it over as it came, never decoded into Python objects.
        sql, parameters = self.dialect.placeholders(f"SELECT CAST({value} AS TEXT)")
        return Compiled(sql, parameters, plan), plan

    async def _run(self, compiled: Compiled, values: dict[str, Any]) -> str:
        return await self.db.fetch_text(compiled.sql, [values[name] for name in compiled.parameters])

    def _converted(self, field_def: GraphQLField, values: dict[str, Any]) -> dict[str, Any]:
        """Arguments as the resolver receives them (strawberry's input classes)."""
        return convert_arguments(
            values,
            strawberry_field_of(field_def).arguments,
            scalar_registry=self.strawberry_schema.schema_converter.scalar_registry,
            config=self.strawberry_schema.config,
        )


def _frozen(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


__all__ = ["CompiledReads"]
