"""抽取记录: the record of tools/draw_record.md, field for field, as the API, the public pages
and the verifier read it. Before the draw it shows the seed's commitment only."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.enums import SampleKind, SpotCheckPlanStatus
from models.spotchecks import DrawRecord, DrawSelection, SpotCheckPlan
from services.platform.access import UNRESTRICTED, Operation, principal_of, require
from services.spotchecks.plans import ratio_text


def sample_json(plan: SpotCheckPlan) -> dict[str, Any]:
    """Only the members of the plan's kind are set."""
    ratios = plan.colour_ratios if plan.sample_kind is SampleKind.COLOUR_RATIO else None
    return {
        "kind": plan.sample_kind.value,
        "count": plan.sample_count if plan.sample_kind is SampleKind.COUNT else None,
        "ratio": ratio_text(plan.sample_ratio)
        if plan.sample_kind is SampleKind.RATIO and plan.sample_ratio is not None
        else None,
        "colourRatios": [{"colour": c, "ratio": r} for c, r in ratios.items()] if ratios else None,
    }


def _selections(rows: list[DrawSelection], by_colour: bool) -> list[dict[str, Any]]:
    uscc_of: dict[int | None, str] = {row.id: row.uscc for row in rows}
    replaced_by: dict[int | None, str] = {row.replaces_id: row.uscc for row in rows if row.replaces_id is not None}
    return [
        {
            "order": row.draw_order,
            "uscc": row.uscc,
            # The colours are internal: published only where the strata are colours.
            "colour": row.colour.value if by_colour else None,
            "key": row.key,
            "inspectors": [
                {"certificateNo": i["certificateNo"], "departmentCode": i["departmentCode"]} for i in row.inspectors
            ],
            "recused": list(row.recused),
            "replaces": uscc_of.get(row.replaces_id) if row.replaces_id is not None else None,
            "replacedBy": replaced_by.get(row.id),
            "replacementReason": row.replacement_reason,
        }
        for row in rows
    ]


async def record_of(session: AsyncSession, plan: SpotCheckPlan, options: dict[str, Any]) -> dict[str, Any] | None:
    """The record of a plan read already; None before approval (nothing is published yet)."""
    if plan.status is SpotCheckPlanStatus.DRAFT or plan.seed_commitment is None:
        return None
    record: dict[str, Any] = {
        "planId": str(plan.id),
        "planName": plan.name,
        "seed": None,
        "seedCommitment": plan.seed_commitment,
        "drawnAt": None,
        "drawDate": None,
        "filter": dict(plan.filter),
        "sample": sample_json(plan),
        "candidateCount": None,
        "candidateListHash": None,
        "candidates": [],
        "candidateColours": None,
        "strata": [],
        "inspectorPool": [],
        "selections": [],
    }
    if plan.status is SpotCheckPlanStatus.APPROVED:
        return record
    drawn = await session.scalar(
        select(DrawRecord).where(col(DrawRecord.plan_id) == plan.id).execution_options(**options)
    )
    if drawn is None:
        return record
    rows = await session.scalars(
        select(DrawSelection)
        .where(col(DrawSelection.plan_id) == plan.id)
        .order_by(col(DrawSelection.draw_order))
        .execution_options(**options)
    )
    by_colour = plan.sample_kind is SampleKind.COLOUR_RATIO
    record.update(
        {
            "seed": drawn.seed_hex,
            "seedCommitment": drawn.seed_commitment,
            "drawnAt": drawn.drawn_at.isoformat(),
            "drawDate": drawn.draw_date.isoformat(),
            "filter": dict(drawn.filter),
            "candidateCount": drawn.candidate_count,
            "candidateListHash": drawn.candidate_list_hash,
            "candidates": drawn.candidates.split("\n") if drawn.candidates else [],
            "candidateColours": drawn.candidate_colours.split("\n") if by_colour and drawn.candidate_colours else None,
            "strata": [dict(s) for s in drawn.strata],
            "inspectorPool": [dict(p) for p in drawn.inspector_pool],
            "selections": _selections(list(rows.all()), by_colour),
        }
    )
    return record


async def public_draw_record(session: AsyncSession, plan_id: int) -> dict[str, Any] | None:
    """What anyone may read of a plan's draw, without a login: the same for every caller, so
    read past the row policy. None for an unknown plan or one not yet approved."""
    require(principal_of(session), Operation.PUBLIC_DRAW_RECORD)
    plan = await session.get(SpotCheckPlan, plan_id, execution_options=UNRESTRICTED)
    if plan is None:
        return None
    return await record_of(session, plan, UNRESTRICTED)


async def plan_draw_record(session: AsyncSession, plan: SpotCheckPlan) -> dict[str, Any] | None:
    """A plan's record for a caller who reads the plan (its row policy)."""
    return await record_of(session, plan, {})
