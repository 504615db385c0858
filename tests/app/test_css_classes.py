"""The built-CSS check sees every class the code uses, also classes built in strings at run time."""

from __future__ import annotations

from pathlib import Path

from tools.css_classes import class_words, unresolved_class_expressions


def _pages(tmp_path: Path, source: str) -> Path:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "example.py").write_text(source, encoding="utf-8")
    return tmp_path


def test_classes_built_in_strings_are_collected(tmp_path: Path) -> None:
    root = _pages(tmp_path, '''
SIZE = "w-[min(80vw,70vh)]"
TONE = {"ok": "text-green-700", "late": "text-amber-700"}
def card(done: bool, state: str, wide: bool) -> None:
    ui.image("x").classes(SIZE)
    ui.label("x").classes(f"p-{'4' if wide else '2'} " + ("line-through" if done else "font-bold"))
    ui.label("x").classes(add=TONE[state])
''')
    words = class_words(root)
    for word in ("w-[min(80vw,70vh)]", "p-4", "p-2", "line-through", "font-bold", "text-green-700",
                 "text-amber-700"):
        assert word in words
    assert "w-[min" not in words  # half a class would make UnoCSS swallow the next words
    assert unresolved_class_expressions(root) == []


def test_classes_the_code_does_not_spell_out_are_reported(tmp_path: Path) -> None:
    root = _pages(tmp_path, '''
def card(colour: str, item) -> None:
    ui.label("x").classes(f"text-{colour}-700")
    ui.label("x").classes(item.css)
''')
    assert [line.split(": ", 1)[0] for line in unresolved_class_expressions(root)] == [
        "pages/example.py:3", "pages/example.py:4"]


def test_every_class_expression_in_the_pages_is_known() -> None:
    assert unresolved_class_expressions() == [], "write these classes out in full (see tools/css_classes.py)"
