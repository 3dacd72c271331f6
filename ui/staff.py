"""Picking a member of staff by name: the list shows 王芳, the service receives `counter`."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.accounts.names import StaffNames, staff_names
from app.errors import CustosError
from app.security import Session


class StaffPicker(QComboBox):
    """An editable list of people (name shown, login as the item's data and tooltip).

    Choosing, or typing a name or a login, gives `login()`; anything else typed is passed
    on as it is, for the service to refuse in its own words."""

    def __init__(self, people: Iterable[tuple[str, str]], current: str = "",
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for login, name in people:
            self.addItem(name or login, login)
            self.setItemData(self.count() - 1, login, Qt.ItemDataRole.ToolTipRole)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        if placeholder:
            self.lineEdit().setPlaceholderText(placeholder)
        self.setText(current)

    def setText(self, value: str) -> None:
        """Choose the person whose login or name is `value`; otherwise just type it."""
        index = self.findData(value)
        if index < 0:
            index = self.findText(value, Qt.MatchFlag.MatchFixedString) if value else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText(value)

    def login(self) -> str:
        text = self.currentText().strip()
        index = self.currentIndex()
        if index < 0 or self.itemText(index) != text:
            index = self.findText(text, Qt.MatchFlag.MatchFixedString) if text else -1
        if index < 0:
            index = self.findData(text)
        return str(self.itemData(index)) if index >= 0 else text


def names_for(session: Session) -> StaffNames:
    """The names to show staff by. A session that ended meanwhile (a list arriving after
    logout) shows logins rather than failing."""
    try:
        return staff_names(session)
    except CustosError:
        return StaffNames()
