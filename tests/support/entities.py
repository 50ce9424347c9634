"""Market entities as the tests register them: the full registration mutation, USCCs, a good registration;
and many at once, for the lists and searches that must meet more than they read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from models import Department, MarketEntity
from models.enums import EntityStatus, EntityType, RiskColour
from services.platform.db import Database
from services.platform.principal import Principal
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
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

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


async def insert_entities(db: Database, stem: str, count: int, region: str, first: int = 0) -> list[str]:
    """`count` entities named `stem` + a number, inserted at once (the text index follows in the
    same transaction); their USCCs run the other way from their names, so an order by name and an
    order by USCC differ."""
    async with db.session(Principal.system("test")) as session:
        lead = await session.scalar(select(Department.id).where(Department.code == "SCJG-210200"))
        now = datetime.now(UTC)
        rows, codes = [], []
        for n in range(first, first + count):
            body = "MB" + "".join(ALPHABET[(30_000_000 - n) // 31**k % 31] for k in range(5, -1, -1))
            code = uscc.compose("9", "1", region, body)
            codes.append(code)
            rows.append({
                "uscc": code, "name": f"{stem}{n:04d}科技有限公司", "entity_type": EntityType.COMPANY,
                "legal_representative": "张三", "established_on": date(2020, 1, 1), "status": EntityStatus.ACTIVE,
                "region_code": region, "address": "辽宁省大连市人民路 1 号", "industry_code": "I6510",
                "business_scope": "技术服务", "scope_entry_codes": [], "registration_authority_id": lead,
                "risk_colour": RiskColour.GREEN, "created_at": now, "updated_at": now,
            })  # fmt: skip
        await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
        await session.commit()
    return codes
