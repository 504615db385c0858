"""Removes browser-session files (NiceGUI user storage) that no live session can use any more.

A session ends at the latest ``session_max_hours`` after sign-in, so a session file unchanged for
longer holds at most a language choice. The sweep runs with the daily jobs on every instance
(each has its own folder, core/session_dir.py). With Redis as NiceGUI's storage there are no files.
"""

from __future__ import annotations

import time
from pathlib import Path

from core.config import get_settings
from core.session_dir import SESSION_FILES, session_dir


def sweep_session_files(folder: Path | None = None, now: float | None = None) -> int:
    """Delete session files (and stray temp files) not written for ``session_max_hours``; returns how many."""
    folder = folder or session_dir()
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - get_settings().session_max_hours * 3600
    removed = 0
    for path in [*folder.glob(SESSION_FILES), *folder.glob(SESSION_FILES + ".tmp")]:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # written or removed meanwhile
            continue
    return removed
