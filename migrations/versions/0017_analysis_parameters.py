"""analysis: the longest period an analysis may cover, a setting maintainers keep

Revision ID: 0017_analysis_parameters
Revises: 0016_entity_coordinates
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017_analysis_parameters"
down_revision: str | None = "0016_entity_coordinates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysis_parameters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("max_period_days", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("analysis_parameters")
