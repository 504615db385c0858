"""A warning under a free-text field while it marks a household's religion, ethnicity, politics or a watch status.

It never blocks saving; the service audits the warning when the text is saved.
"""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from services.privacy.ethical_line.guard import free_text_warning


def warn_on_marking_words(field: ui.textarea | ui.input, marker: str = "") -> ui.label:
    """Put the warning label right after ``field`` and keep it up to date as the user types."""
    label = ui.label().classes("text-sm text-warning").mark(marker or "ethics-warning")

    def update(text: str | None) -> None:
        warning = free_text_warning(text or "")
        label.set_text(_(warning[0]).format(**warning[1]) if warning else "")
        label.set_visibility(warning is not None)

    field.on_value_change(lambda e: update(e.value))
    update(field.value)
    return label
