"""statistics: indexes that hold every column the statistics count by, so each count reads one index
in its order: the registry's stock (district, industry, type, status, colour), a period's new
registrations, and a period's licences, penalties (with their fines) and complaints

Revision ID: 0018_statistics_index
Revises: 0017_analysis_parameters
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0018_statistics_index"
down_revision: str | None = "0017_analysis_parameters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: dict[str, tuple[str, list[str]]] = {
    "ix_market_entity_statistics": (
        "market_entity",
        ["region_code", "industry_code", "entity_type", "status", "risk_colour"],
    ),
    "ix_market_entity_established": ("market_entity", ["established_on", "region_code"]),
    "ix_license_statistics": ("license", ["decision_date", "source_department_id", "category", "entity_id"]),
    "ix_penalty_statistics": (
        "penalty",
        ["decision_date", "source_department_id", "status", "fine_amount", "entity_id"],
    ),
    "ix_complaint_statistics": ("complaint", ["received_on", "source_department_id", "category", "entity_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
