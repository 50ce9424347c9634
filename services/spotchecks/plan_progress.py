"""A plan follows its tasks: DRAWN → IN_PROGRESS on its first result, → DONE when every drawn
task is published (or replaced).

These are consequences of a task's department's own write, and a partner department changes
no plan (the row policy): so they run unrestricted, each one conditional UPDATE. Follow-up
tasks do not hold a plan open: a rectification's follow-up may come months after the campaign."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models import InspectionTask, SpotCheckPlan
from models.enums import InspectionTaskKind, InspectionTaskStatus, SpotCheckPlanStatus
from models.types import utcnow
from services.platform import audit
from services.platform.access import UNRESTRICTED

_FINISHED = (InspectionTaskStatus.PUBLISHED, InspectionTaskStatus.REPLACED)


async def _move(
    session: AsyncSession, plan_id: int, from_states: tuple[SpotCheckPlanStatus, ...], to: SpotCheckPlanStatus,
    values: dict[str, object],
) -> bool:  # fmt: skip
    moved = await session.scalar(
        sa.update(SpotCheckPlan)
        .where(col(SpotCheckPlan.id) == plan_id, col(SpotCheckPlan.status).in_(from_states))
        .values(status=to, updated_at=utcnow(), **values)
        .returning(col(SpotCheckPlan.id))
        .execution_options(synchronize_session=False, **UNRESTRICTED)
    )
    if moved is None:
        return False
    before = {"status": "/".join(state.value for state in from_states)}
    await audit.record(session, f"spot_check_plan.{to.value.lower()}", "SpotCheckPlan", str(plan_id), before,
                       {"status": to.value})  # fmt: skip
    return True


async def mark_started(session: AsyncSession, plan_id: int | None) -> bool:
    """DRAWN → IN_PROGRESS; of two first results at once, one moves it."""
    if plan_id is None:
        return False
    return await _move(session, plan_id, (SpotCheckPlanStatus.DRAWN,), SpotCheckPlanStatus.IN_PROGRESS, {})


async def mark_done_if_complete(session: AsyncSession, plan_id: int | None) -> bool:
    """→ DONE once no drawn task of the plan waits. The plan row is locked first, so that two
    departments publishing their last tasks at once take turns and the second sees the first's."""
    if plan_id is None:
        return False
    await session.execute(
        sa.select(col(SpotCheckPlan.id))
        .where(col(SpotCheckPlan.id) == plan_id)
        .with_for_update()
        .execution_options(**UNRESTRICTED)
    )
    waiting = await session.scalar(
        sa.select(sa.func.count(col(InspectionTask.id)))
        .where(
            col(InspectionTask.plan_id) == plan_id,
            col(InspectionTask.kind) == InspectionTaskKind.DRAWN,
            col(InspectionTask.status).not_in(_FINISHED),
        )
        .execution_options(**UNRESTRICTED)
    )
    if waiting:
        return False
    started = (SpotCheckPlanStatus.DRAWN, SpotCheckPlanStatus.IN_PROGRESS)
    return await _move(session, plan_id, started, SpotCheckPlanStatus.DONE, {"done_at": utcnow()})
