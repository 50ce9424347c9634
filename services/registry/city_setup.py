"""The first run of a real city (`manage.py setup`): its regions from GB/T 2260, its first
maintaining department, its first maintainer and a maintainer token, in one transaction.

Run again, it creates only what is missing and changes nothing that exists (a region renamed
since, a department or user edited since, stay as they are); the token is issued when the
department has no unrevoked token of the first run's name, or when a new one is asked for.
Every write goes through the services that audit it (regions, departments, users, tokens)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, Region, User
from models.enums import DepartmentLevel, Role
from services.accounts.tokens import active_token_named, create_token
from services.accounts.users import UserInput, create_user
from services.platform.access import principal_of, require_maintainer
from services.platform.errors import DomainError
from services.registry.departments import DepartmentInput, upsert_department
from services.registry.gb2260 import CodedRegion, city_with_districts
from services.registry.regions import RegionInput, upsert_region

TOKEN_NAME = "首次运行的维护令牌"
ADMIN_DISPLAY_NAME = "系统维护人员"


@dataclass(frozen=True)
class CitySetupInput:
    city_code: str
    department_code: str
    department_name: str
    admin_username: str
    admin_password: str | None = None  # needed only when the user does not exist yet
    admin_display_name: str = ADMIN_DISPLAY_NAME
    department_line: str | None = None
    new_token: bool = False


class Outcome(StrEnum):
    CREATED = "CREATED"
    EXISTED = "EXISTED"


@dataclass(frozen=True)
class CitySetupReport:
    city: CodedRegion
    regions_created: list[CodedRegion]
    regions_existing: int
    department: Outcome
    department_name: str
    admin: Outcome
    admin_note: str  # what the existing user is, when it existed
    token: str | None  # the plain token, when one was issued (shown once)
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.regions_created) or Outcome.CREATED in (self.department, self.admin) or bool(self.token)

    def lines(self, data: CitySetupInput) -> list[str]:
        """What the run did, in Chinese, one line per kind of thing."""
        created = "、".join(r.name for r in self.regions_created)
        regions = (
            f"行政区划：新建 {len(self.regions_created)} 个（{created}）"
            if self.regions_created
            else "行政区划：无需新建"
        )
        if self.regions_existing:
            regions += f"，已存在 {self.regions_existing} 个"
        department = "新建" if self.department is Outcome.CREATED else "已存在，未改动"
        admin = "新建（维护人员）" if self.admin is Outcome.CREATED else f"已存在，未改动{self.admin_note}"
        if self.token:
            token = f"令牌：已为部门 {data.department_code} 新建维护人员令牌“{TOKEN_NAME}”"
        else:
            token = f"令牌：部门已有未吊销的“{TOKEN_NAME}”，未新建（需要新令牌请加 --new-token）"
        return [
            f"城市：{self.city.name}（{self.city.code}）",
            regions,
            f"部门：{data.department_code} {self.department_name}：{department}",
            f"维护人员：{data.admin_username}：{admin}",
            token,
            *self.notes,
        ]


async def admin_exists(session: AsyncSession, username: str) -> bool:
    """Whether the first maintainer exists already (then no password is needed)."""
    return await session.scalar(select(User.id).where(col(User.username) == username.strip().lower())) is not None


async def setup_city(session: AsyncSession, data: CitySetupInput) -> CitySetupReport:
    require_maintainer(principal_of(session))
    wanted = city_with_districts(data.city_code)
    city = next(r for r in wanted if r.code == data.city_code.strip())
    existing = set(
        (await session.scalars(select(Region.code).where(col(Region.code).in_([r.code for r in wanted])))).all()
    )
    created: list[CodedRegion] = []
    for region in wanted:  # parents first
        if region.code not in existing:
            await upsert_region(session, RegionInput(region.code, region.name, region.parent_code))
            created.append(region)

    department = await session.scalar(select(Department).where(col(Department.code) == data.department_code.strip()))
    notes: list[str] = []
    if department is None:
        saved = await upsert_department(
            session,
            DepartmentInput(
                data.department_code, data.department_name, DepartmentLevel.CITY, city.code, True, data.department_line
            ),
        )
        department, department_outcome = saved.row, Outcome.CREATED
    else:
        department_outcome = Outcome.EXISTED
        # The first maintainers' department is the city's own registration authority: setup
        # never hands a maintainer token to a district's or another line's department.
        if department.region_code != city.code or not department.is_registration_authority:
            message = (
                f"部门 {department.code}（{department.name}）不是{city.name}的市级登记机关，不能作为第一个维护部门"
            )
            raise DomainError("NOT_CITY_AUTHORITY", message, "departmentCode")
        if department.name != data.department_name.strip():
            notes.append(f"注意：部门 {department.code} 的名称是“{department.name}”，与 --department-name 不同；未改动")

    user = await session.scalar(select(User).where(col(User.username) == data.admin_username.strip().lower()))
    admin_note = ""
    if user is None:
        if not data.admin_password:
            raise DomainError("PASSWORD_REQUIRED", "请为第一个维护人员设置密码", "password")
        await create_user(
            session,
            UserInput(
                data.admin_username, data.admin_display_name, data.admin_password, Role.MAINTAINER, department.code
            ),
        )
        admin_outcome = Outcome.CREATED
    else:
        admin_outcome = Outcome.EXISTED
        if user.role is not Role.MAINTAINER:
            admin_note = "（注意：该用户不是维护人员）"

    token: str | None = None
    if data.new_token or await active_token_named(session, department.code, Role.MAINTAINER, TOKEN_NAME) is None:
        _, token = await create_token(session, department.code, Role.MAINTAINER, TOKEN_NAME)
    return CitySetupReport(
        city, created, len(existing), department_outcome, department.name, admin_outcome, admin_note, token, notes
    )
