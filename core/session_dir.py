"""Where NiceGUI keeps browser sessions: a private folder under DOORSTEP_DATA_DIR, chosen before NiceGUI loads.

NiceGUI reads ``NICEGUI_STORAGE_PATH`` once, when ``nicegui.storage`` is imported, and otherwise
writes ``.nicegui/`` into whatever folder the app was started from (shared by every instance
started there, readable by other users). app.py calls ``use_private_session_dir()`` before its
first NiceGUI import. The folder is 0700; the process umask becomes 077, so session files (and
the database, photos and backups the app writes) are created 0600.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from core.config import get_settings

SESSION_FILES = "storage-user-*.json"


def session_dir() -> Path:
    return get_settings().data_dir / "sessions"


def use_private_session_dir() -> Path | None:
    """Point NiceGUI at the private session folder; None if NiceGUI was imported first (too late)."""
    if "nicegui.storage" in sys.modules:
        return None
    os.umask(0o077)
    folder = session_dir().resolve()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    for path in folder.glob("storage-*.json*"):  # files an older version left readable
        path.chmod(0o600)
    os.environ["NICEGUI_STORAGE_PATH"] = str(folder)
    return folder
