"""Honesty signals: what about a visit deserves a coordinator's second look, found when it is stored.

A signal is a small dict stored on the visit (``Visit.signals``): a ``code`` and its parameters, e.g.
``{"code": "late", "hours": 290}``. The limits come from the settings (DOORSTEP_VERIFY_RADIUS_M,
DOORSTEP_LATE_ENTRY_HOURS, DOORSTEP_MAX_TRAVEL_KMH), read here and nowhere else. ``describe`` gives
the short reason shown wherever the visit appears (cards, lists, the map popup, exports).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_, format_number, translate
from models import Household, LocationSource, Visit
from services.errors import InvalidInput
from services.map.geo import distance_m

UNVERIFIED = "unverified"  # location not verified; "reason": no_fix / inaccurate / too_far / address / no_home
NO_LOCATION = "no_location"
LATE = "late"  # "hours": from the visit to when it was stored (or queued offline)
REUSED_PHOTO = "reused_photo"  # "visit": the visit that used the photo first
IMPOSSIBLE_TRAVEL = "impossible_travel"  # "kmh", "km", "visit": the member's other visit
MIN_TRAVEL_KM = 1.0  # GPS noise between nearby households is not travel

# For the filters: one label per code.
SIGNAL_LABELS = {
    UNVERIFIED: N_("Location not verified"),
    NO_LOCATION: N_("No location"),
    LATE: N_("Entered late"),
    REUSED_PHOTO: N_("Photo used before"),
    IMPOSSIBLE_TRAVEL: N_("Impossible travel"),
}


def location_signal(source: LocationSource, verified: bool, distance: float | None, accuracy: float | None,
                    has_home: bool) -> dict | None:
    """Why the location does not show the member was at the household (None: it does)."""
    if source == LocationSource.none:
        return {"code": NO_LOCATION}
    if verified:
        return None
    if source == LocationSource.address:
        return {"code": UNVERIFIED, "reason": "address"}
    if not has_home or distance is None:
        return {"code": UNVERIFIED, "reason": "no_home"}
    metres = round(distance)
    if source == LocationSource.pin:
        return {"code": UNVERIFIED, "reason": "no_fix", "m": metres}
    if accuracy is not None and accuracy > get_settings().verify_radius_m:
        return {"code": UNVERIFIED, "reason": "inaccurate", "accuracy": round(accuracy), "m": metres}
    return {"code": UNVERIFIED, "reason": "too_far", "m": metres}


def entry_time(received_at: datetime, queued_at: datetime | None, visited_at: datetime) -> datetime:
    """When the visit was entered: the phone's queue time for offline visits, kept between the visit and arrival."""
    if queued_at is None:
        return received_at
    return min(max(queued_at, visited_at), received_at)


def late_signal(visited_at: datetime, entered_at: datetime) -> dict | None:
    hours = (entered_at - visited_at) / timedelta(hours=1)
    if hours <= get_settings().late_entry_hours:
        return None
    return {"code": LATE, "hours": int(hours)}


def travel_signal(session: Session, visit: Visit) -> dict | None:
    """The member's visit just before or after this one, if reaching it needed more than the travel limit."""
    if visit.lat is None or visit.lng is None:
        return None
    limit = get_settings().max_travel_kmh
    located = [Visit.member_id == visit.member_id, Visit.id != visit.id, col(Visit.lat).is_not(None)]
    before = session.exec(select(Visit).where(*located, Visit.visited_at <= visit.visited_at)
                          .order_by(col(Visit.visited_at).desc()).limit(1)).first()
    after = session.exec(select(Visit).where(*located, Visit.visited_at > visit.visited_at)
                         .order_by(col(Visit.visited_at)).limit(1)).first()
    worst: dict | None = None
    for other in (before, after):
        if other is None:
            continue
        km = distance_m((visit.lat, visit.lng), (other.lat, other.lng)) / 1000  # type: ignore[arg-type]
        hours = max(abs((visit.visited_at - other.visited_at) / timedelta(hours=1)), 1 / 60)
        if km >= MIN_TRAVEL_KM and km / hours > limit and (worst is None or km / hours > worst["kmh"]):
            worst = {"code": IMPOSSIBLE_TRAVEL, "kmh": round(km / hours), "km": round(km, 1), "visit": other.id}
    return worst


