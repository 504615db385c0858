"""door cards: a card table, a per-area setting, and the door_card location method

Revision ID: 0105
Revises: 0080
Create Date: 2026-12-01 21:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0105'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'doorcard',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('secret_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('printed_by', sa.Integer(), nullable=True),
        sa.Column('printed_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('doorcard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doorcard_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_doorcard_revoked_at'), ['revoked_at'], unique=False)
    # In place, not a batch copy of ``area``: other tables reference it, and with rows in them SQLite
    # refuses to drop the old copy.
    op.add_column('area', sa.Column('door_cards', sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == 'postgresql':
        # PostgreSQL keeps enum values in a type; SQLite stores the name as text.
        op.execute("ALTER TYPE locationsource ADD VALUE IF NOT EXISTS 'door_card'")


def downgrade() -> None:
    op.execute("UPDATE visit SET location_source = 'none' WHERE location_source = 'door_card'")
    # Not a batch copy of ``area``: other tables reference it, and SQLite (3.35+) drops a column in place.
    op.drop_column('area', 'door_cards')
    with op.batch_alter_table('doorcard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doorcard_revoked_at'))
        batch_op.drop_index(batch_op.f('ix_doorcard_household_id'))
    op.drop_table('doorcard')
