"""双随机、一公开: check items, inspectors, entity directories, result categories, plans,
their draws, inspection tasks and results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import (
    DrawAttemptOutcome,
    InspectionTaskKind,
    InspectionTaskStatus,
    PlanRole,
    ResultConsequence,
    RiskColour,
    SampleKind,
    SpotCheckPlanStatus,
)
from models.types import ScaledDecimal, UTCDateTime, code_list, utcnow


class CheckItem(SQLModel, table=True):
    """随机抽查事项清单: one kind of check a department may run, with its legal basis and the
    items of its result form ([{"code", "name"}], in form order)."""

    __tablename__ = "check_item"
    __table_args__ = (sa.UniqueConstraint("department_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=256)
    legal_basis: str = Field(sa_type=sa.Text)
    form_items: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Inspector(SQLModel, table=True):
    """执法检查人员名录库: one law-enforcement officer and their certificate (执法证)."""

    __tablename__ = "inspector"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    name: str = Field(max_length=64)
    certificate_no: str = Field(unique=True, max_length=32)
    valid_from: date
    valid_to: date
    active: bool = Field(default=True)
    # The admin user who signs in as this inspector (我的检查任务).
    user_id: int | None = Field(default=None, foreign_key="app_user.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InspectorConflict(SQLModel, table=True):
    """A declared conflict of interest (回避): the inspector is never assigned to the entity."""

    __tablename__ = "inspector_conflict"
    __table_args__ = (sa.UniqueConstraint("inspector_id", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    inspector_id: int = Field(foreign_key="inspector.id", index=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EntityDirectory(SQLModel, table=True):
    """检查对象名录库: a department's saved filter over the registry. The filter keys are those
    of a plan's filter (region, industry prefix, entity type, status, matter, colours)."""

    __tablename__ = "entity_directory"
    __table_args__ = (sa.UniqueConstraint("department_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    name: str = Field(max_length=128)
    filter: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResultCategory(SQLModel, table=True):
    """检查结果类别: the versioned code table; the newest version is in force, and a result
    keeps the version it was recorded under."""

    __tablename__ = "result_category"
    __table_args__ = (sa.UniqueConstraint("version", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=128)
    consequence: ResultConsequence = Field(sa_type=code_list(ResultConsequence))
    position: int = Field(default=0)
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    set_by: str = Field(max_length=128)


class SpotCheckPlan(SQLModel, table=True):
    """抽查计划: one campaign. The seed stays secret until the draw; `seed_commitment`
    (sha256 of its bytes) is published from approval."""

    __tablename__ = "spot_check_plan"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=256)
    lead_department_id: int = Field(foreign_key="department.id", index=True)
    status: SpotCheckPlanStatus = Field(sa_type=code_list(SpotCheckPlanStatus), index=True)
    directory_id: int | None = Field(default=None, foreign_key="entity_directory.id")
    filter: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    sample_kind: SampleKind = Field(sa_type=code_list(SampleKind))
    sample_count: int | None = None
    sample_ratio: Decimal | None = Field(default=None, sa_type=ScaledDecimal(4))
    colour_ratios: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)  # colour → ratio as a decimal string
    inspectors_per_target: int
    period_start: date
    period_end: date
    exclude_checked_within_days: int | None = None
    seed_hex: str | None = Field(default=None, max_length=64)
    seed_commitment: str | None = Field(default=None, max_length=64)
    created_by: str = Field(max_length=128)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    drawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SpotCheckPlanDepartment(SQLModel, table=True):
    """A department of a plan: the lead, or a partner that must accept (部门联合抽查)."""

    __tablename__ = "spot_check_plan_department"
    __table_args__ = (sa.UniqueConstraint("plan_id", "department_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spot_check_plan.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    role: PlanRole = Field(sa_type=code_list(PlanRole))
    inspectors_per_target: int  # this department's inspectors per target (the whole count in a plain plan)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SpotCheckPlanItem(SQLModel, table=True):
    __tablename__ = "spot_check_plan_item"
    __table_args__ = (sa.UniqueConstraint("plan_id", "check_item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spot_check_plan.id", index=True)
    check_item_id: int = Field(foreign_key="check_item.id", index=True)


class DrawRecord(SQLModel, table=True):
    """抽取记录: what the draw published, enough for anyone to recompute it. One per plan,
    whatever races: the unique plan is the last guard."""

    __tablename__ = "draw_record"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spot_check_plan.id", unique=True)
    drawn_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    draw_date: date  # certificates are judged valid on this day (Asia/Shanghai)
    seed_hex: str = Field(max_length=64)
    seed_commitment: str = Field(max_length=64)
    filter: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    candidate_count: int
    candidate_list_hash: str = Field(max_length=64)
    candidates: str = Field(sa_type=sa.Text)  # the USCCs, ascending, one per line
    # Each candidate's colour at draw time, one per line in the order of `candidates`; only for a
    # draw by colour, whose strata cannot be checked without them.
    candidate_colours: str | None = Field(default=None, sa_type=sa.Text)
    strata: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    # The eligible inspectors per department: [{"departmentCode", "perTarget", "certificateNos": [...]}].
    inspector_pool: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)


class DrawSelection(SQLModel, table=True):
    """One drawn entity, in draw order, with its inspectors; a replacement names the selection
    it replaces."""

    __tablename__ = "draw_selection"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "entity_id"),
        sa.UniqueConstraint("plan_id", "draw_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spot_check_plan.id", index=True)
    draw_order: int
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    uscc: str = Field(max_length=18)
    colour: RiskColour = Field(sa_type=code_list(RiskColour))
    key: str = Field(max_length=64)
    # [{"certificateNo", "departmentCode"}] as assigned, and the certificate numbers passed over for 回避.
    inspectors: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    recused: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    replaces_id: int | None = Field(default=None, foreign_key="draw_selection.id", unique=True)
    replacement_reason: str | None = Field(default=None, sa_type=sa.Text)


class DrawAttempt(SQLModel, table=True):
    """Every attempt to draw a plan, refused or not (a refusal is written after its rollback)."""

    __tablename__ = "draw_attempt"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spot_check_plan.id", index=True)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=128)
    outcome: DrawAttemptOutcome = Field(sa_type=code_list(DrawAttemptOutcome))
    code: str | None = Field(default=None, max_length=64)
    message: str | None = Field(default=None, sa_type=sa.Text)


class InspectionTask(SQLModel, table=True):
    """检查任务: one entity for one department to inspect, with its inspectors and due date.
    A follow-up names the task it follows, and each task has at most one."""

    __tablename__ = "inspection_task"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = Field(default=None, foreign_key="spot_check_plan.id", index=True)
    selection_id: int | None = Field(default=None, foreign_key="draw_selection.id", index=True)
    parent_task_id: int | None = Field(default=None, foreign_key="inspection_task.id", unique=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    kind: InspectionTaskKind = Field(sa_type=code_list(InspectionTaskKind))
    status: InspectionTaskStatus = Field(sa_type=code_list(InspectionTaskStatus), index=True)
    due_on: date = Field(index=True)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    publish_due_on: date | None = Field(default=None, index=True)  # 20 working days from recording
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InspectionTaskInspector(SQLModel, table=True):
    __tablename__ = "inspection_task_inspector"
    __table_args__ = (sa.UniqueConstraint("task_id", "inspector_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="inspection_task.id", index=True)
    inspector_id: int = Field(foreign_key="inspector.id", index=True)


class InspectionResult(SQLModel, table=True):
    """检查结果: item by item, its categories (codes of `category_version`), notes and
    attachment names; a 责令改正 carries its deadline."""

    __tablename__ = "inspection_result"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="inspection_task.id", unique=True)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    categories: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    category_version: int
    notes: str | None = Field(default=None, sa_type=sa.Text)
    attachments: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    rectification_due_on: date | None = Field(default=None, index=True)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=128)
