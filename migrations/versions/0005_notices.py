"""notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 00:47:47.981538
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('PUSHED', 'CLAIMED', 'FORWARDED', 'RETURNED', 'FEEDBACK_GIVEN', name='noticestatus', native_enum=False, length=32), nullable=False),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('forwarded_from_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('feedback_kind', sa.Enum('LICENSE_GRANTED', 'APPLIED_PENDING', 'NOT_APPLIED', 'NO_LICENSE_NEEDED', name='feedbackkind', native_enum=False, length=32), nullable=True),
    sa.Column('license_number', sa.String(length=64), nullable=True),
    sa.Column('feedback_note', sa.Text(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], ),
    sa.ForeignKeyConstraint(['forwarded_from_id'], ['notice.id'], ),
    sa.ForeignKeyConstraint(['matter_id'], ['supervision_matter.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity_id', 'matter_id', 'department_id')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_status'))
        batch_op.drop_index(batch_op.f('ix_notice_matter_id'))
        batch_op.drop_index(batch_op.f('ix_notice_entity_id'))
        batch_op.drop_index(batch_op.f('ix_notice_department_id'))
        batch_op.drop_index(batch_op.f('ix_notice_deadline'))

    op.drop_table('notice')
