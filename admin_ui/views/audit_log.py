"""The audit log: read-only, maintainers only, with filters and exports.

Shown in Chinese (services.platform.audit_labels); each cell keeps the stored code in
small text beneath, for developers and for the filters, which match the codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_
from sqlmodel import col
from starlette.requests import Request
from starlette_admin import DateTimeField, EnumField, JSONField, StringField
from starlette_admin.filters import FilterGroup

from admin_ui.base import ServiceView
from models import AuditEvent
from services.platform import audit_checkpoints
from services.platform.audit_labels import (
    ACTIONS,
    OBJECT_TYPES,
    SYSTEM_ACTORS,
    Actor,
    action_label,
    actor_label,
    object_type_label,
)
from services.platform.labels import choices
from services.platform.principal import PrincipalKind
from services.platform.search import containing


class Coded(str):
    """A label that remembers the code it translates: written as the label, the code beside it."""

    code: str

    def __new__(cls, label: str, code: str) -> Coded:
        made = super().__new__(cls, label)
        made.code = code
        return made


@dataclass
class CodedField(StringField):
    list_template: str = "fields/list/coded.html"
    detail_template: str = "fields/detail/coded.html"

    async def serialize_value(self, request: Request, value: Any) -> Any:
        return value if isinstance(value, Coded) else str(value)


def _action(request: Request, event: AuditEvent) -> Coded:
    return Coded(action_label(event.action), event.action)


def _object_type(request: Request, event: AuditEvent) -> Coded:
    return Coded(object_type_label(event.object_type), event.object_type)


async def _actor(request: Request, event: AuditEvent) -> Coded:
    # A page shows the same few actors again and again: each is looked up once a request.
    known: dict[tuple[str, str, str | None], Actor] = getattr(request.state, "audit_actors", {})
    request.state.audit_actors = known
    key = (event.actor, event.actor_kind, event.department_code)
    if key not in known:
        known[key] = await actor_label(request.state.session, *key)
    return Coded(known[key].label, event.actor)


class AuditEventView(ServiceView):
    fields = [
        StringField("id", label="序号"),
        DateTimeField("occurred_at", label="时间"),
        CodedField("actor", label="操作者", getter=_actor),
        EnumField("actor_kind", label="类型", choices=choices(PrincipalKind), exclude_from_list=True),
        StringField("department_code", label="部门"),
        CodedField("action", label="操作", getter=_action),
        CodedField("object_type", label="对象类型", getter=_object_type),
        StringField("object_id", label="对象"),
        JSONField("before", label="变更前", exclude_from_list=True),
        JSONField("after", label="变更后", exclude_from_list=True),
        StringField("hash", label="哈希", exclude_from_list=True),
    ]
    searchable_fields = ["actor", "department_code", "action", "object_type", "object_id", "occurred_at"]
    sortable_fields = ["id", "occurred_at", "actor", "action"]
    fields_default_sort = [("id", True)]
    importers: list[str] = []
    page_size = 25

    list_template = "audit_log_list.html"

    def __init__(self, checkpoints: Path | None = None) -> None:
        super().__init__(AuditEvent, icon="fa fa-clipboard-list", display_name="审计日志", menu_label="审计日志")
        self.checkpoints = checkpoints

    async def find_all(
        self,
        request: Request,
        skip: int = 0,
        limit: int = 100,
        q: str | None = None,
        sorts: Sequence[tuple[str, str]] | None = None,
        filters: FilterGroup | None = None,
    ) -> Sequence[Any]:
        # The list page's context is starlette-admin's; the checkpoint's standing rides on the request.
        request.state.audit_standing = await audit_checkpoints.standing(
            request.state.session, self.checkpoints, self.db.secret_key
        )
        return await super().find_all(request, skip, limit, q, sorts, filters)

    def get_search_query(self, request: Request, term: str) -> Any:
        """The codes, as the default search reads them, and the Chinese labels: 重新评定 finds
        risk.recomputed."""
        clauses = [super().get_search_query(request, term)]  # bounds the term (ServiceView)
        columns = (AuditEvent.actor, AuditEvent.action, AuditEvent.object_type)
        clauses += [containing(column, term) for column in columns]
        for column, labels in (
            (AuditEvent.action, ACTIONS),
            (AuditEvent.object_type, OBJECT_TYPES),
            (AuditEvent.actor, SYSTEM_ACTORS),
        ):
            codes = [code for code, text in labels.items() if term and term in text]
            if codes:
                clauses.append(col(column).in_(codes))
        return or_(*clauses)

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False
