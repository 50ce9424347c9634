"""Who is acting: every service call names a principal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models import Department
from models.enums import DepartmentLevel, Role


class PrincipalKind(StrEnum):
    ANONYMOUS = "ANONYMOUS"  # the public
    DEPARTMENT = "DEPARTMENT"  # a department's staff or system
    MAINTAINER = "MAINTAINER"  # catalog maintainers
    SYSTEM = "SYSTEM"  # the command line and scheduled jobs


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    name: str
    department_id: int | None = None
    department_code: str | None = None
    department_level: DepartmentLevel | None = None
    department_region_code: str | None = None
    is_registration_authority: bool = False
    token_id: int | None = None
    # A signed-in user's username: the audit log names users by it (their `name` is the display name).
    username: str | None = None

    @classmethod
    def acting_for(
        cls, role: Role, name: str, department: Department, token_id: int | None = None, username: str | None = None
    ) -> Principal:
        """A token's or a signed-in user's principal: its department decides what it may see."""
        return cls(
            kind=PrincipalKind.MAINTAINER if role is Role.MAINTAINER else PrincipalKind.DEPARTMENT,
            name=name,
            department_id=department.id,
            department_code=department.code,
            department_level=department.level,
            department_region_code=department.region_code,
            is_registration_authority=department.is_registration_authority,
            token_id=token_id,
            username=username,
        )

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(PrincipalKind.ANONYMOUS, "anonymous")

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        return cls(PrincipalKind.SYSTEM, name)

    @property
    def is_authenticated(self) -> bool:
        return self.kind is not PrincipalKind.ANONYMOUS

    @property
    def is_maintainer(self) -> bool:
        return self.kind in (PrincipalKind.MAINTAINER, PrincipalKind.SYSTEM)

    @property
    def jurisdiction(self) -> frozenset[str] | None:
        """Region codes whose entities this principal may read; None means all.

        The public reads no registry row except through services that publish
        (and say so with UNRESTRICTED)."""
        if self.kind is PrincipalKind.ANONYMOUS:
            return frozenset()
        if self.kind is PrincipalKind.DEPARTMENT:
            return jurisdiction(self.department_level, self.department_region_code)
        return None


def jurisdiction(level: DepartmentLevel | None, region_code: str | None) -> frozenset[str] | None:
    """Region codes whose entities a department reaches (a district department: its district);
    None means all (a city department). A maintainer acting for a department reaches no further."""
    if level is DepartmentLevel.DISTRICT:
        return frozenset({region_code or ""})
    return None
