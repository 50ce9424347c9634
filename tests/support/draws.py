"""Spot-check plans and draws: the GraphQL documents, and the lists a draw needs (check items,
inspectors, conflicts) written directly as the system (their own API is built elsewhere)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from models import Department, MarketEntity
from models.spotchecks import CheckItem, Inspector, InspectorConflict
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api
from tests.support.api import payload_of

DISTRICT = "SCJG-210202"  # 中山区市场监督管理局, token `district`
DISTRICT_HEALTH = "WJ-210202"  # 中山区卫生健康局, token `district_health`
OTHER_DISTRICT = "SCJG-210203"  # 西岗区市场监督管理局, token `other_district`

RECORD_FIELDS = """
  planId planName seed seedCommitment drawnAt drawDate
  filter
  sample { kind count ratio colourRatios { colour ratio } }
  candidateCount candidateListHash candidates candidateColours
  strata { colour size sampleSize }
  inspectorPool { departmentCode perTarget certificateNos }
  selections {
    order uscc colour key inspectors { certificateNo departmentCode } recused replaces replacedBy replacementReason
  }
"""
PLAN_FIELDS = f"""
  id name status seedCommitment inspectorsPerTarget periodStart periodEnd excludeCheckedWithinDays checkItemCodes
  filterText leadDepartment {{ code }} departments {{ department {{ code }} role inspectorsPerTarget acceptedAt }}
  sample {{ kind count ratio colourRatios {{ colour ratio }} }}
  drawRecord {{ {RECORD_FIELDS} }}
"""
CREATE = f"""
mutation($i: CreateSpotCheckPlanInput!) {{
  createSpotCheckPlan(input: $i) {{ plan {{ {PLAN_FIELDS} }} errors {{ field code message }} }}
}}
"""
ACCEPT = f"""
mutation($id: ID!) {{ acceptSpotCheckPlan(id: $id) {{ plan {{ {PLAN_FIELDS} }} errors {{ field code message }} }} }}
"""
APPROVE = f"""
mutation($id: ID!) {{ approveSpotCheckPlan(id: $id) {{ plan {{ {PLAN_FIELDS} }} errors {{ field code message }} }} }}
"""
DRAW = f"""
mutation($id: ID!) {{
  drawSpotCheck(planId: $id) {{ plan {{ id status }} drawRecord {{ {RECORD_FIELDS} }} errors {{ field code message }} }}
}}
"""
REPLACE = """
mutation($t: ID!, $r: String!) {
  replaceDrawnEntity(taskId: $t, reason: $r) {
    plan { id } replacedUscc replacementUscc order errors { field code message }
  }
}
"""
PLAN = f"query($id: ID!) {{ spotCheckPlan(id: $id) {{ {PLAN_FIELDS} }} }}"
PUBLIC = f"query($id: ID!) {{ publicDrawRecord(planId: $id) {{ {RECORD_FIELDS} }} }}"


def plan_input(**changes: Any) -> dict[str, Any]:
    """A plain plan of 中山区市场监督管理局 over its district's active entities: 5 entities, 2 inspectors each."""
    start = today()
    values: dict[str, Any] = {
        "name": "2026年度中山区市场主体双随机抽查",
        "checkItemCodes": ["SC-01"],
        "sample": {"count": 5},
        "periodStart": start.isoformat(),
        "periodEnd": (start + timedelta(days=60)).isoformat(),
        "filter": {"regionCode": "210202", "status": "ACTIVE"},
        "inspectorsPerTarget": 2,
    }
    values.update(changes)
    return values


async def department_id(db: Database, code: str) -> int:
    async with db.session(Principal.system()) as session:
        found = await session.scalar(select(col(Department.id)).where(col(Department.code) == code))
    assert found is not None
    return found


async def add_check_item(db: Database, department: str, code: str = "SC-01", active: bool = True) -> None:
    owner = await department_id(db, department)
    session = await db.write_session(Principal.system())
    async with session:
        session.add(
            CheckItem(
                department_id=owner,
                code=code,
                name=f"{code} 检查",
                legal_basis="《企业信息公示暂行条例》",
                active=active,
            )
        )
        await session.commit()


async def add_inspectors(
    db: Database, department: str, count: int, prefix: str, valid_to: date | None = None, active: bool = True
) -> list[str]:
    """`count` inspectors of the department, certificates `prefix`001…; their certificate numbers."""
    owner = await department_id(db, department)
    numbers = [f"{prefix}{n:03d}" for n in range(1, count + 1)]
    session = await db.write_session(Principal.system())
    async with session:
        for number in numbers:
            session.add(
                Inspector(
                    department_id=owner,
                    name=f"检查员{number}",
                    certificate_no=number,
                    valid_from=today() - timedelta(days=365),
                    valid_to=valid_to or today() + timedelta(days=365),
                    active=active,
                )
            )
        await session.commit()
    return numbers


async def add_conflict(db: Database, certificate_no: str, uscc: str) -> None:
    session = await db.write_session(Principal.system())
    async with session:
        inspector = await session.scalar(
            select(col(Inspector.id)).where(col(Inspector.certificate_no) == certificate_no)
        )
        entity = await session.scalar(select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == uscc))
        assert inspector is not None and entity is not None
        session.add(InspectorConflict(inspector_id=inspector, entity_id=entity, reason="近亲属任职"))
        await session.commit()


async def create(api: Api, token: str, **changes: Any) -> dict[str, Any]:
    return await payload_of(api, CREATE, plan_input(**changes), token)


async def act(api: Api, document: str, plan_id: str, token: str) -> dict[str, Any]:
    """The payload of accept, approve or draw on one plan."""
    payload: dict[str, Any] = next(iter((await api.data(document, {"id": plan_id}, token)).values()))
    return payload


async def approved_plan(api: Api, token: str, **changes: Any) -> str:
    created = await create(api, token, **changes)
    assert created["errors"] == [], created["errors"]
    plan_id: str = created["plan"]["id"]
    approved = await act(api, APPROVE, plan_id, token)
    assert approved["errors"] == [], approved["errors"]
    return plan_id


async def drawn_plan(api: Api, token: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    plan_id = await approved_plan(api, token, **changes)
    drawn = await act(api, DRAW, plan_id, token)
    assert drawn["errors"] == [], drawn["errors"]
    record: dict[str, Any] = drawn["drawRecord"]
    return plan_id, record


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """The parts of a record that the rule recomputes."""
    return {"strata": record["strata"], "selections": record["selections"]}
