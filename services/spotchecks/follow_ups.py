"""The scheduled follow-ups (part of `run-jobs`): a rectification order (责令改正) whose deadline
has passed gets its follow-up task, once.

Idempotent, and safe on two machines at once: the job takes the writers' turn (the audit
chain's lock) before it reads, so a second runner reads what the first committed and finds
nothing left to do; and `inspection_task.parent_task_id` is unique, so an insert that still
meets one yields instead of failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from models import InspectionResult, InspectionTask
from services.platform import audit
from services.platform.access import principal_of, require_maintainer
from services.platform.clock import today
from services.spotchecks.consequences import open_follow_up


@dataclass(frozen=True)
class FollowUp:
    parent_task_id: int
    task_id: int
    due_on: date


async def open_due_follow_ups(session: AsyncSession, on: date | None = None) -> list[FollowUp]:
    """Every result with a rectification deadline before `on` (default today) whose task has no
    follow-up yet gets one, due FOLLOW_UP_WITHIN working days after `on`."""
    require_maintainer(principal_of(session))
    on = on or today()
    await audit.lock_chain(session)
    child = aliased(InspectionTask)
    rows = await session.scalars(
        select(InspectionTask)
        .join(InspectionResult, col(InspectionResult.task_id) == col(InspectionTask.id))
        .where(
            col(InspectionResult.rectification_due_on) < on,
            ~sa.exists().where(col(child.parent_task_id) == col(InspectionTask.id)),
        )
        .order_by(col(InspectionTask.id))
    )
    opened = []
    for parent in rows.all():
        assert parent.id is not None
        task = await open_follow_up(session, parent, on)
        if task is not None:
            assert task.id is not None
            opened.append(FollowUp(parent.id, task.id, task.due_on))
    return opened
