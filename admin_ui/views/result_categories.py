"""检查结果类别: everyone reads the version in force (and the older ones); maintainers set a new
version, the whole table at once, through services.spotchecks.result_categories."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import run_as
from models.enums import ResultConsequence
from services.platform.access import may_maintain
from services.platform.db import Database
from services.platform.ids import row_id
from services.platform.labels import choices, label
from services.spotchecks.result_categories import (
    ResultCategoryInput,
    list_categories,
    set_result_categories,
    version_in_force,
    versions,
)

# Blank rows under the table, for new categories.
SPARE_ROWS = 3


def _rows(form: Any) -> list[dict[str, str]]:
    """The table as the form sent it: codes, names and consequences by position, blank rows left out."""
    codes, names, consequences = form.getlist("code"), form.getlist("name"), form.getlist("consequence")
    rows = []
    for code, name, consequence in zip(codes, names, consequences, strict=False):
        if str(code).strip() or str(name).strip():
            rows.append({"code": str(code), "name": str(name), "consequence": str(consequence)})
    return rows


class ResultCategoriesView(CustomView):
    def __init__(self) -> None:
        super().__init__(menu_label="检查结果类别", icon="fa fa-list-ol", path="/result-categories")
        self.db: Database | None = None

    def is_accessible(self, request: Request) -> bool:
        return principal_of_request(request).is_authenticated

    async def _page(self, request: Request, **context: Any) -> Response:
        session = request.state.session
        in_force = await version_in_force(session)
        asked = request.query_params.get("version", "")
        version = row_id(asked) or in_force
        shown = await list_categories(session, version)
        editing = [{"code": c.code, "name": c.name, "consequence": c.consequence.value} for c in shown]
        assert self.templates is not None
        return self.templates.TemplateResponse(
            request=request,
            name="result_categories.html",
            context={
                "title": "检查结果类别",
                "version": version,
                "in_force": in_force,
                "versions": await versions(session),
                "categories": [(c, label(c.consequence)) for c in shown],
                "maintainer": may_maintain(principal_of_request(request)),
                "consequences": choices(ResultConsequence),
                "rows": context.pop("rows", None) or [*editing, *({} for _ in range(SPARE_ROWS))],
                "problems": [],
                "saved": None,
                **context,
            },
        )

    @route("", methods=["GET", "POST"], name="result-categories")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._page(request)
        if not may_maintain(principal_of_request(request)):
            raise HTTPException(403)  # everyone reads the table; maintainers set it
        assert self.db is not None
        rows = _rows(await request.form())
        wanted = []
        for row in rows:
            try:
                consequence = ResultConsequence(row["consequence"])
            except ValueError:
                consequence = ResultConsequence.NONE
            wanted.append(ResultCategoryInput(row["code"], row["name"], consequence))
        done, problems = await run_as(self.db, request, lambda session: set_result_categories(session, wanted))
        if problems or done is None:
            kept = [*rows, *({} for _ in range(SPARE_ROWS))]
            return await self._page(request, rows=kept, problems=[_where(p.field, p.message) for p in problems])
        return await self._page(request, saved=done.version)


def _where(field: str | None, message: str) -> str:
    """A problem of row N (field input.N-1...) says which row of the table it is."""
    parts = (field or "").split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        return f"第 {int(parts[1]) + 1} 行：{message}"
    return message
