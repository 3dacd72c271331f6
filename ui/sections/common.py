"""Pieces every section uses: a title line and a status sentence."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ui.fields import set_status

__all__ = ["section_title", "set_status"]


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label
