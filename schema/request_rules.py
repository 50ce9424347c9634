"""What a request must hold before it runs, beyond the document's validation: one chosen
operation, no text a read may not be given (schema.read_text), and (when turned off for the
public) no introspection by anonymous callers.

Each rule adds its error to the validation errors, so the answer is the same pre-execution
error as an invalid document (HTTP 400 for application/graphql-response+json)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, OperationDefinitionNode, OperationType, validate
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.read_text import in_literals, in_variables
from services.platform.principal import PrincipalKind

OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"


def _refuse(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class _AfterValidation(SchemaExtension):
    """Runs after strawberry's ValidationCache (list it later): it adds to the errors that
    extension found, as a copy (the cached list is shared by later requests)."""

    def check(self) -> GraphQLError | None:
        raise NotImplementedError

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            error = self.check()
            if error is not None:
                context.pre_execution_errors = [*(context.pre_execution_errors or []), error]
        yield


class OneOperation(_AfterValidation):
    """A document of several operations names the one to run (operationName): the GraphQL spec's
    GetOperation is an error otherwise, where strawberry would run the first one."""

    def check(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        if context._provided_operation_name is not None:  # strawberry keeps the caller's own there
            return None
        operations = [d for d in context.graphql_document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) < 2:
            return None
        return _refuse(f"文档含 {len(operations)} 个操作：请用 operationName 指明要执行哪一个", OPERATION_NAME_REQUIRED)


class NoAnonymousIntrospection(_AfterValidation):
    """Introspection (__schema, __type) only for callers with a token; the public reads the
    published schema.graphql instead. __typename stays: clients ask it of every object."""

    def check(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        principal = getattr(context.context, "principal", None)
        if principal is not None and principal.kind is not PrincipalKind.ANONYMOUS:
            return None
        if not validate(context.schema._schema, context.graphql_document, [NoSchemaIntrospectionCustomRule]):
            return None
        message = "本服务器不向匿名调用方提供内省查询：请使用公布的 schema.graphql，或带上令牌"
        return _refuse(message, INTROSPECTION_DISABLED)


class ReadText(_AfterValidation):
    """The text rule for a query's or subscription's variables and string literals; a mutation
    checks each of its fields instead, worded as UserErrors (schema.platform.text_boundary)."""

    def check(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        operation = get_operation_ast(context.graphql_document, context._provided_operation_name)
        if operation is None or operation.operation is OperationType.MUTATION:
            return None  # none chosen: OneOperation, or execution, says so
        return in_variables(context.variables) or in_literals(context.graphql_document)
