"""监管职责目录 over the API: the upsert mutation and a good new matter."""

from __future__ import annotations

from typing import Any

UPSERT = """
mutation($i: UpsertSupervisionMatterInput!) {
  upsertSupervisionMatter(input: $i) {
    matter { code name line approvalLevel keywords claimDeadlineDays handlingDepartment { code } }
    errors { field code message }
  }
}
"""


def matter(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "XD-CP",
        "name": "消毒产品生产企业卫生许可",
        "mode": "APPROVAL",
        "legalBasis": "《消毒管理办法》第二十条",
        "line": "WJ",
        "approvalLevel": "CITY",
        "effectiveFrom": "2026-01-01",
        "keywords": ["消毒产品生产", "消毒剂生产"],
        "claimDeadlineDays": 10,
    }
    data.update(overrides)
    return data
