"""What a result sets in motion (domain.md): a proposal to list the entity as abnormal, sent to
its registration authority, and follow-up tasks.

Each happens once per task whatever races: the proposal carries a source key (a referral's
second insert yields), and a task has at most one follow-up (`parent_task_id` is unique: a
second insert yields)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, InspectionTask, InspectionTaskInspector, MarketEntity, ResultCategory, SpotCheckPlan
from models.enums import InspectionTaskKind, InspectionTaskStatus, ListingReason, ReferralReason
from models.types import utcnow
from services.credit.referrals import refer_once
from services.platform import audit, calendar
from services.platform.access import UNRESTRICTED
from services.platform.db import insert_if_absent
from services.platform.labels import label

# 发现问题已责令改正: the one category that carries a rectification deadline; its follow-up
# waits for the deadline (the scheduled job), every other follow-up category's starts at once.
RECTIFICATION_ORDERED = "RECTIFICATION_ORDERED"
NO_PROBLEM = "NO_PROBLEM"
# A follow-up (复查) is due this many working days after it is created.
FOLLOW_UP_WITHIN = 10
# The abnormal-operation reason each seeded proposal category names (domain.md's 联动告知 list).
PROPOSED_REASONS = {
    "NOT_DISCLOSED": ListingReason.INSTANT_DISCLOSURE,
    "FALSE_DISCLOSURE": ListingReason.FALSE_DISCLOSURE,
    "UNREACHABLE": ListingReason.UNREACHABLE,
}


def proposal_key(task_id: int) -> str:
    return f"listing-proposal:{task_id}"


async def propose_listing(
    session: AsyncSession, task: InspectionTask, entity: MarketEntity, categories: Sequence[ResultCategory]
) -> int | None:
    """Propose an ABNORMAL_OPERATION listing to the entity's registration authority, from the
    inspecting department, naming the reasons: the new referral's id, or None (sent before, or
    the entity has no registration authority on record)."""
    assert task.id is not None
    authority = entity.registration_authority_id
    if authority is None or not categories:
        return None
    department = await session.get(Department, task.department_id)
    assert department is not None
    plan_name = None
    if task.plan_id is not None:
        # The plan's name for the message, whichever member department inspected.
        plan_name = await session.scalar(
            sa.select(col(SpotCheckPlan.name))
            .where(col(SpotCheckPlan.id) == task.plan_id)
            .execution_options(**UNRESTRICTED)
        )
    found = "、".join(category.name for category in categories)
    reasons = "、".join(
        label(PROPOSED_REASONS[category.code]) if category.code in PROPOSED_REASONS else category.name
        for category in categories
    )
    campaign = f"在“{plan_name}”抽查中" if plan_name else "在检查中"
    message = (
        f"{department.name}{campaign}检查“{entity.name}”（{entity.uscc}），检查结果为：{found}。"
        f"提请依法列入经营异常名录（列入事由：{reasons}）。"
    )
    key = proposal_key(task.id)
    assert entity.id is not None
    referral = await refer_once(
        session,
        entity_id=entity.id,
        to_department_id=authority,
        reason=ReferralReason.LISTING_PROPOSAL,
        message=message,
        source_key=key,
        from_department_id=task.department_id,
    )
    if referral is None:
        return None
    after = {"to_department_id": authority, "reason": ReferralReason.LISTING_PROPOSAL, "sourceKey": key}
    await audit.record(session, "referral.sent", "Referral", str(referral.id), None, after)
    return referral.id


async def open_follow_up(session: AsyncSession, parent: InspectionTask, on: date) -> InspectionTask | None:
    """A follow-up of `parent`: same entity, department, plan and inspectors, due
    FOLLOW_UP_WITHIN working days after `on`. None when the parent already has one (a
    concurrent insert waits, then yields)."""
    assert parent.id is not None
    due = (await calendar.for_deadline(session, on, FOLLOW_UP_WITHIN)).add_working_days(on, FOLLOW_UP_WITHIN)
    now = utcnow()
    values = {
        "plan_id": parent.plan_id,
        "parent_task_id": parent.id,
        "entity_id": parent.entity_id,
        "department_id": parent.department_id,
        "kind": InspectionTaskKind.FOLLOW_UP,
        "status": InspectionTaskStatus.ASSIGNED,
        "due_on": due,
        "created_at": now,
        "updated_at": now,
    }
    new_id = await insert_if_absent(session, InspectionTask, values, ["parent_task_id"])
    if new_id is None:
        return None
    # The parent's inspectors follow up; read unrestricted, as a job runs for every department.
    inspectors = await session.scalars(
        select(col(InspectionTaskInspector.inspector_id))
        .where(col(InspectionTaskInspector.task_id) == parent.id)
        .execution_options(**UNRESTRICTED)
    )
    inspector_ids = list(inspectors.all())
    for inspector_id in inspector_ids:
        session.add(InspectionTaskInspector(task_id=new_id, inspector_id=inspector_id))
    await session.flush()
    after = {"parent_task_id": parent.id, "due_on": due, "inspector_ids": inspector_ids, "kind": "FOLLOW_UP"}
    await audit.record(session, "inspection_task.follow_up_opened", "InspectionTask", str(new_id), None, after)
    task = await session.get(InspectionTask, new_id, execution_options=UNRESTRICTED)
    assert task is not None
    return task
