"""indexes for the colour rules: the records they count, and the history a re-rating writes

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A re-rating finds the history rows it wrote by their time.
    with op.batch_alter_table("risk_colour_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_colour_change_changed_at"), ["changed_at"], unique=False)

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_entity_id"))
        batch_op.create_index(
            "ix_complaint_entity_received", ["entity_id", "received_on", "resolved", "resolved_on"], unique=False
        )

    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_license_entity_id"))
        batch_op.create_index("ix_license_entity_status", ["entity_id", "status", "revoked_by_id"], unique=False)

    with op.batch_alter_table("penalty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_penalty_entity_id"))
        batch_op.create_index(
            "ix_penalty_entity_status_decided", ["entity_id", "status", "decision_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_colour_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_colour_change_changed_at"))

    with op.batch_alter_table("penalty", schema=None) as batch_op:
        batch_op.drop_index("ix_penalty_entity_status_decided")
        batch_op.create_index(batch_op.f("ix_penalty_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.drop_index("ix_license_entity_status")
        batch_op.create_index(batch_op.f("ix_license_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_entity_received")
        batch_op.create_index(batch_op.f("ix_complaint_entity_id"), ["entity_id"], unique=False)
