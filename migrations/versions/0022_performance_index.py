"""绩效考核: indexes that hold every column the measures count a period's notices, licences and
penalties by, so each count reads one index over the period instead of the wide table

Revision ID: 0022_performance_index
Revises: 0021_entity_point_index
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0022_performance_index"
down_revision: str | None = "0021_entity_point_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: dict[str, tuple[str, list[str]]] = {
    "ix_notice_performance": (
        "notice",
        ["pushed_at", "department_id", "status", "claimed_at", "deadline", "feedback_at"],
    ),
    "ix_license_performance": ("license", ["created_at", "source_department_id", "decision_date"]),
    "ix_penalty_performance": ("penalty", ["created_at", "source_department_id", "decision_date"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
