"""rollups: visit counts per area, member and map grid cell by month and day; households by last-visit day

Revision ID: 0130
Revises: 0110
Create Date: 2026-12-01 22:00:00

Backfill: every row is recounted from the stored visits, photos and households
(services.rollups.rebuild: keyset batches of 20,000 visits, inserts in batches of 20,000 rows).
Its time at 1,000,000 visits is in docs/BENCHMARKS.md ("Rollups").
"""

from alembic import op
import sqlalchemy as sa


revision = '0130'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visitrollup',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=1), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('photos', sa.Integer(), nullable=False),
    sa.Column('lat_sum', sa.Float(), nullable=False),
    sa.Column('lng_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'unit', 'period', 'area_id', 'member_id', 'cy', 'cx', 'verified', 'status')
    )
    op.create_index('ix_visitrollup_cells', 'visitrollup', ['kind', 'unit', 'cy', 'cx', 'period'], unique=False)
    op.create_table('householdrollup',
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('lat_sum', sa.Float(), nullable=False),
    sa.Column('lng_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'cy', 'cx', 'area_id', 'last_day')
    )
    from services.rollups.rebuild import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_visitrollup_cells', table_name='visitrollup')
    op.drop_table('visitrollup')
    op.drop_table('householdrollup')
