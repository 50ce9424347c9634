"""Spot-check plans and draws: the GraphQL documents, and the lists a draw needs (check items,
inspectors, conflicts) written directly as the system (their own API is built elsewhere)."""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlmodel import col, select

from models import Department, MarketEntity
from models.spotchecks import CheckItem, Inspector, InspectorConflict
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks.inspectors import InspectorInput, upsert_inspector
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
    """`count` inspectors of the department, certificates `prefix`001…, kept as the maintainers'
    pages keep them (with their audit events); their certificate numbers."""
    numbers = [f"{prefix}{n:03d}" for n in range(1, count + 1)]
    until = valid_to or today() + timedelta(days=365)
    session = await db.write_session(Principal.system())
    async with session:
        for number in numbers:
            await upsert_inspector(
                session,
                InspectorInput(
                    certificate_no=number,
                    name=f"检查员{number}",
                    valid_from=min(today(), until) - timedelta(days=365),
                    valid_to=until,
                    active=active,
                    department_code=department,
                ),
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


def naive_selections(record: dict[str, Any]) -> list[dict[str, Any]]:
    """tools/draw_record.md's rules 3–7 written out plainly, apart from services.spotchecks.draw_rule,
    so that a mistake in the platform's (faster) rule cannot hide behind its own recomputation."""
    seed, candidates = record["seed"], record["candidates"]
    colours = record["candidateColours"]
    sample = record["sample"]

    def key(uscc: str) -> str:
        return hashlib.sha256(f"{seed}:{uscc}".encode()).hexdigest()

    def size_of(stratum: list[str], colour: str | None) -> int:
        if sample["kind"] == "COUNT":
            return int(min(sample["count"], len(stratum)))
        if sample["kind"] == "RATIO":
            ratio = Decimal(sample["ratio"])
        else:
            found = [r["ratio"] for r in sample["colourRatios"] if r["colour"] == colour]
            if not found:
                return 0
            ratio = Decimal(found[0])
        return math.ceil(Fraction(ratio) * len(stratum))

    if colours is None:
        strata: dict[str | None, list[str]] = {None: list(candidates)}
    else:
        strata = {}
        for uscc, colour in zip(candidates, colours, strict=True):
            strata.setdefault(colour, []).append(uscc)
    chosen = []
    for colour, members in strata.items():
        ranked = sorted(members, key=lambda u: (key(u), u))
        chosen += [(key(u), u, colour) for u in ranked[: size_of(members, colour)]]
    chosen.sort()
    published = {s["order"]: s for s in record["selections"]}
    out = [
        {"order": n, "uscc": u, "colour": c, "key": k, "recused": published[n]["recused"], "replaces": None}
        for n, (k, u, c) in enumerate(chosen, start=1)
    ]
    pools = record["inspectorPool"]
    caps = {p["departmentCode"]: math.ceil(len(out) * p["perTarget"] / len(p["certificateNos"])) for p in pools}
    loads: dict[tuple[str, str], int] = {}

    def assign(selection: dict[str, Any]) -> None:
        selection["inspectors"] = []
        for pool in pools:
            code = pool["departmentCode"]
            free = [c for c in pool["certificateNos"] if c not in selection["recused"]]
            free.sort(key=lambda c: hashlib.sha256(f"{seed}:{selection['uscc']}:{c}".encode()).hexdigest())
            taken = [c for c in free if loads.get((code, c), 0) < caps[code]][: pool["perTarget"]]
            for c in taken:
                loads[(code, c)] = loads.get((code, c), 0) + 1
                selection["inspectors"].append({"certificateNo": c, "departmentCode": code})

    for selection in out:
        assign(selection)
    for replacement in sorted((s for s in record["selections"] if s["replaces"]), key=lambda s: s["order"]):
        old = next(s for s in out if s["uscc"] == replacement["replaces"])
        taken_usccs = {s["uscc"] for s in out}
        members = strata[old["colour"]] if colours is not None else candidates
        nxt = min(((key(u), u) for u in members if u not in taken_usccs), default=None)
        assert nxt is not None
        for i in old["inspectors"]:
            loads[(i["departmentCode"], i["certificateNo"])] -= 1
        new = {"order": len(out) + 1, "uscc": nxt[1], "colour": old["colour"], "key": nxt[0],
               "recused": replacement["recused"], "replaces": old["uscc"]}  # fmt: skip
        assign(new)
        out.append(new)
    return out
