"""entity registry, tokens and audit

Revision ID: 0001
Revises:
Create Date: 2026-11-26 23:16:14.970773
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('prev_hash')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id_number_hash')
    )

    op.create_table('region',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Enum('PROVINCE', 'CITY', 'DISTRICT', name='regionlevel', native_enum=False, length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=6), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('level', sa.Enum('CITY', 'DISTRICT', name='departmentlevel', native_enum=False, length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('is_registration_authority', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_region_code'), ['region_code'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('DEPARTMENT', 'MAINTAINER', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_department_id'), ['department_id'], unique=False)

    op.create_table('market_entity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('entity_type', sa.Enum('COMPANY', 'PARTNERSHIP', 'SOLE_PROPRIETORSHIP', 'BRANCH', 'SOLE_TRADER', 'COOPERATIVE', 'OTHER', name='entitytype', native_enum=False, length=32), nullable=False),
    sa.Column('legal_representative', sa.String(length=128), nullable=False),
    sa.Column('registered_capital', sa.BigInteger(), nullable=True),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'REVOKED', 'DEREGISTERED', name='entitystatus', native_enum=False, length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('address', sa.String(length=512), nullable=False),
    sa.Column('industry_code', sa.String(length=5), nullable=False),
    sa.Column('business_scope', sa.Text(), nullable=False),
    sa.Column('registration_authority_id', sa.Integer(), nullable=False),
    sa.Column('data_quality_issue', sa.Enum('USCC_CHECK_CHARACTER', 'ORGANISATION_CODE_CHECK', name='dataqualityissue', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.ForeignKeyConstraint(['registration_authority_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uscc')
    )
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_entity_data_quality_issue'), ['data_quality_issue'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_legal_representative'), ['legal_representative'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_registration_authority_id'), ['registration_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_entity_status'), ['status'], unique=False)

    op.create_table('entity_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('LEGAL_REPRESENTATIVE', 'SHAREHOLDER', 'EXECUTIVE', name='personrole', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('share_percent', sa.BigInteger(), nullable=True),
    sa.Column('title', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['market_entity.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity_id', 'person_id', 'role')
    )
    with op.batch_alter_table('entity_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_person_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_person_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('entity_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_person_person_id'))
        batch_op.drop_index(batch_op.f('ix_entity_person_name'))
        batch_op.drop_index(batch_op.f('ix_entity_person_entity_id'))

    op.drop_table('entity_person')
    with op.batch_alter_table('market_entity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_entity_status'))
        batch_op.drop_index(batch_op.f('ix_market_entity_registration_authority_id'))
        batch_op.drop_index(batch_op.f('ix_market_entity_region_code'))
        batch_op.drop_index(batch_op.f('ix_market_entity_name'))
        batch_op.drop_index(batch_op.f('ix_market_entity_legal_representative'))
        batch_op.drop_index(batch_op.f('ix_market_entity_industry_code'))
        batch_op.drop_index(batch_op.f('ix_market_entity_data_quality_issue'))

    op.drop_table('market_entity')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_department_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_region_code'))

    op.drop_table('department')
    op.drop_table('region')
    op.drop_table('person')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_department_code'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
