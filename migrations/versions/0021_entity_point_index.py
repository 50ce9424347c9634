"""registry: a spatial index over the entities' points, for a box of any shape

The (longitude, latitude) btree serves only a box's longitude range: a thin band of latitude
across the city read its whole longitude slice. SQLite: an R*Tree `entity_point` (rtree_i32: the
six-place scaled integers exactly), one entry per entity with coordinates, kept by triggers in
the writing transaction and filled from the rows already there. PostgreSQL: a GiST index on
point(longitude, latitude). market_entity is not rebuilt (a batch rebuild would drop the
triggers of this index and of the text index). The btree stays: it counts a crowded box.

Revision ID: 0021_entity_point_index
Revises: 0020_short_fragment_index
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0021_entity_point_index"
down_revision: str | None = "0020_short_fragment_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POINT = "new.id, new.longitude, new.longitude, new.latitude, new.latitude"
_SQLITE = [
    "CREATE VIRTUAL TABLE entity_point USING rtree_i32(id, min_longitude, max_longitude, min_latitude, max_latitude)",
    "CREATE TRIGGER entity_point_added AFTER INSERT ON market_entity "
    "WHEN new.longitude IS NOT NULL AND new.latitude IS NOT NULL BEGIN "
    f"INSERT INTO entity_point VALUES ({_POINT}); END",
    # A changed point (moved, or cleared with the address) replaces the entry, or only removes it.
    "CREATE TRIGGER entity_point_moved AFTER UPDATE OF longitude, latitude ON market_entity BEGIN "
    "DELETE FROM entity_point WHERE id = old.id; "
    f"INSERT INTO entity_point SELECT {_POINT} WHERE new.longitude IS NOT NULL AND new.latitude IS NOT NULL; END",
    "CREATE TRIGGER entity_point_removed AFTER DELETE ON market_entity BEGIN "
    "DELETE FROM entity_point WHERE id = old.id; END",
    "INSERT INTO entity_point SELECT id, longitude, longitude, latitude, latitude FROM market_entity "
    "WHERE longitude IS NOT NULL AND latitude IS NOT NULL",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        return
    op.execute("CREATE INDEX ix_point_market_entity ON market_entity USING gist (point(longitude, latitude))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("added", "moved", "removed"):
            op.execute(f"DROP TRIGGER entity_point_{trigger}")
        op.execute("DROP TABLE entity_point")
        return
    op.execute("DROP INDEX ix_point_market_entity")
