"""Which tables the audit log answers for row by row, and the rows it does not answer for.

A log cut back to an earlier head, resealed or not, still leaves the rows written after that head
in their tables: a token created since has no `token.created` event any more. Every table listed
in AUDITED is checked: each row has an event under its object type and key (the object id its
writer records), and a row in a state only a later change gives (a revoked token) has that
change's event too. Every table is either in AUDITED or in UNAUDITED with the reason
(tests/test_audit_anchor.py holds that), so a new table is decided on when it is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel, col

from models import (
    ApiToken,
    AuditEvent,
    Department,
    DisciplineMeasure,
    Inspector,
    Listing,
    Region,
    SpotCheckPlan,
    SupervisionMatter,
    User,
)
from services.platform.audit_labels import object_type_label

SHOWN = 5  # keys named per table; the count says the rest


@dataclass(frozen=True)
class Later:
    """Rows that `when` selects were changed by an action that writes `action`."""

    when: Callable[[], ColumnElement[bool]]
    action: str
    label: str  # the change, as people read it


@dataclass(frozen=True)
class Audited:
    model: type[SQLModel]
    key: Callable[[], ColumnElement[str] | Mapped[str]]  # the object id its events carry, in SQL
    later: tuple[Later, ...] = ()

    @property
    def object_type(self) -> str:
        return self.model.__name__


def _id_text(model: type[SQLModel]) -> Callable[[], ColumnElement[str] | Mapped[str]]:
    return lambda: sa.cast(model.id, sa.String)  # type: ignore[attr-defined]


AUDITED: tuple[Audited, ...] = (
    Audited(
        ApiToken,
        _id_text(ApiToken),
        (Later(lambda: col(ApiToken.revoked_at).is_not(None), "token.revoked", "撤销"),),
    ),
    Audited(User, lambda: col(User.username)),
    Audited(Department, lambda: col(Department.code)),
    Audited(Region, lambda: col(Region.code)),
    Audited(SupervisionMatter, lambda: col(SupervisionMatter.code)),
    Audited(DisciplineMeasure, lambda: col(DisciplineMeasure.code)),
    Audited(Inspector, lambda: col(Inspector.certificate_no)),
    Audited(SpotCheckPlan, _id_text(SpotCheckPlan)),
    Audited(Listing, _id_text(Listing)),
)

# Tables whose rows have no event each, and why.
UNAUDITED: dict[str, str] = {
    "AuditEvent": "审计日志本身",
    "AuditHead": "审计日志头",
    "SignInThrottle": "登录失败计数：失败的登录各有事件，计数本身不是变更",
    "SignInKnownAddress": "登录过的网段：每次登录成功各有 user.signed_in 事件（含客户端地址），本表由它们推出",
    "CalendarDay": "一次修改记在一个“工作日历”事件（Calendar）下",
    "CatalogVersion": "目录版本记在目录导入的事件下，键为版本号以外的文件名",
    "MarketEntity": "批量登记（法人库导入、演示数据）一次只记一个 Registry 事件",
    "EntityPerson": "随市场主体登记一并记录",
    "EntityFormerName": "随市场主体变更登记一并记录（名称的变更在登记事件中）",
    "Person": "随市场主体登记一并记录",
    "Notice": "双告知由登记事件推送，记在登记事件下",
    "License": "批量导入一次只记一个导入事件",
    "Penalty": "批量导入一次只记一个导入事件",
    "Complaint": "批量导入一次只记一个导入事件",
    "Referral": "由后续步骤和演示数据成批发出，不逐行记录",
    "RiskParameters": "只有一行（current），改动记在 risk.parameters_set 下",
    "AnalysisParameters": "每次设置一行，改动记在 analysis.parameters_set 下（对象键 current）",
    "RiskColourChange": "四色警示的变更本身就是一条记录",
    "CheckItem": "事件的对象键为“部门代码:事项代码”，不在本表一列之中",
    "EntityDirectory": "事件的对象键为“部门代码:名录名称”，不在本表一列之中",
    "InspectorConflict": "回避关系记在执法检查人员（Inspector）的事件下",
    "ResultCategory": "事件的对象键不是本表一列",
    "SpotCheckPlanDepartment": "随抽查计划一并记录",
    "SpotCheckPlanItem": "随抽查计划一并记录",
    "DrawRecord": "抽取记在抽查计划的事件下",
    "DrawSelection": "抽取记在抽查计划的事件下",
    "DrawAttempt": "抽取尝试记在抽查计划的事件下",
    "InspectionTask": "抽取时成批生成，记在抽查计划的事件下",
    "InspectionTaskInspector": "随检查任务一并记录",
    "InspectionResult": "记在检查任务（InspectionTask）的事件下",
}


@dataclass(frozen=True)
class Unrecorded:
    """Rows of one table whose creation, or whose later change, the log does not hold."""

    object_type: str
    change: str | None  # None: the row itself; else the later change's label
    keys: list[str]  # the first few
    count: int

    @property
    def message(self) -> str:
        label = object_type_label(self.object_type)
        what = "行无审计记录" if self.change is None else f"行的“{self.change}”无审计记录"
        more = f" 等共 {self.count} 行" if self.count > len(self.keys) else ""
        return f"{what}：{label}（{self.object_type}）{'、'.join(self.keys)}{more}"


async def unrecorded(session: AsyncSession) -> list[Unrecorded]:
    """Every audited table's rows without their events, a table (and a later change) at a time:
    one EXCEPT each, which both engines answer by sorting or hashing, not row by row."""
    found: list[Unrecorded] = []
    for table in AUDITED:
        checks: list[tuple[str | None, ColumnElement[bool] | None, str | None]] = [(None, None, None)]
        checks += [(later.label, later.when(), later.action) for later in table.later]
        for change, when, action in checks:
            rows = sa.select(table.key()).select_from(table.model)
            if when is not None:
                rows = rows.where(when)
            events = sa.select(col(AuditEvent.object_id)).where(col(AuditEvent.object_type) == table.object_type)
            if action is not None:
                events = events.where(col(AuditEvent.action) == action)
            missing = rows.except_(events).subquery()
            key = next(iter(missing.c))
            keys = [str(k) for k in (await session.scalars(sa.select(key).order_by(key).limit(SHOWN))).all()]
            if keys:
                count = int(await session.scalar(sa.select(sa.func.count()).select_from(missing)) or 0)
                found.append(Unrecorded(table.object_type, change, keys, count))
    return found
