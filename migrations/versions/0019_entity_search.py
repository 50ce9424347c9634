"""search: former names (曾用名) and the text index behind searchEntities

SQLite: an FTS5 table with the trigram tokenizer, kept current by triggers in the writing
transaction. PostgreSQL: pg_trgm GIN indexes on the searched columns. Both filled from the
rows already there.

Revision ID: 0019_entity_search
Revises: 0018_statistics_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0019_entity_search"
down_revision: str | None = "0018_statistics_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The former names of one entity, one a line, as the index holds them.
_FORMER = "(SELECT group_concat(f.name, char(10)) FROM entity_former_name AS f WHERE f.entity_id = {id})"
_SQLITE = [
    "CREATE VIRTUAL TABLE entity_search USING fts5("
    "name, former_names, uscc, legal_representative, address, tokenize='trigram')",
    "CREATE TRIGGER entity_search_added AFTER INSERT ON market_entity BEGIN "
    "INSERT INTO entity_search(rowid, name, former_names, uscc, legal_representative, address) "
    f"VALUES (new.id, new.name, coalesce({_FORMER.format(id='new.id')}, ''), new.uscc, "
    "new.legal_representative, new.address); END",
    "CREATE TRIGGER entity_search_changed AFTER UPDATE OF name, uscc, legal_representative, address "
    "ON market_entity BEGIN UPDATE entity_search SET name = new.name, uscc = new.uscc, "
    "legal_representative = new.legal_representative, address = new.address WHERE rowid = new.id; END",
    "CREATE TRIGGER entity_search_removed AFTER DELETE ON market_entity BEGIN "
    "DELETE FROM entity_search WHERE rowid = old.id; END",
    "CREATE TRIGGER entity_search_former_added AFTER INSERT ON entity_former_name BEGIN "
    f"UPDATE entity_search SET former_names = coalesce({_FORMER.format(id='new.entity_id')}, '') "
    "WHERE rowid = new.entity_id; END",
    "CREATE TRIGGER entity_search_former_removed AFTER DELETE ON entity_former_name BEGIN "
    f"UPDATE entity_search SET former_names = coalesce({_FORMER.format(id='old.entity_id')}, '') "
    "WHERE rowid = old.entity_id; END",
    "INSERT INTO entity_search(rowid, name, former_names, uscc, legal_representative, address) "
    f"SELECT e.id, e.name, coalesce({_FORMER.format(id='e.id')}, ''), e.uscc, e.legal_representative, e.address "
    "FROM market_entity AS e",
]
# (index, table, column): every searched column, by trigram.
_TRIGRAM_INDEXES = [
    ("ix_search_market_entity_name", "market_entity", "name"),
    ("ix_search_market_entity_uscc", "market_entity", "uscc"),
    ("ix_search_market_entity_legal_representative", "market_entity", "legal_representative"),
    ("ix_search_market_entity_address", "market_entity", "address"),
    ("ix_search_entity_former_name_name", "entity_former_name", "name"),
]


def upgrade() -> None:
    op.create_table(
        "entity_former_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["market_entity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entity_former_name_entity_id", "entity_former_name", ["entity_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in _TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("added", "changed", "removed", "former_added", "former_removed"):
            op.execute(f"DROP TRIGGER entity_search_{trigger}")
        op.execute("DROP TABLE entity_search")
    else:
        for name, _, _ in _TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX {name}")
    op.drop_index("ix_entity_former_name_entity_id", table_name="entity_former_name")
    op.drop_table("entity_former_name")
