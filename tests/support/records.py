"""双归集 one record at a time: the record mutations and a good license and penalty."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.platform.clock import today

LICENSE = """
mutation($i: RecordLicenseInput!) {
  recordLicense(input: $i) {
    outcome license { documentNumber content status longTerm partyName authorityName publicUntil
                      sourceDepartment { code } }
    errors { field code message }
  }
}
"""


PENALTY = """
mutation($i: RecordPenaltyInput!) {
  recordPenalty(input: $i) {
    outcome penalty { documentNumber categories fineAmount publicUntil status }
    revokedLicense { licenseNumber status statusReason }
    errors { field code message }
  }
}
"""


WITHDRAW = """
mutation($i: WithdrawPenaltyInput!) { withdrawPenalty(input: $i) { penalty { status statusReason } errors { code } } }
"""


COMPLAINT = """
mutation($i: RecordComplaintInput!) {
  recordComplaint(input: $i) { outcome complaint { reference resolved resolvedOn } errors { field code } }
}
"""


def license(uscc: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": uscc,
        "documentNumber": "大卫公许字〔2026〕第 0012 号",
        "documentName": "公共场所卫生许可决定书",
        "category": "ORDINARY",
        "certificateName": "公共场所卫生许可证",
        "licenseNumber": "辽卫公证字〔2026〕第 210200-0012 号",
        "content": "住宿、美容美发场所卫生许可",
        "decisionDate": (today() - timedelta(days=30)).isoformat(),
        "validFrom": (today() - timedelta(days=30)).isoformat(),
        "validTo": "2099-12-31",
    }
    data.update(overrides)
    return data


def penalty(uscc: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": uscc,
        "documentNumber": "大市监罚〔2026〕88 号",
        "violationType": "经营超过保质期的食品",
        "facts": "当事人在其经营场所销售超过保质期的预包装食品 12 件。",
        "basis": "《中华人民共和国食品安全法》第一百二十四条",
        "categories": ["WARNING", "FINE"],
        "content": "警告，罚款人民币伍万元整",
        "fineAmount": "50000.00",
        "decisionDate": (today() - timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data
