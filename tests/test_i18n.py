"""Every user-facing string is translated into Simplified Chinese, placeholders named and equal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app import i18n
from app.i18n import _

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_catalogue_is_complete_and_placeholders_match():
    problems = _tool().problems()
    assert problems == [], "\n".join(problems[:30])


def test_placeholder_check_catches_mismatch():
    tool = _tool()
    assert tool.placeholders("Hello {user}, {count} new") == {"user", "count"}
    assert tool.placeholders("{{literal}}") == set()


def test_switching_language():
    i18n.set_language("zh_CN")
    assert _("Wrong username or password.") == "用户名或密码错误。"
    assert i18n.translate("Manager", "en") == "Manager"
    i18n.set_language("en")
    assert _("Wrong username or password.") == "Wrong username or password."
    assert i18n.translate("Manager", "zh_CN") == "店长/经理"


def test_system_language(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.system_language() == "zh_CN"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert i18n.system_language() == "en"
