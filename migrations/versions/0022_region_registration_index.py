"""search: a district's entities in registration order, an index of their own

The text found anywhere (searchEntities' last rank) is now shown in registration order (the
entity's id), not USCC order: a USCC fragment holding a district's code digits, or a street of
one district, has its matches bunched together in USCC order, and a walk by USCC read hundreds of
thousands of rows before the first. A district department's walk reads its own rows in that
order through (region_code, id) and stops after its page. (region_code, uscc) stays: box reads
and the exact name walk the USCC order.

Revision ID: 0022_region_registration_index
Revises: 0021_district_search_indexes
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0022_region_registration_index"
down_revision: str | None = "0021_district_search_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_market_entity_region_id", "market_entity", ["region_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_market_entity_region_id", table_name="market_entity")
