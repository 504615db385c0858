"""callbacks: the weekly sample of counted visits, and what the household said

Revision ID: 0120
Revises: 0100
Create Date: 2026-12-01 21:45:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0120'
down_revision = '0100'
branch_labels = None
depends_on = None

OUTCOMES = ('open', 'confirmed', 'no_visit', 'unreachable')


def upgrade() -> None:
    op.create_table('callbackdraw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('week_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('week_end', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('seed', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('visits_counted', sa.Integer(), nullable=False),
    sa.Column('skipped_without_phone', sa.Integer(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_id', 'week', name='uq_callbackdraw_area_week')
    )
    with op.batch_alter_table('callbackdraw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callbackdraw_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_callbackdraw_week'), ['week'], unique=False)
    op.create_table('callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum(*OUTCOMES, name='callbackoutcome'), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('last_try_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['draw_id'], ['callbackdraw.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('callback', schema=None) as batch_op:
        for column in ('draw_id', 'visit_id', 'household_id', 'member_id', 'area_id', 'outcome', 'closed_at'):
            batch_op.create_index(batch_op.f(f'ix_callback_{column}'), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callback', schema=None) as batch_op:
        for column in ('draw_id', 'visit_id', 'household_id', 'member_id', 'area_id', 'outcome', 'closed_at'):
            batch_op.drop_index(batch_op.f(f'ix_callback_{column}'))
    op.drop_table('callback')
    with op.batch_alter_table('callbackdraw', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callbackdraw_week'))
        batch_op.drop_index(batch_op.f('ix_callbackdraw_area_id'))
    op.drop_table('callbackdraw')
    sa.Enum(*OUTCOMES, name='callbackoutcome').drop(op.get_bind(), checkfirst=True)
