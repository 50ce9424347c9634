"""statistics: the penalties' statistics index holds their categories too, so the count by 处罚类别
reads the index alone, as the counts by department do

The categories are a JSON list, which PostgreSQL cannot order in a btree: there they are an INCLUDE
column; on SQLite, the last key column. The models cannot declare one index of two shapes, so this
migration builds it and the models leave it out (services.platform.migrate).

Revision ID: 0025_penalty_category_index
Revises: 0024_search_region
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025_penalty_category_index"
down_revision: str | None = "0024_search_region"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_penalty_statistics"
COLUMNS = ["decision_date", "source_department_id", "status", "fine_amount", "entity_id"]  # as migration 0018


def upgrade() -> None:
    op.drop_index(NAME, table_name="penalty")
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(NAME, "penalty", [*COLUMNS, "categories"])
    else:
        op.create_index(NAME, "penalty", COLUMNS, postgresql_include=["categories"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="penalty")
    op.create_index(NAME, "penalty", COLUMNS)
