"""PostgreSQL: one index of a district's USCCs, holding the id too (index-only reads for a district
desk's USCC fragments), where 0023's (region_code, uscc) and 0024's copy of it with INCLUDE (id) were
two of a million entries each to keep on every registration. SQLite's holds the rowid already.

Revision ID: 0027_one_district_codes_index
Revises: 0026_notice_performance_reason
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027_one_district_codes_index"
down_revision: str | None = "0026_notice_performance_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MODEL = "ix_market_entity_region_uscc"
_COPY = "ix_search_market_entity_region_codes"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"DROP INDEX {_COPY}")
    op.execute(f"DROP INDEX {_MODEL}")
    op.execute(f"CREATE INDEX {_MODEL} ON market_entity (region_code, uscc) INCLUDE (id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"DROP INDEX {_MODEL}")
    op.execute(f"CREATE INDEX {_MODEL} ON market_entity (region_code, uscc)")
    op.execute(f"CREATE INDEX {_COPY} ON market_entity (region_code, uscc) INCLUDE (id)")
