"""UI text in Simplified Chinese and English: gettext catalogues (.po) read with Babel.

Every module marks text with ``_`` (translated now) or ``N_`` (marked, translated later by a
page). Catalogues live in ``locales/zh_CN/LC_MESSAGES/*.po``, one file per feature area; they
are merged at start. English is the source language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_time as _format_time
from babel.dates import get_timezone_name
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"

_language_getter: Callable[[], str] = lambda: DEFAULT_LANGUAGE  # noqa: E731


def set_language_getter(getter: Callable[[], str]) -> None:
    """Pages tell i18n where the current user's language is kept."""
    global _language_getter
    _language_getter = getter


def current_language() -> str:
    try:
        lang = _language_getter()
    except Exception:  # outside a request or page context
        lang = DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for one language, merged from every .po file."""
    merged: dict[str, str] = {}
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.string and isinstance(message.id, str):
                    merged[message.id] = message.string
    return merged


def translate(text: str, lang: str | None = None) -> str:
    lang = lang or current_language()
    if lang == "en":
        return text
    return catalogue(lang).get(text, text)


def _(text: str) -> str:
    return translate(text)


def N_(text: str) -> str:
    """Mark text for translation without translating it yet."""
    return text


def match_language(accept_language: str | None) -> str:
    """Pick a supported language from a browser's Accept-Language header."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    from core.config import get_settings

    default = get_settings().default_language
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def _babel_locale(lang: str | None) -> Locale:
    return Locale.parse(lang or current_language())


def to_local(dt: datetime, tz: str) -> datetime:
    """A stored UTC datetime in the organisation's time zone."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(ZoneInfo(tz))


def format_datetime(dt: datetime | None, tz: str, lang: str | None = None) -> str:
    if dt is None:
        return "—"
    local, locale = to_local(dt, tz), _babel_locale(lang)
    # Date in the locale's medium form, time as 24-hour HH:mm (seconds are noise on a visit).
    day = _babel_format_date(local.date(), "medium", locale=locale)
    return f"{day} {_format_time(local.time(), 'HH:mm', locale=locale)}"


def format_date(dt: datetime | None, tz: str, lang: str | None = None) -> str:
    if dt is None:
        return "—"
    return _babel_format_date(to_local(dt, tz).date(), "medium", locale=_babel_locale(lang))


def format_number(value: float, lang: str | None = None) -> str:
    return format_decimal(value, locale=_babel_locale(lang))


def labelled(label: str, value: object) -> str:
    """"label: value" with the colon of the language (full-width in Chinese)."""
    return translate("{label}: {value}").format(label=label, value=value)


def time_zone_name(tz: str, lang: str | None = None) -> str:
    """The organisation's time zone as people call it ("China Time", "中国时间"), never "Asia/Shanghai"."""
    if tz.upper().removeprefix("ETC/") in {"UTC", "GMT", "UCT", "ZULU"}:
        return "UTC"  # CLDR has no region for it ("Unknown Region (UTC) Time")
    return get_timezone_name(ZoneInfo(tz), "long", locale=_babel_locale(lang))
