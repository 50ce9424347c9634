"""statistics: one index that covers the registry's stock counts (district, industry, type, status,
colour), so they are read in the index's order without sorting a million rows

Revision ID: 0019_statistics_index
Revises: 0015_sign_in_known_addresses
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0019_statistics_index"
down_revision: str | None = "0015_sign_in_known_addresses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["region_code", "industry_code", "entity_type", "status", "risk_colour"]


def upgrade() -> None:
    op.create_index("ix_market_entity_statistics", "market_entity", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_market_entity_statistics", table_name="market_entity")
