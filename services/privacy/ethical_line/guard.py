"""Refusing names that mark people, and warning (audited) on free text that does."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlmodel import Session

from core.i18n import N_
from models import User
from services import audit
from services.errors import InvalidInput
from services.privacy.ethical_line.words import EN, ZH, Marking

REFUSAL = N_("Doorstep records service, not surveillance: a name may not mark a household's religion, "
             "ethnicity, political views or a \u201crisk\u201d or \u201cwatch\u201d status (\u201c{word}\u201d). "
             "Name the help instead.")
FREE_TEXT_WARNING = N_("Doorstep records service, not surveillance: this text mentions a household's religion, "
                       "ethnicity, political views or a \u201crisk\u201d or \u201cwatch\u201d status "
                       "(\u201c{word}\u201d). Write only what serves the household. It can still be saved; "
                       "the warning is recorded.")


@lru_cache(maxsize=1)
def _english_patterns() -> list[tuple[Marking, re.Pattern[str]]]:
    return [(marking, re.compile(r"\b" + re.escape(word).replace(r"\ ", r"\s+") + r"\w*", re.I))
            for marking, words in EN.items() for word in words]


def marking_words(text: str) -> list[tuple[Marking, str]]:
    """Each (kind, word as written) that marks a person in ``text``, in the order of the lists."""
    found: list[tuple[Marking, str]] = []
    for marking, words in ZH.items():
        found += [(marking, word) for word in words if word in text]
    for marking, pattern in _english_patterns():
        found += [(marking, m.group(0)) for m in pattern.finditer(text)]
    return found


def refuse_marking_names(*names: str) -> None:
    """For names users give to categories and posts: raise InvalidInput on the first marking word."""
    for name in names:
        if found := marking_words(name):
            raise InvalidInput(REFUSAL, word=found[0][1])


def free_text_warning(*texts: str) -> tuple[str, dict[str, str]] | None:
    """The warning (msgid, params) for free text that marks a person; None when it does not."""
    for text in texts:
        if found := marking_words(text):
            return FREE_TEXT_WARNING, {"word": found[0][1]}
    return None


def audit_free_text(session: Session, actor: User, record_type: str, record_id: str | int,
                    fields: dict[str, str]) -> list[str]:
    """Save-time record of marking words in free text: the fields and kinds, never the words or text."""
    flagged = {name: sorted({m.value for m, _ in marking_words(text)}) for name, text in fields.items()}
    flagged = {name: kinds for name, kinds in flagged.items() if kinds}
    if flagged:
        outcome = "warned: " + "; ".join(f"{name}={','.join(kinds)}" for name, kinds in flagged.items())
        audit.record(session, actor, "ethics.free_text_warning", record_type, record_id, outcome)
    return list(flagged)
