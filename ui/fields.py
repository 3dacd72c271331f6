"""The one way a form points at the field app/ found wrong, and the status sentence.

A ValidationError from the worker arrives as itself (ui.worker), `field` intact. The form
registers which widget shows which app/ field name; the error's field gets a red frame
(the `invalid` property, styled in ui.style), the focus, and the sentence, under the field
when the form gave it a line of its own there, else in the form's status line. Everything
that was typed stays.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.errors import CustosError


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def set_status(label: QLabel, sentence: str | CustosError, ok: bool) -> None:
    """A one-sentence outcome: green when it worked, red when it did not (an error from the
    worker is said by its sentence)."""
    label.setObjectName("success" if ok else "error")
    label.setText(str(sentence))
    label.setVisible(bool(sentence))
    # The object name feeds the style sheet; re-polish so the colour follows it.
    label.style().unpolish(label)
    label.style().polish(label)


def _flag(widget: QWidget, flagged: bool) -> None:
    if bool(widget.property("invalid")) != flagged:
        widget.setProperty("invalid", flagged)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class FieldMarks:
    """Field names → widgets (and their own sentence lines), and the form's status line."""

    def __init__(self, status: QLabel) -> None:
        self.status = status
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def wrap(self, widget: QWidget, *fields: str) -> QWidget:
        """The widget with a hidden sentence line under it, for these app/ field names."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = error_label()
        layout.addWidget(label)
        for name in fields:
            self.labels[name] = label
            self.widgets[name] = widget
        return box

    def share(self, other: FieldMarks) -> None:
        """Also point at the fields of another part of the form (shared location fields)."""
        self.labels.update(other.labels)
        self.widgets.update(other.widgets)

    def clear(self) -> None:
        for label in self.labels.values():
            label.hide()
        for widget in self.widgets.values():
            _flag(widget, False)
        self.status.hide()

    def show(self, error: CustosError) -> None:
        """Say the error where it belongs and put the focus on its field, if it names one
        this form shows."""
        self.clear()
        name = getattr(error, "field", None) or ""
        widget = self.widgets.get(name)
        label = self.labels.get(name)
        if label is not None:
            label.setText(str(error))
            label.show()
        else:
            set_status(self.status, error, ok=False)
        if widget is not None:
            _flag(widget, True)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
