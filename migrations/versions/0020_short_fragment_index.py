"""search: an index for fragments of one and two characters

A trigram index has nothing to look up for a shorter fragment, which was then matched row by
row: a rare or absent one read the whole registry. SQLite: the FTS5 table is refilled with
each column followed by two sentinel characters, so every one- or two-character fragment
begins some trigram; its rows are those of the trigrams in the term range [fragment,
fragment + U+10FFFF), read from the fts5vocab table `entity_search_instances`. PostgreSQL: a
GIN index over each entity's distinct one- and two-character substrings, lower-cased.
market_entity is not rebuilt (a batch rebuild would drop the index's triggers).

Revision ID: 0020_short_fragment_index
Revises: 0019_entity_search
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0020_short_fragment_index"
down_revision: str | None = "0019_entity_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("added", "changed", "removed", "former_added", "former_removed")
_FORMER = "(SELECT group_concat(f.name, char(10)) FROM entity_former_name AS f WHERE f.entity_id = {id})"


def _ended(value: str) -> str:
    # Two sentinels after every column: the last one or two characters then begin a trigram too.
    return f"coalesce({value}, '') || char(1, 1)"


def _sqlite(ended: bool) -> list[str]:
    end = _ended if ended else (lambda value: value)
    former = {
        key: end(f"coalesce({_FORMER.format(id=key)}, '')")
        for key in ("new.id", "new.entity_id", "old.entity_id", "e.id")
    }
    return [
        "CREATE VIRTUAL TABLE entity_search USING fts5("
        "name, former_names, uscc, legal_representative, address, tokenize='trigram')",
        "CREATE TRIGGER entity_search_added AFTER INSERT ON market_entity BEGIN "
        "INSERT INTO entity_search(rowid, name, former_names, uscc, legal_representative, address) "
        f"VALUES (new.id, {end('new.name')}, {former['new.id']}, {end('new.uscc')}, "
        f"{end('new.legal_representative')}, {end('new.address')}); END",
        "CREATE TRIGGER entity_search_changed AFTER UPDATE OF name, uscc, legal_representative, address "
        f"ON market_entity BEGIN UPDATE entity_search SET name = {end('new.name')}, uscc = {end('new.uscc')}, "
        f"legal_representative = {end('new.legal_representative')}, address = {end('new.address')} "
        "WHERE rowid = new.id; END",
        "CREATE TRIGGER entity_search_removed AFTER DELETE ON market_entity BEGIN "
        "DELETE FROM entity_search WHERE rowid = old.id; END",
        "CREATE TRIGGER entity_search_former_added AFTER INSERT ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {former['new.entity_id']} WHERE rowid = new.entity_id; END",
        "CREATE TRIGGER entity_search_former_removed AFTER DELETE ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {former['old.entity_id']} WHERE rowid = old.entity_id; END",
        "INSERT INTO entity_search(rowid, name, former_names, uscc, legal_representative, address) "
        f"SELECT e.id, {end('e.name')}, {former['e.id']}, {end('e.uscc')}, {end('e.legal_representative')}, "
        f"{end('e.address')} FROM market_entity AS e",
    ]


def _drop_sqlite() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER entity_search_{trigger}")
    op.execute("DROP TABLE entity_search")


# Every substring of one or two characters of the texts, lower-cased (GIN keeps each key once);
# a line break between the texts, so no pair spans two of them. IMMUTABLE: an index's.
_GRAMS = """CREATE FUNCTION entity_short_grams(VARIADIC parts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT string_to_array(l, NULL) || ARRAY(SELECT substr(l, i, 2) FROM generate_series(1, length(l) - 1) AS i)
FROM lower(array_to_string(parts, E'\\n')) AS l
$$"""
_GRAM_INDEXES = [
    ("ix_search_market_entity_short", "market_entity", "name, uscc, legal_representative, address"),
    ("ix_search_entity_former_name_short", "entity_former_name", "name"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite()
        for statement in _sqlite(ended=True):
            op.execute(statement)
        op.execute("CREATE VIRTUAL TABLE entity_search_instances USING fts5vocab(entity_search, 'instance')")
        return
    op.execute(_GRAMS)
    for name, table, columns in _GRAM_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (entity_short_grams({columns}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE entity_search_instances")
        _drop_sqlite()
        for statement in _sqlite(ended=False):
            op.execute(statement)
        return
    for name, _, _ in _GRAM_INDEXES:
        op.execute(f"DROP INDEX {name}")
    op.execute("DROP FUNCTION entity_short_grams(text[])")
