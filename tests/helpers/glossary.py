"""Reading the glossary, the catalogues and the offline page's strings for the glossary tests."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "locales" / "glossary.toml"
CATALOGUES = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
CHINESE = re.compile(r"[\u3400-\u9fff]")
# key: "text", key: `text`, key: (n) => `text ${n}` inside a TEXT = { zh: {...}, en: {...} } table
_JS_ENTRY = re.compile(r"(\w+):\s*(?:\([^)]*\)\s*=>\s*)?([\"`])((?:[^\\\n]|\\.)*?)\2")


@dataclass(frozen=True)
class Term:
    concept: str
    en: str
    zh: str
    forbidden: tuple[str, ...]


@dataclass(frozen=True)
class Translation:
    where: str
    en: str
    zh: str


def terms() -> list[Term]:
    data = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))
    return [Term(t["concept"], t["en"], t["zh"], tuple(t.get("forbidden", ()))) for t in data["term"]]


def catalogue_translations(folder: Path = CATALOGUES) -> list[Translation]:
    found = []
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as fh:
            for message in read_po(fh, locale="zh_CN"):
                if message.id and isinstance(message.id, str) and isinstance(message.string, str) and message.string:
                    found.append(Translation(f"{po_file.name}:{message.lineno}", message.id, message.string))
    return found


def js_tables(path: Path) -> dict[str, dict[str, str]]:
    """The {zh: {key: text}, en: {key: text}} string tables of one of the offline page's scripts."""
    source = path.read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        start = re.search(rf"\b{lang}:\s*{{", source)
        if start is None:
            continue
        depth, end = 0, start.end() - 1
        for end in range(start.end() - 1, len(source)):
            depth += {"{": 1, "}": -1}.get(source[end], 0)
            if depth == 0:
                break
        tables[lang] = {key: text for key, _quote, text in _JS_ENTRY.findall(source[start.end():end])}
    return tables


def offline_translations() -> list[Translation]:
    """Pairs of English and Chinese strings of the offline page and the unsent-visits banner."""
    found = []
    for path in (ROOT / "static" / "offline.js", ROOT / "static" / "js" / "pwa.js"):
        tables = js_tables(path)
        for key, zh in tables.get("zh", {}).items():
            found.append(Translation(f"{path.relative_to(ROOT)}:{key}", tables.get("en", {}).get(key, ""), zh))
    return found


def offline_html_chinese() -> list[str]:
    """The Chinese placeholders written into offline.html before the script fills in the texts."""
    html = (ROOT / "static" / "offline.html").read_text(encoding="utf-8")
    return [text for text in re.findall(r">([^<>]+)<", html) if CHINESE.search(text)]


def ascii_colons(text: str) -> bool:
    """An ASCII colon in Chinese text, not counting placeholders, URLs and clock times."""
    if not CHINESE.search(text):
        return False
    bare = re.sub(r"\{[^{}]*\}|\$\{[^{}]*\}|\w+://|\d:\d", "", text)
    return ":" in bare
