"""Expected failures: a stable English code for programs, a Chinese message for people."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str | None = None


class DomainError(Exception):
    """One or more expected failures; nothing was stored.

    `extensions` is read by graphql-core when the error surfaces in a query, so
    the code reaches the client without any translation layer.
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        self.problems: list[Problem] = [Problem(code, message, field)]
        super().__init__(message)

    @classmethod
    def many(cls, problems: list[Problem]) -> DomainError:
        first = problems[0]
        error = cls(first.code, first.message, first.field)
        error.problems = list(problems)
        return error

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def extensions(self) -> dict[str, Any]:
        first = self.problems[0]
        extensions: dict[str, Any] = {"code": first.code}
        if first.field:
            extensions["field"] = first.field
        return extensions


# The database cannot be reached (a restart, a network cut): the request did nothing the caller can
# rely on, and the same request may be sent again in a moment. HTTP 503, never an internal error.
DATABASE_UNAVAILABLE = Problem("DATABASE_UNAVAILABLE", "数据库暂时不可用，请稍后重试")


class Unauthenticated(DomainError):
    def __init__(self, message: str = "需要身份认证：请在 Authorization 头中提供有效的 Bearer 令牌") -> None:
        super().__init__("UNAUTHENTICATED", message)


class Forbidden(DomainError):
    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__("FORBIDDEN", message)


class Expect(StrEnum):
    """What an upsert may find: a form that creates must not overwrite, one that edits must not create."""

    ANY = "ANY"
    NEW = "NEW"
    EXISTING = "EXISTING"


def check_expectation(expect: Expect, found: bool, label: str, key: str, field: str) -> None:
    if expect is Expect.NEW and found:
        raise DomainError("ALREADY_EXISTS", f"{label}“{key}”已存在", field)
    if expect is Expect.EXISTING and not found:
        raise DomainError("NOT_FOUND", f"{label}“{key}”不存在", field)


class Collector:
    """Gathers field problems so one reply names them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, field: str | None = None) -> None:
        self.problems.append(Problem(code, message, field))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DomainError.many(self.problems)
