"""Every UI text has a Simplified-Chinese translation, and browsers get the language they ask for."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core.i18n import catalogue
from pages.frame import NAV_ITEMS

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("core", "services", "pages")


def _msgids() -> dict[str, str]:
    """msgid -> 'file:line' of its first use, for every _() and N_() call and every navigation label."""
    found: dict[str, str] = {}
    for folder in SOURCE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords={"_": None, "N_": None}, comment_tags=(),
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder}/{filename}:{lineno}")
    for _path, label, _icon, _roles in NAV_ITEMS:
        found.setdefault(label, "pages/frame.py NAV_ITEMS")
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_extraction_finds_the_known_texts() -> None:
    msgids = _msgids()
    assert "Sign in" in msgids  # a page _()
    assert "Account not found." in msgids  # a service N_()
    assert "Accounts" in msgids  # a navigation label


def test_every_msgid_has_a_chinese_translation_with_the_same_placeholders() -> None:
    catalogue.cache_clear()
    zh = catalogue("zh_CN")
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(_msgids().items(), key=lambda i: i[1])
               if not zh.get(msgid, "").strip()]
    assert not missing, "No zh_CN translation for:\n" + "\n".join(missing)
    mismatched = [f"{msgid!r} -> {zh[msgid]!r}" for msgid in _msgids()
                  if _placeholders(msgid) != _placeholders(zh[msgid])]
    assert not mismatched, "Placeholders differ:\n" + "\n".join(mismatched)


async def test_browser_asking_for_chinese_gets_chinese(user: TestUser, demo: Session) -> None:
    user.http_client.headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.5"
    await user.open("/login")
    await user.should_see("手机号或用户名")
    await user.should_not_see("Phone number or username")


async def test_browser_asking_for_english_gets_english(user: TestUser, demo: Session) -> None:
    user.http_client.headers["Accept-Language"] = "en-GB,en;q=0.9"
    await user.open("/login")
    await user.should_see("Phone number or username")
    await user.should_not_see("手机号或用户名")


async def test_language_button_in_the_frame_switches(user: TestUser, demo: Session) -> None:
    user.http_client.headers["Accept-Language"] = "en"
    await user.open("/login")
    user.find(marker="language-switch").click()
    await user.should_see("手机号或用户名", retries=20)
    user.find(marker="language-switch").click()
    await user.should_see("Phone number or username", retries=20)
