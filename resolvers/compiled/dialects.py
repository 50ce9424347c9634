"""The SQL that differs between PostgreSQL and SQLite when a statement builds JSON itself.

Every value is written as the API writes it (strawberry's scalars): dates and times in ISO 8601
with the UTC offset, decimals as exact strings with their fixed places, IDs as strings,
cursors in the paging module's format. Parameters are written `%(name)s` and turned into the
driver's own placeholders once, when a plan is made."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Dialect as SaDialect
from sqlalchemy.sql.elements import ColumnElement

# A parameter, or a string literal to step over: the services' conditions are written in with
# their values (a search text may itself read like a parameter).
_PARAM = re.compile(r"'(?:[^']|'')*'|%\((\w+)\)s")
# PostgreSQL takes at most 100 arguments in a call: an object of more keys is not compiled.
MAX_KEYS = 50


def quote_text(value: str) -> str:
    """A SQL string literal (names and aliases the planner writes, never caller text)."""
    return "'" + value.replace("'", "''") + "'"


class Dialect:
    name: str

    def __init__(self, sa_dialect: SaDialect) -> None:
        self.sa_dialect = sa_dialect

    def compiled(self, expression: ColumnElement[Any]) -> str:
        """A condition from the services (row policy, filters), values written in."""
        return str(expression.compile(dialect=self.sa_dialect, compile_kwargs={"literal_binds": True}))

    # -- JSON ---------------------------------------------------------------------------------
    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        raise NotImplementedError

    def nested(self, subquery: str) -> str:
        """A scalar subquery's JSON, so that it nests as JSON and not as a string."""
        raise NotImplementedError

    def array(self, element: str, order: str) -> str:
        """The aggregate of `element` over the rows, in `order`; '[]' for none."""
        raise NotImplementedError

    def filtered_array(self, element: str, condition: str, order: str) -> str:
        raise NotImplementedError

    def json_column(self, column: str) -> str:
        raise NotImplementedError

    # -- scalars ------------------------------------------------------------------------------
    def boolean(self, expression: str) -> str:
        raise NotImplementedError

    def id_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def decimal(self, scaled: str, places: int) -> str:
        """A ScaledDecimal column (an integer of 10^-places units) as Python's str(Decimal)."""
        raise NotImplementedError

    def date(self, column: str) -> str:
        raise NotImplementedError

    def datetime(self, column: str) -> str:
        raise NotImplementedError

    def cursor(self, kind: str, key_text: str) -> str:
        raise NotImplementedError

    def least(self, a: str, b: str) -> str:
        raise NotImplementedError

    def text_param(self, name: str) -> str:
        return f"%({name})s"

    def int_param(self, name: str) -> str:
        return f"%({name})s"

    def placeholders(self, sql: str) -> tuple[str, tuple[str, ...]]:
        """The driver's statement and the order of its parameters."""
        raise NotImplementedError


