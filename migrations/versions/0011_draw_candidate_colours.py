"""draw: the colour each candidate had at draw time (published for a draw by colour)

Revision ID: 0011_draw
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_draw"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("draw_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("candidate_colours", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draw_record", schema=None) as batch_op:
        batch_op.drop_column("candidate_colours")
