"""Referrals (案件移送): the send mutation and the referral list."""

from __future__ import annotations

FIELDS = """
  id reason status message outcome sentAt acknowledgedAt handledAt
  entity { uscc } fromDepartment { code } toDepartment { code } license { licenseNumber status }
"""


SEND = f"""
mutation($i: SendReferralInput!) {{
  sendReferral(input: $i) {{ referral {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""


REFERRALS = f"""
query($f: ReferralFilter, $first: Int, $after: String) {{
  referrals(filter: $f, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {FIELDS} }} }}
  }}
}}
"""