class PostgreSQL(Dialect):
    name = "postgresql"

    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_build_object(" + ", ".join(f"{quote_text(key)}, {value}" for key, value in pairs) + ")"

    def nested(self, subquery: str) -> str:
        return f"({subquery})"

    def array(self, element: str, order: str) -> str:
        return f"coalesce(json_agg({element} ORDER BY {order}), '[]'::json)"

    def filtered_array(self, element: str, condition: str, order: str) -> str:
        return f"coalesce(json_agg({element} ORDER BY {order}) FILTER (WHERE {condition}), '[]'::json)"

    def json_column(self, column: str) -> str:
        return column

    def boolean(self, expression: str) -> str:
        return expression

    def decimal(self, scaled: str, places: int) -> str:
        return f"CAST(CAST({scaled} AS NUMERIC) / {10**places} AS NUMERIC(38, {places}))::text"

    def date(self, column: str) -> str:
        return column  # json of a date is its ISO 8601 text

    def datetime(self, column: str) -> str:
        # Stored as naive UTC; Python writes microseconds only when there are some.
        return (
            f"""CASE WHEN {column} IS NULL THEN NULL ELSE to_char({column}, 'YYYY-MM-DD"T"HH24:MI:SS') """
            f"|| CASE WHEN date_part('microseconds', {column})::bigint % 1000000 = 0 THEN '' "
            f"ELSE to_char({column}, '.US') END || '+00:00' END"
        )

    def cursor(self, kind: str, key_text: str) -> str:
        encoded = f"encode(convert_to({quote_text(kind + ':')} || {key_text}, 'UTF8'), 'base64')"
        return f"rtrim(translate({encoded}, E'+/\\n', '-_'), '=')"

    def least(self, a: str, b: str) -> str:
        return f"least({a}, {b})"

    def text_param(self, name: str) -> str:
        return f"CAST(%({name})s AS TEXT)"

    def int_param(self, name: str) -> str:
        return f"CAST(%({name})s AS BIGINT)"

    def placeholders(self, sql: str) -> tuple[str, tuple[str, ...]]:
        order: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return match.group(0)
            if name not in order:
                order.append(name)
            return f"${order.index(name) + 1}"

        return _PARAM.sub(number, sql), tuple(order)


class SQLite(Dialect):
    name = "sqlite"

    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"{quote_text(key)}, {value}" for key, value in pairs) + ")"

    def nested(self, subquery: str) -> str:
        return f"json(({subquery}))"  # a subquery's value loses its JSON subtype

    def array(self, element: str, order: str) -> str:
        # SQLite before 3.44 has no ORDER BY inside an aggregate: the caller's FROM is ordered,
        # and an aggregate over an ordered subquery keeps it (the subquery is not flattened).
        return f"json_group_array({element})"

    def filtered_array(self, element: str, condition: str, order: str) -> str:
        return f"json_group_array({element}) FILTER (WHERE {condition})"

    def json_column(self, column: str) -> str:
        return f"json({column})"

    def boolean(self, expression: str) -> str:
        return f"json(CASE WHEN {expression} IS NULL THEN NULL WHEN {expression} THEN 'true' ELSE 'false' END)"

    def decimal(self, scaled: str, places: int) -> str:
        unit = 10**places
        return (
            f"CASE WHEN {scaled} IS NULL THEN NULL ELSE "
            f"CASE WHEN {scaled} < 0 THEN '-' ELSE '' END || (abs({scaled}) / {unit}) || '.' || "
            f"substr('{'0' * places}' || (abs({scaled}) % {unit}), -{places}) END"
        )

    def date(self, column: str) -> str:
        return column  # stored as ISO 8601 text

    def datetime(self, column: str) -> str:
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC).
        return (
            f"CASE WHEN {column} IS NULL THEN NULL ELSE substr({column}, 1, 10) || 'T' || substr({column}, 12, 8) "
            f"|| CASE WHEN substr({column}, 21, 6) IN ('', '000000') THEN '' ELSE substr({column}, 20, 7) END "
            f"|| '+00:00' END"
        )

    def cursor(self, kind: str, key_text: str) -> str:
        # services.platform.db registers it: paging.encoded_cursor.
        return f"jianguan_cursor({quote_text(kind + ':')} || {key_text})"

    def least(self, a: str, b: str) -> str:
        return f"min({a}, {b})"

    def placeholders(self, sql: str) -> tuple[str, tuple[str, ...]]:
        order: list[str] = []

        def mark(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return match.group(0)
            order.append(match.group(1))
            return "?"

        return _PARAM.sub(mark, sql), tuple(order)


def dialect_for(sa_dialect: SaDialect) -> Dialect:
    return PostgreSQL(sa_dialect) if sa_dialect.name == "postgresql" else SQLite(sa_dialect)


__all__ = ["MAX_KEYS", "Dialect", "dialect_for", "quote_text"]
