"""audit: events numbered by a counter a DELETE does not rewind; the head keeps where numbering began

Revision ID: 0013_audit_numbered
Revises: 0012_sign_in

SQLite reuses the largest rowid after a DELETE unless the table is AUTOINCREMENT, which keeps the
highest number ever given in sqlite_sequence: the table is rebuilt so. PostgreSQL's id sequence
already never rewinds; it is brought down to the last event so that numbers taken by changes that
were rolled back before this version are not read as events deleted from the end of the log.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0013_audit_numbered"
down_revision: str | None = "0012_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("numbered_from", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table(
            "audit_event", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch_op:
            pass
    else:
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_event', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)"
            " FROM audit_event"
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("numbered_from")
