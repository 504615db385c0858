"""The CSS class names Doorstep's pages can use, read from the source code.

Every string in the pages' Python code and in the page scripts is split into words; UnoCSS turns
the words that are utilities ("w-full", "text-sm", "gap-2") into rules and ignores the rest. This
over-collects (any word in any string), which costs a few bytes of CSS and never a missing rule
for a class written in the code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pages/**/*.py", "static/js/*.js")
# Classes NiceGUI's own elements put on the page (in its Python, JS and Vue code) that are also
# UnoCSS utilities: the runtime generated rules for them when it ran in the browser.
NICEGUI_CLASSES = ("hidden", "invisible", "list-item", "text-right", "text-white")
_WORD = re.compile(r"[^\s\"'`<>{}();,=]+")
_JS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")


def _python_strings(path: Path) -> Iterable[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _js_strings(path: Path) -> Iterable[str]:
    for match in _JS_STRING.finditer(path.read_text(encoding="utf-8")):
        yield match.group(0)[1:-1]


def source_files(root: Path = ROOT) -> list[Path]:
    return sorted({path for pattern in SOURCES for path in root.glob(pattern)})


def class_words(root: Path = ROOT) -> list[str]:
    """Sorted candidate class names from every string in the sources."""
    words: set[str] = set(NICEGUI_CLASSES)
    for path in source_files(root):
        strings = _python_strings(path) if path.suffix == ".py" else _js_strings(path)
        for text in strings:
            words.update(w for w in _WORD.findall(text) if len(w) < 60)
    return sorted(words)

