"""visit revisions: a member's corrections of a stored visit, old and new values

Revision ID: 0080
Revises: 0070
Create Date: 2026-12-01 21:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0080'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'visitrevision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('editor_id', sa.Integer(), nullable=False),
        sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('old_values', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('new_values', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['editor_id'], ['user.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('visitrevision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitrevision_visit_id'), ['visit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visitrevision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitrevision_visit_id'))
    op.drop_table('visitrevision')
