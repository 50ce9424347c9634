"""Shared GraphQL documents and small helpers for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from models import AuditEvent
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry import uscc
from tests.conftest import ROOT, SECRET

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


async def audit_count(db: Database) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def last_audit(db: Database, action: str | None = None) -> AuditEvent:
    """The newest audit event (of `action`, when given)."""
    async with db.session(Principal.system()) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)
        if action is not None:
            query = query.where(col(AuditEvent.action) == action)
        event = await session.scalar(query)
        assert event is not None
        return event


def error_codes(payload: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(error["field"], error["code"]) for error in payload["errors"]}


def manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
