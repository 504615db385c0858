"""The CSS class names Doorstep's pages can use, read from the source code.

Every string in the pages' Python code and in the page scripts is split into words (at spaces, so
that "w-[min(80vw,70vh)]" stays whole, and at punctuation); UnoCSS turns the words that are
utilities ("w-full", "text-sm", "gap-2") into rules and ignores the rest. This over-collects (any
word in any string), which costs a few bytes of CSS and never a missing rule for a class written
in the code.

Classes built at run time are resolved too: the argument of every ``.classes(...)`` call may be a
literal, an f-string, a concatenation, a conditional or a name bound to such values, and every
text it can take is collected. An argument whose texts cannot be known from the code (a
parameter, an attribute, a function's result) is reported by ``unresolved_class_expressions``:
write the class names out in full there, as Tailwind asks.
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


CLASS_METHODS = ("classes",)
CLASS_KEYWORDS = ("add", "replace", "remove")
_MAX_VARIANTS = 64


def _python_strings(path: Path) -> Iterable[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
    for texts, _node in _class_arguments(tree):
        yield from texts or ()


def _assignments(tree: ast.AST) -> dict[str, list[ast.expr]]:
    """Every value assigned to each plain name anywhere in the module."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) and node.value:
            found.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(
                node.iter, (ast.Tuple, ast.List, ast.Set)):
            found.setdefault(node.target.id, []).extend(node.iter.elts)
    return found


def _product(parts: list[set[str]]) -> set[str] | None:
    texts = {""}
    for options in parts:
        texts = {a + b for a in texts for b in options}
        if len(texts) > _MAX_VARIANTS:
            return None
    return texts


def resolve_texts(node: ast.expr, names: dict[str, list[ast.expr]], seen: frozenset[str] = frozenset()
                  ) -> set[str] | None:
    """Every text ``node`` can evaluate to, or None when the code does not say."""
    def each(nodes: Iterable[ast.expr]) -> set[str] | None:
        out: set[str] = set()
        for item in nodes:
            texts = resolve_texts(item, names, seen)
            if texts is None:
                return None
            out |= texts
        return out

    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) else ({""} if node.value is None else None)
    if isinstance(node, ast.JoinedStr):
        return _joined(node, names, seen)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = resolve_texts(node.left, names, seen), resolve_texts(node.right, names, seen)
        return None if left is None or right is None else _product([left, right])
    if isinstance(node, ast.IfExp):
        return each((node.body, node.orelse))
    if isinstance(node, ast.BoolOp):
        return each(node.values)
    if isinstance(node, ast.Name) and node.id not in seen and node.id in names:
        return each_name(node.id, names, seen)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in names:
        dicts = [v for v in names[node.value.id] if isinstance(v, ast.Dict)]
        return each(v for d in dicts for v in d.values) if dicts else None
    return None


def _joined(node: ast.JoinedStr, names: dict[str, list[ast.expr]], seen: frozenset[str]) -> set[str] | None:
    """Every text an f-string can evaluate to, or None when one of its parts is unknown."""
    parts = []
    for value in node.values:
        texts = resolve_texts(value.value if isinstance(value, ast.FormattedValue) else value, names, seen)
        if texts is None:
            return None
        parts.append(texts)
    return _product(parts)


def each_name(name: str, names: dict[str, list[ast.expr]], seen: frozenset[str]) -> set[str] | None:
    out: set[str] = set()
    for value in names[name]:
        texts = resolve_texts(value, names, seen | {name})
        if texts is None:
            return None
        out |= texts
    return out


def _class_arguments(tree: ast.AST) -> Iterable[tuple[set[str] | None, ast.expr]]:
    """(texts it can take or None, expression) for each argument of a ``.classes(...)`` call."""
    names = _assignments(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLASS_METHODS:
            arguments = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in CLASS_KEYWORDS]
            for argument in arguments:
                yield resolve_texts(argument, names), argument


def unresolved_class_expressions(root: Path = ROOT) -> list[str]:
    """"file:line: expression" for each ``.classes(...)`` argument whose class names the code does not say."""
    found = []
    for path in source_files(root):
        if path.suffix != ".py":
            continue
        source = path.read_text(encoding="utf-8")
        for texts, node in _class_arguments(ast.parse(source, filename=str(path))):
            if texts is None:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def _js_strings(path: Path) -> Iterable[str]:
    for match in _JS_STRING.finditer(path.read_text(encoding="utf-8")):
        yield match.group(0)[1:-1]


def _balanced(word: str) -> bool:
    """Half of a bracketed value ("w-[min") would make UnoCSS read the next words as its rest."""
    return word.count("[") == word.count("]") and word.count("(") == word.count(")")


def source_files(root: Path = ROOT) -> list[Path]:
    return sorted({path for pattern in SOURCES for path in root.glob(pattern)})


def class_words(root: Path = ROOT) -> list[str]:
    """Sorted candidate class names from every string in the sources."""
    words: set[str] = set(NICEGUI_CLASSES)
    for path in source_files(root):
        strings = _python_strings(path) if path.suffix == ".py" else _js_strings(path)
        for text in strings:
            words.update(w for w in _WORD.findall(text) + text.split() if len(w) < 60 and _balanced(w))
    return sorted(words)

