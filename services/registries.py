"""The registries filled once at start-up: map layers, residents' data providers, retention rules.

Each registry lives below the features that add to it, so no feature module imports another to
be registered; app.py (and the test set-up) call ``assemble`` before serving.
"""

from __future__ import annotations

from services.callbacks import privacy as callback_privacy
from services.door_cards import privacy as door_card_privacy
from services.map import data as map_data
from services.map import layers as map_layers
from services.map.registry import register_layer
from services.notify import retention as notify_retention
from services.privacy.resident_data import register_resident_data
from services.privacy.retention import register_retention_hook
from services.requests import privacy as request_privacy


def assemble() -> None:
    """Register every map layer, resident-data provider and retention rule (safe to call again)."""
    register_layer("households", map_data.households_layer)
    register_layer("visits", map_data.visits_layer)
    register_layer("requests", map_layers.open_requests_layer)
    register_layer("service_points", map_layers.service_points_layer)
    # Providers are deleted newest-registered first: these go before the built-in visits.
    register_resident_data(callback_privacy.PROVIDER)
    register_resident_data(door_card_privacy.PROVIDER)
    register_resident_data(request_privacy.PROVIDER)
    register_retention_hook("notify.anonymise", notify_retention.anonymise_outbox)
    register_retention_hook("closed_requests", request_privacy.anonymise_closed_requests)
