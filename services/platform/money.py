"""Amounts in yuan as `Decimal`: parsing user text, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from services.platform.errors import Collector

# Stored as fen in a signed 64-bit integer (about 9.2e16 yuan); no real amount comes near.
MAX_AMOUNT = Decimal("1e15")


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_decimal(raw: str) -> Decimal | None:
    """A finite decimal from user text (thousands separators allowed), or None."""
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_amount(raw: str | None, problems: Collector, field_name: str) -> Decimal | None:
    """A yuan amount as a decimal string: not negative, at most two decimal places."""
    if raw is None or not raw.strip():
        return None
    amount = parse_decimal(raw)
    if amount is None:
        problems.add("INVALID_AMOUNT", f"金额“{raw}”不是有效的数字（以元为单位，如 1000000.00）", field_name)
        return None
    if amount < 0 or decimal_places(amount) > 2:
        problems.add("INVALID_AMOUNT", "金额须为非负数，最多两位小数（单位：元）", field_name)
        return None
    if amount >= MAX_AMOUNT:
        problems.add("AMOUNT_TOO_LARGE", "金额过大：应小于 10¹⁵ 元（请确认单位是元而不是分）", field_name)
        return None
    return amount
