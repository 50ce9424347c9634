"""Access checks, in one place.

Row access is a session-level policy: every ORM SELECT made through a session
bound to a principal is narrowed by `with_loader_criteria`, so resolvers,
DataLoaders and admin views cannot forget it. Operation access is the
`require_*` functions that each service calls first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import col

from models import MarketEntity
from services.errors import Forbidden, Unauthenticated
from services.principal import Principal

_KEY = "principal"
_UNRESTRICTED = "jianguan_all_regions"
# For the few service reads that must see across jurisdictions: a duplicate
# check before insert, and public data that is the same for every caller.
UNRESTRICTED = {_UNRESTRICTED: True}


def bind(session: AsyncSession, principal: Principal) -> None:
    session.info[_KEY] = principal
    session.sync_session.info[_KEY] = principal


def principal_of(session: AsyncSession | Session) -> Principal:
    principal = session.info.get(_KEY)
    if principal is None:
        raise RuntimeError("session used without a principal")
    assert isinstance(principal, Principal)
    return principal


@event.listens_for(Session, "do_orm_execute")
def _apply_row_policy(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get(_UNRESTRICTED):
        return
    principal = state.session.info.get(_KEY)
    if principal is None:
        raise RuntimeError("ORM query without a principal: open sessions through Database")
    regions = principal.jurisdiction
    if regions is not None:
        state.statement = state.statement.options(
            with_loader_criteria(
                MarketEntity,
                col(MarketEntity.region_code).in_(sorted(regions)),
                include_aliases=True,
            )
        )


def require_authenticated(principal: Principal) -> None:
    if not principal.is_authenticated:
        raise Unauthenticated()


def require_maintainer(principal: Principal) -> None:
    require_authenticated(principal)
    if not principal.is_maintainer:
        raise Forbidden("仅目录维护人员可以执行此操作")


def can_read_region(principal: Principal, region_code: str) -> bool:
    regions = principal.jurisdiction
    return regions is None or region_code in regions


def describe(principal: Principal) -> dict[str, Any]:
    return {"kind": principal.kind.value, "name": principal.name, "department": principal.department_code}
