"""security: append-only audit table, TOTP, consent fields, job leases

Revision ID: 0050
Revises: 0001
Create Date: 2026-11-28 07:06:08.701170

The audit table refuses UPDATE and DELETE at the database level (SQLite triggers that RAISE,
a PL/pgSQL trigger function on PostgreSQL). Nothing in the app updates or deletes audit rows;
the triggers stop a bug or a stray script from doing it. A database superuser can still drop
the triggers: that is outside what an application can prevent.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0050'
down_revision = '0060'
branch_labels = None
depends_on = None

AUDIT_MESSAGE = "auditentry is append-only"


def upgrade() -> None:
    op.create_table('joblease',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_consent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('data_consent_withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('data_consent_recorded_by', sa.Integer(), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_consent_withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for operation in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER auditentry_no_{operation.lower()} BEFORE {operation} ON auditentry "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"
            )
    elif dialect == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{AUDIT_MESSAGE}'; END; $$"
        )
        op.execute(
            "CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON auditentry "
            "FOR EACH ROW EXECUTE FUNCTION auditentry_append_only()"
        )
        # TRUNCATE skips row triggers: refuse it with a statement trigger.
        op.execute(
            "CREATE TRIGGER auditentry_no_truncate BEFORE TRUNCATE ON auditentry "
            "FOR EACH STATEMENT EXECUTE FUNCTION auditentry_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS auditentry_no_update")
        op.execute("DROP TRIGGER IF EXISTS auditentry_no_delete")
    elif dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS auditentry_no_truncate ON auditentry")
        op.execute("DROP TRIGGER IF EXISTS auditentry_append_only ON auditentry")
        op.execute("DROP FUNCTION IF EXISTS auditentry_append_only()")

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('photo_consent_withdrawn_at')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('data_consent_recorded_by')
        batch_op.drop_column('data_consent_withdrawn_at')
        batch_op.drop_column('data_consent_at')

    op.drop_table('joblease')
