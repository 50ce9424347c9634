"""Access checks, in one place.

Row access is a session-level policy: every ORM SELECT made through a session
bound to a principal is narrowed by `with_loader_criteria`, so resolvers,
DataLoaders and admin views cannot forget it. Operation access is the
`require_*` functions that each service calls first.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import col, select

from models import Department, EntityPerson, MarketEntity, Region
from models.enums import DepartmentLevel, RegionLevel
from services.platform.errors import Forbidden, Unauthenticated
from services.platform.principal import Principal

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
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load or state.execution_options.get(_UNRESTRICTED):
        return
    principal = state.session.info.get(_KEY)
    if principal is None:
        raise RuntimeError("ORM query without a principal: open sessions through Database")
    regions = principal.jurisdiction
    if regions is None:
        return
    in_jurisdiction = col(MarketEntity.region_code).in_(sorted(regions))
    visible_entities = select(col(MarketEntity.id)).where(in_jurisdiction)
    state.statement = state.statement.options(
        with_loader_criteria(MarketEntity, in_jurisdiction, include_aliases=True),
        with_loader_criteria(EntityPerson, col(EntityPerson.entity_id).in_(visible_entities), include_aliases=True),
    )


def require_authenticated(principal: Principal) -> None:
    if not principal.is_authenticated:
        raise Unauthenticated()


def may_maintain(principal: Principal) -> bool:
    """Catalogs, users, tokens, the audit log and bulk exports are for maintainers."""
    return principal.is_authenticated and principal.is_maintainer


def require_maintainer(principal: Principal) -> None:
    require_authenticated(principal)
    if not may_maintain(principal):
        raise Forbidden("仅目录维护人员可以执行此操作")


def may_handle_notices(principal: Principal) -> bool:
    """Claiming, forwarding, returning and feedback are a department's casework; maintainers
    keep the catalog and may read every notice, but act on none."""
    return principal.is_authenticated and principal.department_id is not None and not principal.is_maintainer


def require_notice_handler(principal: Principal) -> int:
    """The department whose notices the caller handles."""
    require_authenticated(principal)
    if not may_handle_notices(principal) or principal.department_id is None:
        raise Forbidden("只有部门业务账号可以处理告知（维护人员只能查看）")
    return principal.department_id


def may_register_in(authority: Department, region: Region) -> bool:
    """Entities sit in district-level regions; a district registration authority
    registers in its own district, a city authority in any district of its city."""
    if region.level is not RegionLevel.DISTRICT:
        return False
    if authority.level is DepartmentLevel.DISTRICT:
        return region.code == authority.region_code
    return region.parent_code == authority.region_code


def may_change(authority: Department, entity: MarketEntity, entity_region: Region) -> bool:
    """A change registration comes from the entity's own registration authority,
    or from the city authority above the entity's district."""
    if entity.registration_authority_id == authority.id:
        return True
    return authority.level is DepartmentLevel.CITY and entity_region.parent_code == authority.region_code
