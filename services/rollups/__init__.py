"""Rollups: counts of visits and households kept per area, member, map grid cell and period, so that the
map's city view and the coverage figures cost what they show, not how many visits exist.

- ``keys``: which rollup rows a visit or a household adds to (one function each, used everywhere);
- ``maintain``: the flush hook that adds and subtracts those rows in the same transaction as any
  visit, photo or household change (write, edit, delete, review), by atomic upserts;
- ``rebuild``: the full recount, the drift report and the rebuild (``python app.py rollups``, the
  daily job, the migration's backfill);
- ``periods``: a date range split into whole months, whole days and the leftover instants.
"""

from services.rollups import maintain as _maintain  # noqa: F401  (registers the flush hook)