def compute_signals(session: Session, visit: Visit, household: Household) -> list[dict]:
    """Every signal of a visit being stored (photos are checked as they are added: ``reused_photo_signal``)."""
    found = [
        location_signal(visit.location_source, visit.verified, visit.distance_m, visit.accuracy_m,
                        household.lat is not None and household.lng is not None),
        late_signal(visit.visited_at, entry_time(visit.created_at, visit.queued_at, visit.visited_at)),
        travel_signal(session, visit),
    ]
    return [signal for signal in found if signal is not None]


def reused_photo_signal(earlier_visit_id: str) -> dict:
    return {"code": REUSED_PHOTO, "visit": earlier_visit_id}


def add_signal(visit: Visit, signal: dict) -> bool:
    """Add a signal unless one with its code is there; True when added."""
    current = list(visit.signals or [])
    if any(s.get("code") == signal["code"] for s in current):
        return False
    visit.signals = [*current, signal]  # a new list: the JSON column notices the change
    return True


# Short labels by key (see signal_keys), for places that get keys rather than full reasons (the map).
KEY_LABELS = {
    **SIGNAL_LABELS,
    f"{UNVERIFIED}:address": N_("At the registered address (not measured)"),
}


def signal_keys(signals: list[dict] | None) -> list[str]:
    """``code``, or ``unverified:address`` for the registered address (not a measurement)."""
    return [f"{UNVERIFIED}:address" if s.get("code") == UNVERIFIED and s.get("reason") == "address"
            else s.get("code", "") for s in signals or []]


def codes(signals: list[dict] | None) -> list[str]:
    return [s.get("code", "") for s in signals or []]


def _unverified(signal: dict, tr: Callable[..., str], num: Callable[[object], str]) -> str:
    """Why a visit's location is not verified."""
    reason = signal.get("reason")
    if reason == "address":
        return tr(N_("At the registered address (not measured)"))
    if reason == "no_home":
        return tr(N_("Location not verified: the household has no registered location"))
    if reason == "no_fix":
        return tr(N_("Location not verified: pin on the map, no GPS fix ({m} m away)"), m=num(signal.get("m")))
    if reason == "inaccurate":
        return tr(N_("Location not verified: GPS fix too inaccurate (±{accuracy} m)"),
                  accuracy=num(signal.get("accuracy")))
    return tr(N_("Location not verified: {m} m from the registered address"), m=num(signal.get("m")))


def describe(signal: dict, lang: str | None = None) -> str:
    """The short reason shown with the visit, in the user's language."""
    code = signal.get("code")

    def tr(text: str, **params: object) -> str:
        return translate(text, lang).format(**params)

    def num(value: object) -> str:
        return format_number(float(value or 0), lang)  # type: ignore[arg-type]

    if code == NO_LOCATION:
        return tr(N_("No location recorded"))
    if code == UNVERIFIED:
        return _unverified(signal, tr, num)
    if code == LATE:
        hours = int(signal.get("hours") or 0)
        if hours >= 48:
            return tr(N_("Entered late: {days} days after the visit"), days=num(hours // 24))
        return tr(N_("Entered late: {hours} hours after the visit"), hours=num(hours))
    if code == REUSED_PHOTO:
        return tr(N_("Photo already used on another visit"))
    if code == IMPOSSIBLE_TRAVEL:
        return tr(N_("Impossible travel: {km} km from another visit by the same member, at {kmh} km/h"),
                  km=num(signal.get("km")), kmh=num(signal.get("kmh")))
    return str(code)


def describe_all(signals: list[dict] | None, lang: str | None = None) -> list[str]:
    return [describe(s, lang) for s in signals or []]


def signal_clause(code: str):
    """Visits carrying a signal with this code (one of signals.SIGNAL_LABELS).

    The JSON list is searched as text: the same SQL on SQLite and PostgreSQL.
    """
    if code not in SIGNAL_LABELS:
        raise InvalidInput(N_("Unknown signal."))
    return cast(Visit.signals, String).like(f'%"code": "{code}"%')
