"""spot checks

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "result_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "consequence",
            sa.Enum(
                "NONE", "ABNORMAL_LISTING_PROPOSAL", "FOLLOW_UP", name="resultconsequence", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version", "code"),
    )
    with op.batch_alter_table("result_category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_category_version"), ["version"], unique=False)

    op.create_table(
        "check_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("form_items", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "code"),
    )
    with op.batch_alter_table("check_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_item_department_id"), ["department_id"], unique=False)

    op.create_table(
        "entity_directory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "name"),
    )
    with op.batch_alter_table("entity_directory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_directory_department_id"), ["department_id"], unique=False)

    op.create_table(
        "inspector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("certificate_no", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("certificate_no"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_department_id"), ["department_id"], unique=False)

    op.create_table(
        "spot_check_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "APPROVED",
                "DRAWN",
                "IN_PROGRESS",
                "DONE",
                name="spotcheckplanstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("directory_id", sa.Integer(), nullable=True),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column(
            "sample_kind",
            sa.Enum("COUNT", "RATIO", "COLOUR_RATIO", name="samplekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("sample_count", sa.Integer(), nullable=True),
        sa.Column("sample_ratio", sa.BigInteger(), nullable=True),
        sa.Column("colour_ratios", sa.JSON(), nullable=True),
        sa.Column("inspectors_per_target", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("exclude_checked_within_days", sa.Integer(), nullable=True),
        sa.Column("seed_hex", sa.String(length=64), nullable=True),
        sa.Column("seed_commitment", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["directory_id"],
            ["entity_directory.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lead_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spot_check_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spot_check_plan_lead_department_id"), ["lead_department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spot_check_plan_status"), ["status"], unique=False)

    op.create_table(
        "draw_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("DRAWN", "REFUSED", name="drawattemptoutcome", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draw_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_attempt_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "draw_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.Column("draw_date", sa.Date(), nullable=False),
        sa.Column("seed_hex", sa.String(length=64), nullable=False),
        sa.Column("seed_commitment", sa.String(length=64), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("candidate_count", sa.Integer(), nullable=False),
        sa.Column("candidate_list_hash", sa.String(length=64), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("strata", sa.JSON(), nullable=False),
        sa.Column("inspector_pool", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id"),
    )
    op.create_table(
        "draw_selection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("draw_order", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column(
            "colour",
            sa.Enum("GREEN", "YELLOW", "RED", "BLACK", name="riskcolour", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("recused", sa.JSON(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("replacement_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["draw_selection.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "draw_order"),
        sa.UniqueConstraint("plan_id", "entity_id"),
        sa.UniqueConstraint("replaces_id"),
    )
    with op.batch_alter_table("draw_selection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_selection_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_selection_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "inspector_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspector.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inspector_id", "entity_id"),
    )
    with op.batch_alter_table("inspector_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_conflict_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspector_conflict_inspector_id"), ["inspector_id"], unique=False)

    op.create_table(
        "spot_check_plan_department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Enum("LEAD", "PARTNER", name="planrole", native_enum=False, length=32), nullable=False),
        sa.Column("inspectors_per_target", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "department_id"),
    )
    with op.batch_alter_table("spot_check_plan_department", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spot_check_plan_department_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_spot_check_plan_department_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "spot_check_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("check_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_item_id"],
            ["check_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "check_item_id"),
    )
    with op.batch_alter_table("spot_check_plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spot_check_plan_item_check_item_id"), ["check_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spot_check_plan_item_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "inspection_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("selection_id", sa.Integer(), nullable=True),
        sa.Column("parent_task_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("DRAWN", "FOLLOW_UP", name="inspectiontaskkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "ASSIGNED",
                "RECORDED",
                "PUBLISHED",
                "REPLACED",
                name="inspectiontaskstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("publish_due_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_task_id"],
            ["inspection_task.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["spot_check_plan.id"],
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["draw_selection.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("parent_task_id"),
    )
    with op.batch_alter_table("inspection_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_task_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_publish_due_on"), ["publish_due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_selection_id"), ["selection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_status"), ["status"], unique=False)

    op.create_table(
        "inspection_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("category_version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("rectification_due_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["inspection_task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    with op.batch_alter_table("inspection_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_result_rectification_due_on"), ["rectification_due_on"], unique=False
        )

    op.create_table(
        "inspection_task_inspector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspector.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["inspection_task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "inspector_id"),
    )
    with op.batch_alter_table("inspection_task_inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_task_inspector_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_task_inspector_task_id"), ["task_id"], unique=False)

    # The result categories of domain.md, version 1: every database starts with them.
    categories = sa.table(
        "result_category",
        sa.column("version", sa.Integer()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("consequence", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("set_at", sa.DateTime()),
        sa.column("set_by", sa.String()),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        categories,
        [
            {
                "version": 1,
                "code": code,
                "name": name,
                "consequence": consequence,
                "position": position,
                "set_at": now,
                "set_by": "migration",
            }
            for position, (code, name, consequence) in enumerate(_CATEGORIES, start=1)
        ],
    )


_CATEGORIES = (
    ("NO_PROBLEM", "未发现问题", "NONE"),
    ("NOT_DISCLOSED", "未按规定公示应当公示的信息", "ABNORMAL_LISTING_PROPOSAL"),
    ("FALSE_DISCLOSURE", "公示信息隐瞒真实情况、弄虚作假", "ABNORMAL_LISTING_PROPOSAL"),
    ("UNREACHABLE", "通过登记的住所（经营场所）无法联系", "ABNORMAL_LISTING_PROPOSAL"),
    ("RECTIFICATION_ORDERED", "发现问题已责令改正", "FOLLOW_UP"),
    ("PENDING_FOLLOW_UP", "发现问题待后续处理", "FOLLOW_UP"),
    ("NO_RELEVANT_BUSINESS", "未发现开展本次抽查涉及的经营活动", "NONE"),
    ("REFUSED_INSPECTION", "不配合检查情节严重", "NONE"),
    ("CLOSED_OR_LIQUIDATING", "已关闭停业或正在组织清算", "NONE"),
)


def downgrade() -> None:
    with op.batch_alter_table("inspection_task_inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_task_inspector_task_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_inspector_inspector_id"))

    op.drop_table("inspection_task_inspector")
    with op.batch_alter_table("inspection_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_result_rectification_due_on"))

    op.drop_table("inspection_result")
    with op.batch_alter_table("inspection_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_task_status"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_selection_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_publish_due_on"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_plan_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_entity_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_due_on"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_department_id"))

    op.drop_table("inspection_task")
    with op.batch_alter_table("spot_check_plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_item_plan_id"))
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_item_check_item_id"))

    op.drop_table("spot_check_plan_item")
    with op.batch_alter_table("spot_check_plan_department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_department_plan_id"))
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_department_department_id"))

    op.drop_table("spot_check_plan_department")
    with op.batch_alter_table("inspector_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_conflict_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_inspector_conflict_entity_id"))

    op.drop_table("inspector_conflict")
    with op.batch_alter_table("draw_selection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_selection_plan_id"))
        batch_op.drop_index(batch_op.f("ix_draw_selection_entity_id"))

    op.drop_table("draw_selection")
    op.drop_table("draw_record")
    with op.batch_alter_table("draw_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_attempt_plan_id"))

    op.drop_table("draw_attempt")
    with op.batch_alter_table("spot_check_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_status"))
        batch_op.drop_index(batch_op.f("ix_spot_check_plan_lead_department_id"))

    op.drop_table("spot_check_plan")
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_department_id"))

    op.drop_table("inspector")
    with op.batch_alter_table("entity_directory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_directory_department_id"))

    op.drop_table("entity_directory")
    with op.batch_alter_table("check_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_item_department_id"))

    op.drop_table("check_item")
    with op.batch_alter_table("result_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_category_version"))

    op.drop_table("result_category")
