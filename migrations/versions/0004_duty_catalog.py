"""duty catalog

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:42:57.254631
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('supervision_matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('mode', sa.Enum('APPROVAL', 'COMPETENT', name='mattermode', native_enum=False, length=32), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('line', sa.String(length=16), nullable=False),
    sa.Column('approval_level', sa.Enum('DISTRICT', 'CITY', 'PROVINCE', 'NATIONAL', name='approvallevel', native_enum=False, length=32), nullable=False),
    sa.Column('handling_department_id', sa.Integer(), nullable=True),
    sa.Column('entry_codes', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('industry_codes', sa.JSON(), nullable=False),
    sa.Column('claim_deadline_days', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['handling_department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('supervision_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_matter_line'), ['line'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_department_line'), ['line'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_line'))
        batch_op.drop_column('line')

    with op.batch_alter_table('supervision_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_matter_line'))

    op.drop_table('supervision_matter')
