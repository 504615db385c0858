"""Every message of the event modules has a Simplified-Chinese translation with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["pages/events/browse.py", "pages/events/admin/editing.py", "pages/events/admin/roster.py",
           "pages/events/admin/volunteers.py", "pages/events/admin/hours.py", "pages/events/my_activities.py",
           "pages/accounts/registration.py",
           "services/events/catalogue.py", "services/events/signups.py", "services/events/attendance.py",
           "services/accounts/volunteers.py",
           "services/events/calendar.py", "services/notifications.py"]


def msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


def test_event_messages_are_translated() -> None:
    catalogue.cache_clear()
    zh = catalogue("zh_CN")
    wanted = set().union(*(msgids(ROOT / m) for m in MODULES)) | {"Events", "My activities", "Volunteers"}
    missing = sorted(m for m in wanted if m not in zh)
    assert not missing, missing
    for msgid in wanted:
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", zh[msgid])), msgid
