"""A mutation declared once (Saleor style): its arguments, the service it calls, its payload,
its permission and the error codes it can return, in one `service_mutation(...)` call.

The GraphQL arguments reach the service by name: an `input` argument's fields, and any other
argument, fill the service's parameters of the same name; a parameter that is a dataclass
(the service's own input) is built from them by its field names (resolvers.platform.by_name:
nested inputs and lists included, a null where the service has a default means "not given").
`rename` names the few service fields spelled differently from the API.

The service runs as the caller in one transaction (`services.platform.transactions`), and
its result fills the payload by `returns`; a failure leaves every other field empty (null,
false or an empty list) and fills `errors`.

Why the codes are documented rather than typed: `UserError.code` is a `String!` on the wire
and in every client's generated code. An enum per payload would retype that field (a
breaking change for typed clients, and for any client that switches on an unknown code),
and several mutations share one payload type (`ClaimNoticePayload` serves five), so a
payload-wide list would also be wrong for each of them. Each mutation's field description
therefore ends with the codes that mutation can return; the wire values are unchanged.
With `Settings.check_error_codes` on (the test suite turns it on), a returned code the
declaration does not list is an error, so the documentation cannot fall behind the services;
off (production), the client gets the answer unchanged and the code is logged.

Before the service runs, every argument passes the text rule at the boundary
(schema.platform.text_boundary); INVALID_TEXT and DATE_OUT_OF_RANGE join the codes of every
mutation whose arguments carry text or dates.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField

from resolvers.platform.by_name import build, convert, dataclass_of, fields_of
from resolvers.platform.common import mutate
from resolvers.platform.context import GqlInfo
from schema.platform import text_boundary
from services.platform.access import PERMISSIONS, Operation, Permission
from services.platform.errors import DomainError, Forbidden, Problem, Unauthenticated

_log = logging.getLogger(__name__)
# Every change can meet a concurrent one (services.platform.transactions.run_change).
ALWAYS = ("CONFLICT",)
_REQUIRED = inspect.Parameter.empty


class UndeclaredErrorCode(Exception):
    """A mutation returned a code its declaration does not list: add it to the declaration."""


@dataclass(frozen=True)
class Arg:
    """A GraphQL argument other than `input`: its type, default, the service parameter it
    fills when the name differs (`to`), and how its value becomes that parameter (`parse`,
    which may raise a DomainError: it runs inside the transaction, so that is a user error)."""

    type: Any
    default: Any = _REQUIRED
    to: str | None = None
    parse: Callable[[Any], Any] | None = None
    description: str | None = None


@dataclass(frozen=True)
class Declaration:
    """What one mutation is, as `service_mutation` was told."""

    codes: frozenset[str]
    operation: Operation

    @property
    def permission(self) -> Permission:
        """Who may run it, from the one operation → permission table."""
        return PERMISSIONS[self.operation]


Returns = str | tuple[str, ...] | Mapping[str, str] | None


def service_mutation(
    *,
    service: Callable[..., Awaitable[Any]],
    payload: type,
    description: str,
    permission: Operation,
    codes: Iterable[str],
    input: type | None = None,
    arguments: Mapping[str, Arg] | None = None,
    returns: Returns = None,
    rename: Mapping[str, str] | None = None,
) -> Any:
    """A root Mutation field calling `service(session, ...)`.

    `permission` is the operation whose row of services.platform.access.PERMISSIONS says who may
    run it; the service checks it first (`access.require`), so the admin page doing the same
    thing meets the same rule, and it is declared here, not checked twice. `returns` says how the
    service's result fills the payload: a payload field name (the result is that field), a
    tuple of names (the result is a tuple of those fields), a mapping payload field → result
    attribute, or None (the result's attributes of the payload fields' names).
    """
    args = _arguments(input, arguments)
    renamed = dict(rename or {})
    plan = _Plan(service, args, renamed)

    async def resolve(info: GqlInfo, refused: text_boundary.Refused, **given: Any) -> Any:
        async def work(session: AsyncSession) -> Any:
            try:
                result = await service(session, **plan.call(given))
            except (Unauthenticated, Forbidden):
                raise
            except DomainError as error:
                if not refused.problems:
                    raise
                raise DomainError.many(_merged(error.problems, refused)) from error
            if refused.problems:  # the service's own checks passed; the boundary's still refuse (rolled back)
                raise DomainError.many(refused.problems)
            return result

        result, problems = await mutate(info.context, work)
        return _payload(payload, returns, result, problems)

    return _declare(resolve, args, payload, description, permission, codes)


def declared_mutation(
    resolve: Callable[..., Awaitable[Any]],
    arguments: Mapping[str, Arg],
    payload: type,
    description: str,
    permission: Operation,
    codes: Iterable[str],
) -> Any:
    """A root Mutation field from a resolver of its own (for a mutation that does not run as
    one service call in one transaction, such as a batch import); the codes are declared,
    documented and checked as for `service_mutation`; the text rule refuses before it runs."""

    async def refusing(info: GqlInfo, refused: text_boundary.Refused, **given: Any) -> Any:
        if refused.problems:
            return _payload(payload, None, None, refused.problems)
        return await resolve(info, **given)

    return _declare(refusing, arguments, payload, description, permission, codes)


def _declare(
    resolve: Callable[..., Awaitable[Any]],
    arguments: Mapping[str, Arg],
    payload: type,
    description: str,
    permission: Operation,
    codes: Iterable[str],
) -> Any:
    """The root Mutation field: the boundary's text rule, then `resolve(info, refused, **given)`
    with the arguments cleaned (a refused character left out, so that the service can still
    check the rest) and what the boundary refused. A service then runs, in its transaction, only
    to name its own problems beside the boundary's: one reply still names every bad field, and the
    refusal rolls everything back."""
    kinds = {name: arg.type for name, arg in arguments.items()}
    boundary = text_boundary.codes_for(kinds)
    declaration = Declaration(frozenset((*ALWAYS, *boundary, *codes)), permission)
    descriptions = {name: arg.description or _type_description(arg.type) for name, arg in arguments.items()}

    async def resolver(info: GqlInfo, **given: Any) -> Any:
        # The text rule first, on every argument: no text that breaks it reaches a service.
        refused = text_boundary.Refused()
        given = text_boundary.cleaned(given, kinds, descriptions, refused)
        answer = await resolve(info, refused, **given)
        _check(declaration, answer.errors, strict=info.context.settings.check_error_codes)
        return answer

    parameters = [inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=strawberry.Info)]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=_described(arg), default=arg.default)
        for name, arg in arguments.items()
    ]
    resolver.__signature__ = inspect.Signature(parameters, return_annotation=payload)  # type: ignore[attr-defined]
    resolver.__mutation__ = declaration  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolver, graphql_type=payload, description=documented(description, declaration))


def declaration_of(field: StrawberryField) -> Declaration | None:
    """The declaration behind a root Mutation field, if it was made by this module."""
    func = field.base_resolver.wrapped_func if field.base_resolver else None
    found = getattr(func, "__mutation__", None)
    return found if isinstance(found, Declaration) else None


def documented(description: str, declaration: Declaration) -> str:
    listed = "、".join(sorted(declaration.codes))
    return f"{description}\n错误代码（errors.code）/ Error codes: {listed}."


def _merged(problems: Sequence[Problem], refused: text_boundary.Refused) -> list[Problem]:
    """The boundary's firm problems (the service saw that text without the refused character, so
    its word on those fields is second-hand), the service's problems on every other field, and the
    boundary's soft problems on the fields the service did not blame (its own checks say more)."""
    firm = refused.firm.problems
    garbled = {p.field for p in firm}
    own = [p for p in problems if p.field not in garbled]
    blamed = {p.field for p in own}
    return [*own, *firm, *(p for p in refused.soft.problems if p.field not in blamed)]


