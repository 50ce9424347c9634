"""The public pages at /public: what the law makes public, read-only and without a login.

For now the draw records (双随机、一公开): `/public/draws/{planId}` (the page, with the plan's
published inspection results),
`/public/draws/{planId}.json` (the record of tools/draw_record.md) and
`/public/draws/{planId}/candidates.txt` (the candidate list whose sha256 the record gives)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from models import Department, Region
from services.platform.access import UNRESTRICTED
from services.platform.db import Database
from services.platform.ids import row_id
from services.platform.labels import label
from services.platform.principal import Principal
from services.spotchecks.directory import describe
from services.spotchecks.draw_record import public_draw_record
from services.spotchecks.publication import PublishedResult, published_results_of_plan

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_COLOURS = {"GREEN": "绿色", "YELLOW": "黄色", "RED": "红色", "BLACK": "黑色"}
_KINDS = {"COUNT": "按数量", "RATIO": "按比例", "COLOUR_RATIO": "按风险颜色分别定比例"}
# The GraphQL query that returns the same record (the verifier accepts its response too).
QUERY = (
    "query($planId: ID!) { publicDrawRecord(planId: $planId) { planId planName seed seedCommitment drawnAt drawDate "
    "filter "
    "sample { kind count ratio colourRatios { colour ratio } } candidateCount candidateListHash candidates "
    "candidateColours strata { colour size sampleSize } inspectorPool { departmentCode perTarget certificateNos } "
    "selections { order uscc colour key inspectors { certificateNo departmentCode } recused replaces replacedBy "
    "replacementReason } } }"
)


async def _record(db: Database, raw: str) -> dict[str, Any] | None:
    plan_id = row_id(raw)  # the one id rule: bounded, so a huge number is no row, not a database error
    if plan_id is None:
        return None
    async with db.session(Principal.anonymous()) as session:
        return await public_draw_record(session, plan_id)


async def _results(db: Database, record: dict[str, Any]) -> list[PublishedResult]:
    if record["seed"] is None:
        return []
    async with db.session(Principal.anonymous()) as session:
        return await published_results_of_plan(session, int(record["planId"]))


async def _names(db: Database, record: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Region and department names for the page (public catalog data)."""
    codes = [p["departmentCode"] for p in record["inspectorPool"]]
    async with db.session(Principal.system()) as session:
        regions = dict((await session.execute(select(col(Region.code), col(Region.name)))).all())
        departments = dict(
            (
                await session.execute(
                    select(col(Department.code), col(Department.name))
                    .where(col(Department.code).in_(codes))
                    .execution_options(**UNRESTRICTED)
                )
            ).all()
        )
    return regions, departments


def _not_found(plan_id: str) -> Response:
    return PlainTextResponse(f"抽查计划 {plan_id} 不存在或尚未公布抽取记录", status_code=404)


def mount_public(app: Starlette, db: Database) -> None:
    async def draw_json(request: Request) -> Response:
        plan_id = request.path_params["plan_id"]
        record = await _record(db, plan_id)
        if record is None:
            return _not_found(plan_id)
        body = json.dumps(record, ensure_ascii=False, indent=1)
        return Response(body, media_type="application/json; charset=utf-8")

    async def candidates(request: Request) -> Response:
        plan_id = request.path_params["plan_id"]
        record = await _record(db, plan_id)
        if record is None or record["seed"] is None:
            return _not_found(plan_id)
        # Exactly the hashed text: the USCCs joined by line breaks, no trailing one.
        return PlainTextResponse("\n".join(record["candidates"]), headers={"Content-Disposition": "inline"})

    async def page(request: Request) -> Response:
        plan_id = request.path_params["plan_id"]
        record = await _record(db, plan_id)
        if record is None:
            return HTMLResponse(TEMPLATES.get_template("draw_missing.html").render(plan_id=plan_id), status_code=404)
        regions, departments = await _names(db, record)
        html = TEMPLATES.get_template("draw.html").render(
            record=record,
            filter_text=describe(record["filter"], regions),
            departments=departments,
            colours=_COLOURS,
            kinds=_KINDS,
            label=label,
            query=QUERY,
            replacements=[s for s in record["selections"] if s["replaces"]],
            results=await _results(db, record),
        )
        return HTMLResponse(html)

    app.router.routes.extend(
        [
            Route("/public/draws/{plan_id}.json", draw_json),
            Route("/public/draws/{plan_id}/candidates.txt", candidates),
            Route("/public/draws/{plan_id}", page),
        ]
    )
