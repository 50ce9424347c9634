"""records

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Records are audited by their decision document number, which may be 128 characters.
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("object_id", existing_type=sa.String(length=64), type_=sa.String(length=128))
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_department_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "PRODUCT_QUALITY",
                "FOOD_SAFETY",
                "PRICE",
                "CONSUMER_CONTRACT",
                "ADVERTISING",
                "SERVICE_QUALITY",
                "SAFETY",
                "ENVIRONMENT",
                "LABOUR",
                "OTHER",
                name="complaintcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_department_id", "reference"),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_received_on"), ["received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_source_department_id"), ["source_department_id"], unique=False)

    op.create_table(
        "penalty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_department_id", sa.Integer(), nullable=False),
        sa.Column("party_name", sa.String(length=256), nullable=False),
        sa.Column("legal_representative", sa.String(length=128), nullable=True),
        sa.Column("document_number", sa.String(length=128), nullable=False),
        sa.Column("violation_type", sa.String(length=256), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("fine_amount", sa.BigInteger(), nullable=True),
        sa.Column("confiscated_amount", sa.BigInteger(), nullable=True),
        sa.Column("revoked_license_number", sa.String(length=128), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("authority_name", sa.String(length=256), nullable=False),
        sa.Column("public_until", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("EFFECTIVE", "REVOKED", "WITHDRAWN", "REPAIRED", name="recordstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_department_id", "document_number"),
    )
    with op.batch_alter_table("penalty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_penalty_decision_date"), ["decision_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_penalty_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_penalty_public_until"), ["public_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_penalty_source_department_id"), ["source_department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_penalty_status"), ["status"], unique=False)

    op.create_table(
        "license",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_department_id", sa.Integer(), nullable=False),
        sa.Column("party_name", sa.String(length=256), nullable=False),
        sa.Column("legal_representative", sa.String(length=128), nullable=True),
        sa.Column("document_number", sa.String(length=128), nullable=False),
        sa.Column("document_name", sa.String(length=256), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "ORDINARY",
                "FRANCHISE",
                "ACCREDITATION",
                "VERIFICATION",
                "REGISTRATION",
                "OTHER",
                name="licensecategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("certificate_name", sa.String(length=256), nullable=True),
        sa.Column("license_number", sa.String(length=128), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("authority_name", sa.String(length=256), nullable=False),
        sa.Column("public_until", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("EFFECTIVE", "REVOKED", "WITHDRAWN", "REPAIRED", name="recordstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["penalty.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_department_id", "document_number"),
    )
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_license_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_license_license_number"), ["license_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_license_public_until"), ["public_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_license_source_department_id"), ["source_department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_license_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("object_id", existing_type=sa.String(length=128), type_=sa.String(length=64))
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_license_status"))
        batch_op.drop_index(batch_op.f("ix_license_source_department_id"))
        batch_op.drop_index(batch_op.f("ix_license_public_until"))
        batch_op.drop_index(batch_op.f("ix_license_license_number"))
        batch_op.drop_index(batch_op.f("ix_license_entity_id"))

    op.drop_table("license")
    with op.batch_alter_table("penalty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_penalty_status"))
        batch_op.drop_index(batch_op.f("ix_penalty_source_department_id"))
        batch_op.drop_index(batch_op.f("ix_penalty_public_until"))
        batch_op.drop_index(batch_op.f("ix_penalty_entity_id"))
        batch_op.drop_index(batch_op.f("ix_penalty_decision_date"))

    op.drop_table("penalty")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_source_department_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_received_on"))
        batch_op.drop_index(batch_op.f("ix_complaint_entity_id"))

    op.drop_table("complaint")
