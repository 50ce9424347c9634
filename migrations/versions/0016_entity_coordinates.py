"""registry: an entity's coordinates (WGS-84, six places as scaled integers) and the index a box query reads

Revision ID: 0016_entity_coordinates
Revises: 0015_sign_in_known_addresses
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0016_entity_coordinates"
down_revision: str | None = "0015_sign_in_known_addresses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("market_entity") as batch:
        batch.add_column(sa.Column("longitude", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("latitude", sa.BigInteger(), nullable=True))
    op.create_index("ix_market_entity_longitude_latitude", "market_entity", ["longitude", "latitude"])


def downgrade() -> None:
    op.drop_index("ix_market_entity_longitude_latitude", table_name="market_entity")
    with op.batch_alter_table("market_entity") as batch:
        batch.drop_column("latitude")
        batch.drop_column("longitude")
