"""Column types shared by every table: UTC timestamps and exact money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stored as naive UTC on every engine, returned as an aware UTC datetime.

    SQLite has no time-zone type, so one convention for both engines keeps the
    audit chain's hashes identical wherever a row is read back.
    """

    impl = sa.DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # Libraries that convert to the database's zone first (starlette-admin's
            # filters, with database_timezone="UTC") hand over naive UTC.
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class ScaledDecimal(sa.types.TypeDecorator[Decimal]):
    """A `Decimal` with fixed places, stored as a scaled BIGINT.

    SQLite keeps NUMERIC as a binary float; scaled integers are exact on both engines.
    """

    impl = sa.BigInteger()
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self._scale = Decimal(10) ** places
        self._quantum = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self._scale
        if scaled != scaled.to_integral_value():
            raise ValueError(f"at most {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._scale).quantize(self._quantum)


def Money() -> ScaledDecimal:
    """Yuan, to the fen."""
    return ScaledDecimal(2)


class CodeListArray(sa.types.TypeDecorator[list[Any]]):
    """Several members of one code list, stored as a JSON array of their names and read
    back as members (a plain JSON column would hand back bare strings)."""

    impl = sa.JSON()
    cache_ok = True

    def __init__(self, cls: type[StrEnum]) -> None:
        super().__init__()
        self.cls = cls

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> list[str] | None:
        return None if value is None else [self.cls(item).value for item in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Any] | None:
        return None if value is None else [self.cls(item) for item in value]


def code_list(cls: type) -> sa.Enum:
    """An enum stored as VARCHAR of its member names: portable, and a new member needs no DDL."""
    return sa.Enum(cls, native_enum=False, create_constraint=False, length=32)


def utcnow() -> datetime:
    return datetime.now(UTC)
