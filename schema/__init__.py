"""The GraphQL schema with its security extensions."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, ExecutionResult, GraphQLError
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.types import ExecutionContext
from strawberry.types import ExecutionResult as Answer
from strawberry.types.graphql import OperationType

from schema import cost
from schema.analysis.graph import EntityGraphEntity, EntityGraphPerson
from schema.request_rules import NoAnonymousIntrospection, OneOperation, ReadText
from schema.root import Mutation, Query, Subscription
from services.platform.db import unavailable
from services.platform.errors import DATABASE_UNAVAILABLE, DomainError
from services.platform.paging import MAX_PAGE_SIZE

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 15
INTERNAL_ERROR_MESSAGE = "服务器内部错误，请稍后重试"


_log = logging.getLogger("jianguan.database")


def _unexpected(error: GraphQLError) -> bool:
    """Mask only errors that did not come from our own rules or from validation, nor from a
    database out of reach (worded as DATABASE_UNAVAILABLE by resolvers.http.shape_error)."""
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError) and not unavailable(original)


class JianguanSchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> Answer:
        # A subscription runs over the websocket (subscribe): executed once over HTTP, its resolver
        # would give no event and the answer would be an internal error. Refused here; the HTTP
        # view words the refusal (SUBSCRIPTION_NEEDS_WEBSOCKET).
        allowed = set(allowed_operation_types or (OperationType.QUERY, OperationType.MUTATION))
        allowed.discard(OperationType.SUBSCRIPTION)
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed, operation_extensions
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected failures (our rules, validation) are answers, not incidents: log only the rest.
        # A database out of reach is an incident of its own, one line, not a traceback per field.
        lost = [e for e in errors if e.original_error is not None and unavailable(e.original_error)]
        if lost:
            _log.warning("%s：%s", DATABASE_UNAVAILABLE.message, lost[0].original_error)
        super().process_errors([e for e in errors if _unexpected(e)], execution_context)


# The rule classes are made once: strawberry's ValidationCache keys on the rules,
# and the stock limiters make new classes per request, so nothing would ever hit.
LIMIT_RULES: list[type[ASTValidationRule]] = [
    query_depth_limiter.create_validator(MAX_DEPTH, should_ignore=None),
    max_aliases.create_validator(MAX_ALIASES),
]


class LimitRules(AddValidationRules):
    """Depth and alias limits (strawberry's QueryDepthLimiter and MaxAliasesLimiter rules)."""

    def __init__(self) -> None:
        super().__init__(LIMIT_RULES)


class CostLimit(SchemaExtension):
    """The cost rule (schema.cost), after validation and with the variables coerced: a page size
    or a list given as a variable counts as much as one written in the document."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None and not context.result:
            graphql_schema = context.schema._schema
            coerced = get_variable_values(graphql_schema, operation.variable_definitions or (), context.variables or {})
            if not isinstance(coerced, list):  # else execution refuses the variables, in its own words
                fragments = cost.fragments_of(document.definitions)
                # The served settings' largest page (the request's Context carries them).
                settings = getattr(context.context, "settings", None)
                largest = getattr(settings, "max_page_size", MAX_PAGE_SIZE)
                refused = cost.refusal(graphql_schema, operation, fragments, coerced, largest)
                if refused is not None:
                    context.result = ExecutionResult(data=None, errors=[refused.error()])
        yield


def build(production: bool, introspection: bool = True) -> strawberry.Schema:
    """The schema as served; `introspection` False refuses __schema and __type to anonymous callers."""
    return _build(production, introspection)


# Building a schema takes a tenth of a second or more, and it depends on these two flags alone (the
# settings and database come with each request's context): every app a process makes with the same
# flags shares one (the test suite makes an app for each test).
@functools.cache
def _build(production: bool, introspection: bool) -> strawberry.Schema:
    extensions: list[Callable[[], SchemaExtension]] = [
        LimitRules,
        CostLimit,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        OneOperation,  # after ValidationCache: these add to the errors it found
        ReadText,
    ]
    if not introspection:
        extensions.append(NoAnonymousIntrospection)
    if production:
        extensions.append(lambda: MaskErrors(should_mask_error=_unexpected, error_message=INTERNAL_ERROR_MESSAGE))
    # The implementations of interfaces that no field names directly.
    types = [EntityGraphEntity, EntityGraphPerson]
    return JianguanSchema(query=Query, mutation=Mutation, subscription=Subscription, types=types, extensions=extensions)


schema = build(production=False)


def sdl() -> str:
    """The exported contract, as committed in schema.graphql."""
    return schema.as_str() + "\n"
