"""search: the last rank's spread order, the USCC in a text index of its own, the region beside both

The last rank of a search ("the text anywhere") is read in a stable order spread from the id,
`(id * 2654435761) % 4294967296` (services.registry.search.spread): a USCC fragment's hits
bunch in registration order (its sequence part) and in USCC order (a district's code), and a walk
in either read every row before the bunch. Two indexes hold that order, the city's and each
district's, on both engines.


A district department's search of a fragment that many entities of other districts hold (their
code digits in the USCC) read every hit to find none of its own. FTS5 pays for every row holding
all of a phrase's trigrams in any column, so a column filter or a region term ANDed to the
fragment costs as much as the hits themselves. So on SQLite:
- `entity_search` keeps the texts (name, former names, legal representative, address), where a
  fragment of another district's code is rare, and gains `region`;
- `entity_search_codes` holds the USCC and `region`, and its own vocabulary for fragments of one
  and two characters;
- `region` is one trigram per region, three private-use characters made from the code's pairs of
  characters (services.platform.text_index.region_token computes the same).
Both are rebuilt and refilled; the registry's triggers keep them current. A district's USCCs are
read by their btree where a fragment is in many USCCs city-wide: SQLite's (region_code, uscc)
index holds the rowid already; PostgreSQL gains one that holds the id too, so the read is of the
index alone (its heap read the district's every row: 0.3–0.5 s at 1,000,000).

An alembic batch rebuild of market_entity on SQLite would drop the spread indexes (SQLite's
reflection skips an index on an expression) as it would the triggers: none is done.

Revision ID: 0024_search_region
Revises: 0023_district_search_indexes
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024_search_region"
down_revision: str | None = "0023_district_search_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("added", "changed", "removed", "former_added", "former_removed")
_FORMER = "(SELECT group_concat(f.name, char(10)) FROM entity_former_name AS f WHERE f.entity_id = {id})"
_PLANE = 0xF0000
_SPREAD = "((id * 2654435761) % 4294967296)"  # as services.registry.search compiles it
_DISTRICT_CODES = "ix_search_market_entity_region_codes"
_SPREAD_INDEXES = {
    "ix_search_market_entity_spread": _SPREAD,
    "ix_search_market_entity_region_spread": f"region_code, {_SPREAD}",
}


def _ended(value: str) -> str:
    # Two sentinels after every text column, as migration 0020 put them (the short fragments' index).
    return f"coalesce({value}, '') || char(1, 1)"


def _pair(code: str, at: int) -> str:
    high, low = (f"coalesce(unicode(substr({code}, {i}, 1)), 0) % 256" for i in (at, at + 1))
    return f"{_PLANE} + ({high}) * 256 + ({low})"


def _token(code: str) -> str:
    return f"char({_pair(code, 1)}, {_pair(code, 3)}, {_pair(code, 5)})"


def _former(key: str) -> str:
    return _ended(f"coalesce({_FORMER.format(id=key)}, '')")


def _split() -> list[str]:
    texts = "name, former_names, legal_representative, address, region"

    def text_values(row: str, former: str) -> str:
        ended = (_ended(f"{row}.{column}") for column in ("name", "legal_representative", "address"))
        name, legal, address = ended
        return f"{row}.id, {name}, {former}, {legal}, {address}, {_token(f'{row}.region_code')}"

    def code_values(row: str) -> str:
        return f"{row}.id, {_ended(f'{row}.uscc')}, {_token(f'{row}.region_code')}"

    return [
        f"CREATE VIRTUAL TABLE entity_search USING fts5({texts}, tokenize='trigram')",
        "CREATE VIRTUAL TABLE entity_search_codes USING fts5(uscc, region, tokenize='trigram')",
        "CREATE TRIGGER entity_search_added AFTER INSERT ON market_entity BEGIN "
        f"INSERT INTO entity_search(rowid, {texts}) VALUES ({text_values('new', _former('new.id'))}); "
        f"INSERT INTO entity_search_codes(rowid, uscc, region) VALUES ({code_values('new')}); END",
        "CREATE TRIGGER entity_search_changed AFTER UPDATE OF name, uscc, legal_representative, address, region_code "
        f"ON market_entity BEGIN UPDATE entity_search SET name = {_ended('new.name')}, "
        f"legal_representative = {_ended('new.legal_representative')}, address = {_ended('new.address')}, "
        f"region = {_token('new.region_code')} WHERE rowid = new.id; "
        f"UPDATE entity_search_codes SET uscc = {_ended('new.uscc')}, region = {_token('new.region_code')} "
        "WHERE rowid = new.id; END",
        "CREATE TRIGGER entity_search_removed AFTER DELETE ON market_entity BEGIN "
        "DELETE FROM entity_search WHERE rowid = old.id; DELETE FROM entity_search_codes WHERE rowid = old.id; END",
        "CREATE TRIGGER entity_search_former_added AFTER INSERT ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {_former('new.entity_id')} WHERE rowid = new.entity_id; END",
        "CREATE TRIGGER entity_search_former_removed AFTER DELETE ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {_former('old.entity_id')} WHERE rowid = old.entity_id; END",
        f"INSERT INTO entity_search(rowid, {texts}) SELECT {text_values('e', _former('e.id'))} FROM market_entity AS e",
        f"INSERT INTO entity_search_codes(rowid, uscc, region) SELECT {code_values('e')} FROM market_entity AS e",
        "CREATE VIRTUAL TABLE entity_search_instances USING fts5vocab(entity_search, 'instance')",
        "CREATE VIRTUAL TABLE entity_search_codes_instances USING fts5vocab(entity_search_codes, 'instance')",
    ]


def _joined() -> list[str]:
    """Migration 0020's one table, as it was."""
    columns = "name, former_names, uscc, legal_representative, address"

    def values(row: str, former: str) -> str:
        name, uscc, legal, address = (_ended(f"{row}.{c}") for c in ("name", "uscc", "legal_representative", "address"))
        return f"{row}.id, {name}, {former}, {uscc}, {legal}, {address}"

    return [
        f"CREATE VIRTUAL TABLE entity_search USING fts5({columns}, tokenize='trigram')",
        "CREATE TRIGGER entity_search_added AFTER INSERT ON market_entity BEGIN "
        f"INSERT INTO entity_search(rowid, {columns}) VALUES ({values('new', _former('new.id'))}); END",
        "CREATE TRIGGER entity_search_changed AFTER UPDATE OF name, uscc, legal_representative, address "
        f"ON market_entity BEGIN UPDATE entity_search SET name = {_ended('new.name')}, uscc = {_ended('new.uscc')}, "
        f"legal_representative = {_ended('new.legal_representative')}, address = {_ended('new.address')} "
        "WHERE rowid = new.id; END",
        "CREATE TRIGGER entity_search_removed AFTER DELETE ON market_entity BEGIN "
        "DELETE FROM entity_search WHERE rowid = old.id; END",
        "CREATE TRIGGER entity_search_former_added AFTER INSERT ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {_former('new.entity_id')} WHERE rowid = new.entity_id; END",
        "CREATE TRIGGER entity_search_former_removed AFTER DELETE ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {_former('old.entity_id')} WHERE rowid = old.entity_id; END",
        f"INSERT INTO entity_search(rowid, {columns}) SELECT {values('e', _former('e.id'))} FROM market_entity AS e",
        "CREATE VIRTUAL TABLE entity_search_instances USING fts5vocab(entity_search, 'instance')",
    ]


def _drop(tables: Sequence[str]) -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER entity_search_{trigger}")
    for table in tables:
        op.execute(f"DROP TABLE {table}")


def upgrade() -> None:
    for name, columns in _SPREAD_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON market_entity ({columns})")
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"CREATE INDEX {_DISTRICT_CODES} ON market_entity (region_code, uscc) INCLUDE (id)")
        return
    _drop(["entity_search_instances", "entity_search"])
    for statement in _split():
        op.execute(statement)


def downgrade() -> None:
    for name in _SPREAD_INDEXES:
        op.execute(f"DROP INDEX {name}")
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"DROP INDEX {_DISTRICT_CODES}")
        return
    _drop(["entity_search_codes_instances", "entity_search_instances", "entity_search_codes", "entity_search"])
    for statement in _joined():
        op.execute(statement)
