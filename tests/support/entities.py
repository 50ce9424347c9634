"""Market entities as the tests register them: the full registration mutation, USCCs, a good registration."""

from __future__ import annotations

from typing import Any

from services.registry import uscc

REGISTER = """
mutation Register($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    created changed scopeChanged
    entity { uscc name status dataQualityIssue registeredCapital businessScope regionCode
             registrationAuthority { code } persons { personId role name sharePercent title } }
    errors { field code message }
  }
}
"""

# What the notice tests read back: the entity and the notices its registration raised.
REGISTER_FOR_NOTICES = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) { entity { uscc } notices { id matter { code } department { code } } errors { code } }
}
"""
REGISTER_FOR_ROUTING = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) { entity { uscc } notices { id department { code } } errors { code } }
}
"""


def new_code(region: str = "210202", body: str = "MA0QW3R8", type_digit: str = "1") -> str:
    return uscc.compose("9", type_digit, region, body)


def registration(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": new_code(),
        "name": "大连海韵餐饮管理有限公司",
        "entityType": "COMPANY",
        "legalRepresentative": "王海燕",
        "legalRepresentativeIdNumber": "210202198001011234",
        "registeredCapital": "1000000.00",
        "establishedOn": "2024-03-15",
        "regionCode": "210202",
        "address": "辽宁省大连市中山区人民路 28 号",
        "industryCode": "H6210",
        "businessScope": "餐饮服务；食品销售；日用百货销售",
        "persons": [
            {"name": "王海燕", "role": "SHAREHOLDER", "idNumber": "210202198001011234", "sharePercent": "60"},
            {"name": "刘志强", "role": "SHAREHOLDER", "idNumber": "210203197505052345", "sharePercent": "40"},
            {"name": "刘志强", "role": "EXECUTIVE", "idNumber": "210203197505052345", "title": "监事"},
        ],
    }
    data.update(overrides)
    return data
