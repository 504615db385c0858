"""Business logic: every read and write the pages and the API make, with its permission checks."""

import services.rollups  # noqa: F401  (the rollups' flush hook applies to every session)
