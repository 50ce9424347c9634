"""Each mutation is declared once, with the error codes it can return, and the SDL lists them."""

from __future__ import annotations

import re
from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.utils.str_converters import to_camel_case

from resolvers.platform.context import Context
from schema.notices.types import ClaimNoticePayload
from schema.platform.mutation import Arg, UndeclaredErrorCode, declaration_of, service_mutation
from schema.root import Mutation
from services.platform.access import PERMISSIONS, Operation
from services.platform.db import Database
from services.platform.errors import DomainError
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity
from tests.support.api import error_codes

DESCRIPTIONS = "{ __schema { mutationType { fields { name description } } } }"
LISTED = re.compile(r"Error codes: (.*)\.$")


async def documented_codes(api: Api) -> dict[str, set[str]]:
    data = await api.data(DESCRIPTIONS)
    found: dict[str, set[str]] = {}
    for field in data["__schema"]["mutationType"]["fields"]:
        match = LISTED.search(field["description"])
        assert match, f"{field['name']} lists no error codes"
        found[field["name"]] = set(match.group(1).split("、"))
    return found


def test_every_mutation_is_declared_with_its_codes() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        declaration = declaration_of(field)
        assert declaration is not None, f"{field.name} is not declared through service_mutation"
        assert "CONFLICT" in declaration.codes
        # The operation it declares is its own row of the permission table the matrix probes.
        assert declaration.operation.value == to_camel_case(field.python_name)
        assert declaration.operation in PERMISSIONS


async def test_the_codes_a_mutation_returns_are_listed_in_its_description(api: Api, city: DemoCity) -> None:
    listed = await documented_codes(api)
    assert listed["claimNotice"] == {"CONFLICT", "INVALID_NOTICE_STATE", "NOTICE_NOT_FOUND"}
    query = """
    mutation($input: RecordPenaltyInput!) {
      recordPenalty(input: $input) { penalty { documentNumber } errors { field code message } }
    }
    """
    bad = {
        "uscc": "not-a-code", "documentNumber": " ", "violationType": "", "facts": "x", "basis": "x",
        "categories": ["WARNING"], "content": "x", "decisionDate": "2999-01-01", "fineAmount": "abc",
    }  # fmt: skip
    data = await api.data(query, {"input": bad}, city.tokens["district"])
    returned = {code for _, code in error_codes(data["recordPenalty"])}
    assert {"INVALID_USCC", "DATE_IN_FUTURE", "INVALID_AMOUNT"} <= returned
    assert returned <= listed["recordPenalty"]
    data = await api.data('mutation { claimNotice(id: "x") { errors { field code } } }', {}, city.tokens["district"])
    assert data["claimNotice"]["errors"] == [{"field": "id", "code": "NOTICE_NOT_FOUND"}]


async def _refuse(session: AsyncSession, uscc: str) -> None:
    raise DomainError("SOMETHING_NEW", f"“{uscc}”不行", "uscc")


_UNDECLARED = service_mutation(
    service=_refuse,
    arguments={"uscc": Arg(str)},
    payload=ClaimNoticePayload,
    returns="notice",
    permission=Operation.CLAIM_NOTICE,
    codes=("REQUIRED",),
    description="A mutation whose service returns a code its declaration forgot.",
)


@strawberry.type
class _Query:
    ok: bool = True


@strawberry.type
class _Mutation:
    forgetful = _UNDECLARED


@pytest.mark.parametrize("check", [True, False])
async def test_a_code_the_declaration_does_not_list_fails_when_checked(db: Database, check: bool) -> None:
    schema = strawberry.Schema(query=_Query, mutation=_Mutation)
    settings = Settings(database_url="", secret_key="x", env="development", check_error_codes=check)
    context: Any = Context(db, settings, Principal.system())
    result = await schema.execute('mutation { forgetful(uscc: "1") { errors { field code } } }', context_value=context)
    if check:
        assert result.errors and isinstance(result.errors[0].original_error, UndeclaredErrorCode)
    else:  # production: the client still gets the service's answer, unchanged
        assert result.errors is None and result.data == {
            "forgetful": {"errors": [{"field": "uscc", "code": "SOMETHING_NEW"}]}
        }
