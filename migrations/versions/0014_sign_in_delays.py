"""sign-in: growing delays by name and by client address; throttle rows keyed by a hash, pruned

The old rows held usernames as typed (which may be passwords typed in the wrong box): dropped
with the table, which only ever held counts that an hour makes stale anyway.

Revision ID: 0014_sign_in_delays
Revises: 0013_audit_numbered
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0014_sign_in_delays"
down_revision: str | None = "0013_audit_numbered"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("last_failed_at", sa.DateTime(), nullable=True))
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_sign_in_throttle_last_failed_at", "sign_in_throttle", ["last_failed_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttle_last_failed_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("last_failed_at")
