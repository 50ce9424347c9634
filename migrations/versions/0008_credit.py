"""credit

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discipline_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column(
            "listing_kind",
            sa.Enum("ABNORMAL_OPERATION", "SERIOUS_DISHONEST", name="listingkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("applied_by", sa.String(length=256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("discipline_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discipline_measure_listing_kind"), ["listing_kind"], unique=False)

    op.create_table(
        "risk_parameters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("yellow_penalties", sa.Integer(), nullable=False),
        sa.Column("red_penalties", sa.Integer(), nullable=False),
        sa.Column("complaint_count", sa.Integer(), nullable=False),
        sa.Column("red_resolution_rate", sa.BigInteger(), nullable=False),
        sa.Column("yellow_resolution_rate", sa.BigInteger(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("ABNORMAL_OPERATION", "SERIOUS_DISHONEST", name="listingkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "ANNUAL_REPORT",
                "INSTANT_DISCLOSURE",
                "FALSE_DISCLOSURE",
                "UNREACHABLE",
                "SERIOUS_VIOLATION",
                name="listingreason",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("document_number", sa.String(length=128), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column(
            "removal_reason",
            sa.Enum("CURED", "CREDIT_REPAIR", "EXPIRY", name="removalreason", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("removal_note", sa.Text(), nullable=True),
        sa.Column("removed_by_department_id", sa.Integer(), nullable=True),
        sa.Column("escalation_reminded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_listed_on"), ["listed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_removed_on"), ["removed_on"], unique=False)
        batch_op.create_index(
            "uq_listing_standing",
            ["entity_id", "kind", "reason"],
            unique=True,
            sqlite_where=sa.text("removed_on IS NULL"),
            postgresql_where=sa.text("removed_on IS NULL"),
        )

    op.create_table(
        "risk_colour_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column(
            "old_colour",
            sa.Enum("GREEN", "YELLOW", "RED", "BLACK", name="riskcolour", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column(
            "new_colour",
            sa.Enum("GREEN", "YELLOW", "RED", "BLACK", name="riskcolour", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("cause", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_colour_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_colour_change_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("from_department_id", sa.Integer(), nullable=True),
        sa.Column("to_department_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "LICENSE_REVOKED",
                "INSPECTION_FINDING",
                "ESCALATION_DUE",
                "MANUAL",
                name="referralreason",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("SENT", "ACKNOWLEDGED", "HANDLED", name="referralstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("source_key", sa.String(length=128), nullable=True),
        sa.Column("license_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["market_entity.id"],
        ),
        sa.ForeignKeyConstraint(
            ["from_department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["license.id"],
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
        ),
        sa.ForeignKeyConstraint(
            ["to_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key", "to_department_id"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_from_department_id"), ["from_department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_to_department_id"), ["to_department_id"], unique=False)

    with op.batch_alter_table("market_entity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "risk_colour",
                sa.Enum("GREEN", "YELLOW", "RED", "BLACK", name="riskcolour", native_enum=False, length=32),
                server_default="GREEN",
                nullable=False,
            )
        )
        batch_op.create_index("ix_market_entity_region_colour", ["region_code", "risk_colour"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("market_entity", schema=None) as batch_op:
        batch_op.drop_index("ix_market_entity_region_colour")
        batch_op.drop_column("risk_colour")

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_to_department_id"))
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_sent_at"))
        batch_op.drop_index(batch_op.f("ix_referral_from_department_id"))
        batch_op.drop_index(batch_op.f("ix_referral_entity_id"))

    op.drop_table("referral")
    with op.batch_alter_table("risk_colour_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_colour_change_entity_id"))

    op.drop_table("risk_colour_change")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_listing_standing",
            sqlite_where=sa.text("removed_on IS NULL"),
            postgresql_where=sa.text("removed_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_listing_removed_on"))
        batch_op.drop_index(batch_op.f("ix_listing_listed_on"))
        batch_op.drop_index(batch_op.f("ix_listing_kind"))
        batch_op.drop_index(batch_op.f("ix_listing_entity_id"))
        batch_op.drop_index(batch_op.f("ix_listing_department_id"))

    op.drop_table("listing")
    op.drop_table("risk_parameters")
    with op.batch_alter_table("discipline_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discipline_measure_listing_kind"))

    op.drop_table("discipline_measure")
