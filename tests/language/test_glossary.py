"""One word per concept: the catalogues and the offline page say each glossary term one way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.glossary import (
    Translation,
    ascii_colons,
    catalogue_translations,
    offline_html_chinese,
    offline_translations,
    terms,
)

ALL = catalogue_translations() + offline_translations()


def test_glossary_has_each_concept_once() -> None:
    seen = [t.en for t in terms()]
    assert len(seen) == len(set(seen)) and all(t.zh for t in terms())


@pytest.mark.parametrize("term", terms(), ids=lambda t: t.en)
def test_glossary_term_is_translated_one_way(term) -> None:
    texts = ALL + [Translation("static/offline.html", "", text) for text in offline_html_chinese()]
    other_words = [f"{t.where}: {t.en!r} -> {t.zh!r}" for t in texts if t.en == term.en and term.zh not in t.zh]
    forbidden = [f"{t.where}: {t.zh!r} uses {word!r}" for t in texts for word in term.forbidden if word in t.zh]
    assert not other_words + forbidden, (
        f"{term.concept!r} is {term.zh!r} (locales/glossary.toml), but:\n" + "\n".join(other_words + forbidden))


def test_glossary_chinese_text_uses_full_width_colons() -> None:
    texts = ALL + [Translation("static/offline.html", "", text) for text in offline_html_chinese()]
    mixed = [f"{t.where}: {t.zh!r}" for t in texts if ascii_colons(t.zh)]
    assert not mixed, "ASCII colon in Chinese text (use '：'):\n" + "\n".join(mixed)


def test_glossary_check_catches_a_second_word(tmp_path: Path) -> None:
    """The check itself: a catalogue that says "My households" another way is caught."""
    (tmp_path / "x.po").write_text('msgid "My households"\nmsgstr "我的住户"\n\nmsgid "Note"\nmsgstr "备注:"\n',
                                   encoding="utf-8")
    found = catalogue_translations(tmp_path)
    term = next(t for t in terms() if t.en == "My households")
    assert [t for t in found if t.en == term.en and term.zh not in t.zh]
    assert [t for t in found if ascii_colons(t.zh)]
