"""绩效考核: the notices' index holds the reason too, so the measures tell a claim from the open pool
(reason POOL, never pushed to the department) from a notice pushed to it while still reading the
index alone

Revision ID: 0026_notice_performance_reason
Revises: 0025_penalty_category_index
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0026_notice_performance_reason"
down_revision: str | None = "0025_penalty_category_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ["pushed_at", "department_id", "status", "claimed_at", "deadline", "feedback_at"]


def upgrade() -> None:
    op.drop_index("ix_notice_performance", table_name="notice")
    op.create_index("ix_notice_performance", "notice", [*BEFORE, "reason"])


def downgrade() -> None:
    op.drop_index("ix_notice_performance", table_name="notice")
    op.create_index("ix_notice_performance", "notice", BEFORE)
