"""search: the entity's region in SQLite's text index

A district department's search of a fragment that many entities of other districts hold (their
code digits in the USCC) read every hit to find none of its own: FTS5 held no district. The
FTS5 table gains a column `region` holding one trigram per region, three private-use characters
made from the code's pairs of characters (services.platform.text_index.region_token computes
the same), so a desk's query asks FTS5 for its district's hits only. The table is rebuilt and
refilled; its triggers keep the region current. PostgreSQL's GIN indexes sit beside the region's
btree already: nothing changes there.

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


def _ended(value: str) -> str:
    # Two sentinels after every text column, as migration 0020 put them (the short fragments' index).
    return f"coalesce({value}, '') || char(1, 1)"


def _pair(code: str, at: int) -> str:
    high, low = (f"coalesce(unicode(substr({code}, {i}, 1)), 0) % 256" for i in (at, at + 1))
    return f"{_PLANE} + ({high}) * 256 + ({low})"


def _token(code: str) -> str:
    return f"char({_pair(code, 1)}, {_pair(code, 3)}, {_pair(code, 5)})"


def _sqlite(region: bool) -> list[str]:
    former = {
        key: _ended(f"coalesce({_FORMER.format(id=key)}, '')")
        for key in ("new.id", "new.entity_id", "old.entity_id", "e.id")
    }
    columns = "name, former_names, uscc, legal_representative, address" + (", region" if region else "")

    def values(row: str, own_former: str) -> str:
        texts = f"{_ended(f'{row}.name')}, {own_former}, {_ended(f'{row}.uscc')}, {_ended(f'{row}.legal_representative')}, {_ended(f'{row}.address')}"
        return texts + (f", {_token(f'{row}.region_code')}" if region else "")

    changed = "name, uscc, legal_representative, address" + (", region_code" if region else "")
    set_region = f", region = {_token('new.region_code')}" if region else ""
    return [
        f"CREATE VIRTUAL TABLE entity_search USING fts5({columns}, tokenize='trigram')",
        "CREATE TRIGGER entity_search_added AFTER INSERT ON market_entity BEGIN "
        f"INSERT INTO entity_search(rowid, {columns}) VALUES (new.id, {values('new', former['new.id'])}); END",
        f"CREATE TRIGGER entity_search_changed AFTER UPDATE OF {changed} ON market_entity BEGIN "
        f"UPDATE entity_search SET name = {_ended('new.name')}, uscc = {_ended('new.uscc')}, "
        f"legal_representative = {_ended('new.legal_representative')}, address = {_ended('new.address')}{set_region} "
        "WHERE rowid = new.id; END",
        "CREATE TRIGGER entity_search_removed AFTER DELETE ON market_entity BEGIN "
        "DELETE FROM entity_search WHERE rowid = old.id; END",
        "CREATE TRIGGER entity_search_former_added AFTER INSERT ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {former['new.entity_id']} WHERE rowid = new.entity_id; END",
        "CREATE TRIGGER entity_search_former_removed AFTER DELETE ON entity_former_name BEGIN "
        f"UPDATE entity_search SET former_names = {former['old.entity_id']} WHERE rowid = old.entity_id; END",
        f"INSERT INTO entity_search(rowid, {columns}) SELECT e.id, {values('e', former['e.id'])} FROM market_entity AS e",
        "CREATE VIRTUAL TABLE entity_search_instances USING fts5vocab(entity_search, 'instance')",
    ]


def _rebuild(region: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE entity_search_instances")
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER entity_search_{trigger}")
    op.execute("DROP TABLE entity_search")
    for statement in _sqlite(region):
        op.execute(statement)


def upgrade() -> None:
    _rebuild(region=True)


def downgrade() -> None:
    _rebuild(region=False)
