"""The USCC check of domain.md, on real codes and on wrong ones."""

import pytest

from services.registry import uscc

REAL_VALID = [
    "91350100M000100Y43",
    "91110000100006485K",
    "91110000710925462X",
    "914403001922038216",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", REAL_VALID)
def test_real_codes_pass_both_checks(code: str) -> None:
    result = uscc.check(code)
    assert result.valid and result.code == code


def test_input_is_trimmed_and_upper_cased() -> None:
    assert uscc.check("  91110108551385082q \n").code == "91110108551385082Q"


def test_real_code_in_use_with_a_wrong_check_character_says_which() -> None:
    result = uscc.check("91350203M0001QKT19")
    assert result.check is uscc.UsccCheck.CHECK_CHARACTER
    assert result.message is not None and "第 18 位" in result.message and "“9”" in result.message


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9135010", "应为 18 位，实际为 7 位"),
        ("91350100M000100Y4300", "实际为 20 位"),
        ("91350100M00010OY43", "第 15 位的字符“O”"),
        ("9135010SM000100Y43", "第 8 位的字符“S”"),
        ("91350100M0001-0Y43", "第 14 位的字符“-”"),
    ],
)
def test_malformed_codes_are_rejected_with_the_reason(code: str, fragment: str) -> None:
    with pytest.raises(uscc.MalformedUscc) as caught:
        uscc.check(code)
    assert fragment in caught.value.message


def test_each_single_character_change_is_caught() -> None:
    code = REAL_VALID[0]
    for position in range(18):
        for replacement in uscc.ALPHABET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            assert not uscc.check(changed).valid, changed


def test_organisation_code_check_tells_a_lucky_code_apart() -> None:
    # A body whose mod-31 check is right but whose GB 11714 check is not.
    body = "9121020212345678"
    wrong_org = body + ("0" if uscc.organisation_check_character(body[8:16]) != "0" else "1")
    code = wrong_org + uscc.check_character(wrong_org)
    result = uscc.check(code)
    assert result.check is uscc.UsccCheck.ORGANISATION_CODE
    assert result.message is not None and "组织机构代码" in result.message


def test_compose_makes_codes_that_pass() -> None:
    code = uscc.compose("9", "1", "210202", "MA0QW3R8")
    assert len(code) == 18 and uscc.check(code).valid
