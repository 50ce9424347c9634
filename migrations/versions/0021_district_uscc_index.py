"""search: the entities of a district in USCC order, an index of their own

A district department reads only its district's entities. A page that walks the USCC order
(a common search fragment, a zoomed-out map) then read the whole registry's order and skipped
the other districts' rows, or read the district's rows and sorted them all; (region_code, uscc)
gives the district's rows already in USCC order, and a page stops after its rows.

Revision ID: 0021_district_uscc_index
Revises: 0020_short_fragment_index
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0021_district_uscc_index"
down_revision: str | None = "0020_short_fragment_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_market_entity_region_uscc", "market_entity", ["region_code", "uscc"])


def downgrade() -> None:
    op.drop_index("ix_market_entity_region_uscc", table_name="market_entity")
