"""catalog versions

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("matters", sa.JSON(), nullable=False),
        sa.Column("matter_count", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("market_entity", schema=None) as batch_op:
        # Existing entities were registered without entry codes.
        batch_op.add_column(sa.Column("scope_entry_codes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catalog_version_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_catalog_version_id"), ["catalog_version_id"], unique=False)
        batch_op.create_foreign_key("fk_notice_catalog_version_id", "catalog_version", ["catalog_version_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notice_catalog_version_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notice_catalog_version_id"))
        batch_op.drop_column("catalog_version_id")

    with op.batch_alter_table("market_entity", schema=None) as batch_op:
        batch_op.drop_column("scope_entry_codes")

    op.drop_table("catalog_version")
