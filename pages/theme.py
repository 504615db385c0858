"""What every page shares in look and feel: buttons in normal case, controls a thumb can hit.

Both are set once, at the root (component defaults and one shared style sheet), so no page has
to remember them: every button, link, checkbox, field and map control measures at least
``TAP_TARGET_PX`` CSS pixels each way (tests/e2e/test_tap_targets.py measures it).
"""

from __future__ import annotations

from nicegui import ui

TAP_TARGET_PX = 44

# Quasar's dense and round buttons, dense fields, checkboxes and Leaflet's controls are all
# smaller than a fingertip by default; these rules lift them to the minimum and change nothing
# that is already bigger.
TOUCH_CSS = f"""
<style>
  body .q-btn, body .q-btn.q-btn--dense, body .q-btn.q-btn--round, body .q-btn.q-btn--round.q-btn--dense {{
    min-height: {TAP_TARGET_PX}px; min-width: {TAP_TARGET_PX}px; }}
  body a.nicegui-link {{ display: inline-flex; align-items: center; min-height: {TAP_TARGET_PX}px;
    min-width: {TAP_TARGET_PX}px; }}
  body .q-item, body .q-item.q-item--dense {{ min-height: {TAP_TARGET_PX}px; }}
  body .q-checkbox, body .q-radio, body .q-toggle {{ min-height: {TAP_TARGET_PX}px; min-width: {TAP_TARGET_PX}px; }}
  body .q-field--dense .q-field__control, body .q-field--dense .q-field__marginal {{ height: {TAP_TARGET_PX}px; }}
  body .q-field--dense.q-field--auto-height .q-field__control {{ height: auto; min-height: {TAP_TARGET_PX}px; }}
  body .leaflet-touch .leaflet-bar a, body .leaflet-bar a {{ width: {TAP_TARGET_PX}px; height: {TAP_TARGET_PX}px;
    line-height: {TAP_TARGET_PX}px; }}
  body .leaflet-control-layers label {{ display: flex; align-items: center; min-height: {TAP_TARGET_PX}px; }}
  body .leaflet-control-attribution a {{ display: inline-flex; align-items: center;
    min-height: {TAP_TARGET_PX}px; min-width: {TAP_TARGET_PX}px; }}
</style>
"""


def install_theme() -> None:
    """Component defaults and the shared style sheet; called once from app.py before pages are built."""
    ui.button.default_props("no-caps")  # Quasar writes button labels in capitals by default
    ui.toggle.default_props("no-caps")
    ui.add_head_html(TOUCH_CSS, shared=True)