def _check(declaration: Declaration, problems: Sequence[Problem], strict: bool) -> None:
    undeclared = sorted({p.code for p in problems} - declaration.codes)
    if not undeclared:
        return
    message = f"{', '.join(undeclared)} not declared in the codes of this mutation"
    if strict:
        raise UndeclaredErrorCode(message)
    _log.warning(message)


def _described(arg: Arg) -> Any:
    # An input object argument says, unless told otherwise, what its type says.
    description = arg.description or _type_description(arg.type)
    if description is None:
        return arg.type
    return Annotated[arg.type, strawberry.argument(description=description)]


def _arguments(input: type | None, arguments: Mapping[str, Arg] | None) -> dict[str, Arg]:
    declared = {} if input is None else {"input": Arg(input)}
    declared.update(arguments or {})
    return declared


def _type_description(kind: type) -> str | None:
    definition = getattr(kind, "__strawberry_definition__", None)
    return getattr(definition, "description", None)


class _Plan:
    """How the GraphQL arguments become the service's arguments, checked once at declaration."""

    def __init__(self, service: Callable[..., Awaitable[Any]], args: Mapping[str, Arg], rename: Mapping[str, str]):
        self.args = args
        self.rename = rename
        hints = typing.get_type_hints(service)
        parameters = list(inspect.signature(service).parameters.values())[1:]  # after the session
        available = self._names(args)
        self.parameters: list[tuple[str, Any, bool]] = []
        for parameter in parameters:
            hint = hints[parameter.name]
            key = rename.get(parameter.name, parameter.name)
            optional = parameter.default is not inspect.Parameter.empty
            if key not in available and not dataclass_of(hint) and not optional:
                raise TypeError(f"{service.__qualname__}: no argument or input field gives {parameter.name!r}")
            self.parameters.append((parameter.name, hint, optional))

    @staticmethod
    def _names(args: Mapping[str, Arg]) -> set[str]:
        names: set[str] = set()
        for name, arg in args.items():
            if name == "input" and dataclasses.is_dataclass(arg.type):
                names.update(f.name for f in dataclasses.fields(arg.type))
            else:
                names.add(arg.to or name)
        return names

    def call(self, given: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in given.items():
            arg = self.args[name]
            if name == "input" and dataclasses.is_dataclass(value):
                values.update(fields_of(value))
            else:
                values[arg.to or name] = arg.parse(value) if arg.parse else value
        called: dict[str, Any] = {}
        for name, hint, optional in self.parameters:
            key = self.rename.get(name, name)
            target = dataclass_of(hint)
            if key in values:
                called[name] = convert(hint, values[key], self.rename)
            elif target is not None:
                called[name] = build(target, values, self.rename)
            elif not optional:
                raise TypeError(f"no value for {name!r}")
        return called


def _payload(payload: type, returns: Returns, result: Any, problems: list[Problem]) -> Any:
    build: Callable[..., Any] = payload
    assert has_object_definition(payload)
    fields = [f for f in payload.__strawberry_definition__.fields if f.python_name != "errors"]
    values: dict[str, Any] = {f.python_name: _empty(f.type) for f in fields}
    if result is not None:
        if isinstance(returns, str):
            values[returns] = result
        elif isinstance(returns, tuple):
            values.update(zip(returns, result, strict=True))
        elif returns is None:
            values.update({f.python_name: getattr(result, f.python_name) for f in fields})
        else:
            values.update({name: getattr(result, attribute) for name, attribute in returns.items()})
    return build(**values, errors=problems)


def _empty(kind: Any) -> Any:
    if isinstance(kind, StrawberryOptional):
        return None
    if isinstance(kind, StrawberryList):
        return []
    if kind is bool:
        return False
    raise TypeError(f"a payload field of type {kind} has no empty value")
