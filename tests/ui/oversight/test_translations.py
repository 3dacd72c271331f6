"""The oversight screens build in Chinese. (Completeness of the catalogue is
tests/test_i18n.py's.)
"""

from __future__ import annotations

import re
from pathlib import Path

from app import i18n
from ui.language import apply_language
from ui.oversight.alerts import AlertsSection
from ui.oversight.dashboard import DashboardSection
from ui.oversight.import_section import ImportSection

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
FUNCTIONS = {"_", "N_", "translate", "tr"}
HERE = Path(__file__).parent


def test_the_sections_build_in_chinese(manager, shown, monkeypatch):
    table = dict(i18n._load("zh_CN"))
    monkeypatch.setitem(i18n._catalogues, "zh_CN", table)
    apply_language("zh_CN")
    dash = shown(DashboardSection(manager))
    assert dash.tiles["cases_open"].title.text() == "未结工单"
    alerts = shown(AlertsSection(manager))
    assert alerts.show_done.text() == "同时显示已确认的告警"
    flow = shown(ImportSection(manager))
    assert "2. 列" in flow.steps.text()
