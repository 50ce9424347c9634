"""统一社会信用代码 (GB 32100-2015) and its embedded GB 11714 organisation code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.platform.errors import Collector

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class UsccCheck(StrEnum):
    VALID = "VALID"
    CHECK_CHARACTER = "CHECK_CHARACTER"  # mod-31 check character fails
    ORGANISATION_CODE = "ORGANISATION_CODE"  # characters 9–17 fail GB 11714


@dataclass(frozen=True)
class UsccResult:
    code: str
    check: UsccCheck
    message: str | None = None

    @property
    def valid(self) -> bool:
        return self.check is UsccCheck.VALID


class MalformedUscc(ValueError):
    """Wrong length or a character outside the alphabet: never stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(raw: str) -> str:
    return raw.strip().upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    c = 31 - total % 31
    return ALPHABET[0 if c == 31 else c]


def organisation_check_character(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def check(raw: str) -> UsccResult:
    """Normalise and check a code; raises `MalformedUscc` for a wrong shape."""
    code = normalise(raw)
    if len(code) != 18:
        raise MalformedUscc(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise MalformedUscc(f"统一社会信用代码第 {position} 位的字符“{ch}”不允许（不使用 I、O、S、V、Z）")
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccResult(
            code,
            UsccCheck.CHECK_CHARACTER,
            f"统一社会信用代码校验位错误：第 18 位应为“{expected}”，实际为“{code[17]}”",
        )
    org_expected = organisation_check_character(code[8:16])
    if code[16] != org_expected:
        return UsccResult(
            code,
            UsccCheck.ORGANISATION_CODE,
            f"组织机构代码（第 9–17 位）校验位错误：第 17 位应为“{org_expected}”，实际为“{code[16]}”",
        )
    return UsccResult(code, UsccCheck.VALID)


def compose(registration_authority: str, entity_type: str, region: str, organisation: str) -> str:
    """A valid code from its parts; `organisation` is the 8-character body."""
    body = f"{registration_authority}{entity_type}{region}{organisation}"
    body += organisation_check_character(organisation)
    return body + check_character(body)


@dataclass(frozen=True)
class CheckedCode:
    code: str
    # A check failure is forgiven only for a code the registry already holds (flagged there).
    check_problem: str | None = None


def checked_uscc(value: str, problems: Collector) -> CheckedCode:
    """A code as a record or a listing names its entity: INVALID_USCC (collected) for a
    wrong shape; a failed check character is kept aside for `records.missing_entity`."""
    try:
        result = check(value)
    except MalformedUscc as error:
        problems.add("INVALID_USCC", error.message, "uscc")
        return CheckedCode(normalise(value))
    return CheckedCode(result.code, None if result.valid else result.message)
