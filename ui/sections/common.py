"""Pieces every section uses: a title line and a status sentence."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def set_status(label: QLabel, sentence: str, ok: bool) -> None:
    """A one-sentence outcome: green when it worked, red when it did not."""
    label.setObjectName("success" if ok else "error")
    label.setText(sentence)
    label.setVisible(bool(sentence))
    # The object name feeds the style sheet; re-polish so the colour follows it.
    label.style().unpolish(label)
    label.style().polish(label)
