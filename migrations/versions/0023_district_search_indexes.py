"""search: a district's entities in the orders a search page reads them, indexes of their own

A district department reads only its district's entities. A page that walks the USCC order
(a common search fragment, a zoomed-out map) read the whole registry's order and skipped the
other districts' rows, or read the district's rows and sorted them all; the names that start
with the text (ranked by name, then USCC) likewise. (region_code, uscc) and (region_code, name,
uscc) give the district's rows in those orders, and a page stops after its rows.

Revision ID: 0023_district_search_indexes
Revises: 0022_performance_index
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0023_district_search_indexes"
down_revision: str | None = "0022_performance_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_market_entity_region_uscc": ["region_code", "uscc"],
    "ix_market_entity_region_name": ["region_code", "name", "uscc"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "market_entity", columns)


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="market_entity")
