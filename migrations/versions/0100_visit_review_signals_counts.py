"""visit review: honesty signals, review state, what counts, review history and the member's answer

Revision ID: 0100
Revises: 0105
Create Date: 2026-12-01 21:20:00

Backfill of the visits already stored (documented in docs/VISIT_REVIEW.md):
- signals are computed from what was stored: the location (no location / registered address, not
  measured / pin, no GPS fix / fix too inaccurate / too far), "entered late" (stored more than
  DOORSTEP_LATE_ENTRY_HOURS after the visit; no offline queue time was kept before this revision)
  and "photo used before" (the photo's perceptual-hash match). Impossible travel is not backfilled;
- every visit is ``received`` (nobody has reviewed it);
- a visit counts when its location was verified at the household (the one check that existed when
  it was stored): verified-or-no-signal, and an unverified visit always carries a location signal.
  The visits that do not count wait in their area's review queue;
- each household's last visit becomes its latest counted visit (the overdue clock).
A distance stored for "at the registered address" (always 0 m, never measured) is cleared.
"""

import json

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0100'
down_revision = '0105'
branch_labels = None
depends_on = None

STATES = ('received', 'approved', 'has_issues', 'rejected')
CHUNK = 5000


def upgrade() -> None:
    # The table first: creating it creates the reviewstate type (PostgreSQL) used by the visit column.
    op.create_table('visitreview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('old_state', sa.Enum(*STATES, name='reviewstate'), nullable=False),
    sa.Column('new_state', sa.Enum(*STATES, name='reviewstate'), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visitreview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitreview_visit_id'), ['visit_id'], unique=False)
    op.create_table('visitanswer',
    sa.Column('visit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('visit_id')
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('signals', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('review_state', sa.Enum(*STATES, name='reviewstate'), nullable=False,
                                      server_default='received'))
        batch_op.add_column(sa.Column('counts', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_index('ix_visit_period')
    _backfill()
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_period', ['visited_at', 'household_id', 'verified', 'member_id', 'counts',
                                                  'review_state'], unique=False)
        batch_op.create_index('ix_visit_household_counted', ['household_id', 'counts', 'visited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_counts'), ['counts'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_review_state'), ['review_state'], unique=False)


def _settings() -> tuple[float, float]:
    try:
        from core.config import get_settings
        settings = get_settings()
        return float(settings.verify_radius_m), float(settings.late_entry_hours)
    except Exception:  # noqa: BLE001 - the migration must run without the app's settings
        return 150.0, 48.0


def _location_signal(source: str, verified: bool, distance: float | None, accuracy: float | None,
                     has_home: bool, radius: float) -> dict | None:
    if source == 'none':
        return {'code': 'no_location'}
    if verified:
        return None
    if source == 'address':
        return {'code': 'unverified', 'reason': 'address'}
    if not has_home or distance is None:
        return {'code': 'unverified', 'reason': 'no_home'}
    if source == 'pin':
        return {'code': 'unverified', 'reason': 'no_fix', 'm': round(distance)}
    if accuracy is not None and accuracy > radius:
        return {'code': 'unverified', 'reason': 'inaccurate', 'accuracy': round(accuracy), 'm': round(distance)}
    return {'code': 'unverified', 'reason': 'too_far', 'm': round(distance)}


def _backfill() -> None:
    bind = op.get_bind()
    radius, late_hours = _settings()
    visit = sa.table('visit', sa.column('id', sa.String), sa.column('household_id', sa.Integer),
                     sa.column('visited_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                     sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                     sa.column('location_source', sa.String), sa.column('verified', sa.Boolean),
                     sa.column('distance_m', sa.Float), sa.column('accuracy_m', sa.Float),
                     sa.column('signals', sa.JSON), sa.column('counts', sa.Boolean))
    household = sa.table('household', sa.column('id', sa.Integer), sa.column('lat', sa.Float),
                         sa.column('last_visit_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    photo = sa.table('photo', sa.column('visit_id', sa.String), sa.column('duplicate_of_visit_id', sa.String))
    reused = {row[0]: row[1] for row in bind.execute(
        sa.select(photo.c.visit_id, photo.c.duplicate_of_visit_id)
        .where(photo.c.duplicate_of_visit_id.is_not(None)))}
    homes = {row[0] for row in bind.execute(sa.select(household.c.id).where(household.c.lat.is_not(None)))}
    rows = bind.execute(sa.select(visit.c.id, visit.c.household_id, visit.c.visited_at, visit.c.created_at,
                                  visit.c.location_source, visit.c.verified, visit.c.distance_m,
                                  visit.c.accuracy_m).order_by(visit.c.id)).all()
    update = (sa.update(visit).where(visit.c.id == sa.bindparam('vid'))
              .values(signals=sa.bindparam('sig'), counts=sa.bindparam('cnt'), distance_m=sa.bindparam('dist')))
    batch = []
    for vid, hid, visited_at, created_at, source, verified, distance, accuracy in rows:
        source = getattr(source, 'value', source)
        if source == 'address':
            distance = None
        signals = []
        location = _location_signal(source, bool(verified), distance, accuracy, hid in homes, radius)
        if location:
            signals.append(location)
        hours = (created_at - visited_at).total_seconds() / 3600 if created_at and visited_at else 0
        if hours > late_hours:
            signals.append({'code': 'late', 'hours': int(hours)})
        if vid in reused:
            signals.append({'code': 'reused_photo', 'visit': reused[vid]})
        batch.append({'vid': vid, 'sig': json.loads(json.dumps(signals)), 'cnt': bool(verified) or not signals,
                      'dist': distance})
        if len(batch) >= CHUNK:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
    latest = (sa.select(sa.func.max(visit.c.visited_at))
              .where(visit.c.household_id == household.c.id, visit.c.counts.is_(True)).scalar_subquery())
    bind.execute(sa.update(household).values(last_visit_at=latest))


def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_review_state'))
        batch_op.drop_index(batch_op.f('ix_visit_counts'))
        batch_op.drop_index('ix_visit_household_counted')
        batch_op.drop_index('ix_visit_period')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('counts')
        batch_op.drop_column('review_state')
        batch_op.drop_column('signals')
        batch_op.drop_column('queued_at')
        batch_op.create_index('ix_visit_period', ['visited_at', 'household_id', 'verified', 'member_id'],
                              unique=False)
    op.drop_table('visitanswer')
    with op.batch_alter_table('visitreview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitreview_visit_id'))
    op.drop_table('visitreview')
    sa.Enum(*STATES, name='reviewstate').drop(op.get_bind(), checkfirst=True)
