"""sign-in: failed attempts under usernames that name no usable account

Revision ID: 0012_sign_in
Revises: 0011_draw
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0012_sign_in"
down_revision: str | None = "0011_draw"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
