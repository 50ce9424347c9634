"""sign-in: the networks each user has signed in from, so a name's wait holds for new ones only

Revision ID: 0015_sign_in_known_addresses
Revises: 0014_sign_in_delays
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0015_sign_in_known_addresses"
down_revision: str | None = "0014_sign_in_delays"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_known_address",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "network"),
    )
    op.create_index(
        "ix_sign_in_known_address_last_signed_in_at", "sign_in_known_address", ["last_signed_in_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_sign_in_known_address_last_signed_in_at", table_name="sign_in_known_address")
    op.drop_table("sign_in_known_address")
