"""The branch server as a choice of database: its address and CA file (first run, login).

Only drawn here; the checks and remembering the CA are app.store.place.join_server's (and
app.store.place's). Addresses this PC already knows are offered in the address list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from app.errors import StoreError
from app.i18n import _
from app.store.place import join_server, locate, profile
from ui.dialogs import FormDialog, hint_label
from ui.files import open_file

ADDRESS_FORM = "postgresql://HOST[:PORT]/DBNAME"


def init_line() -> str:
    return _("Branch IT creates the server's database once, with custos init; this PC only "
             "joins it.")


class ServerFields(QWidget):
    """Address (typed, or one this PC knows), CA file with Browse…, and what they mean."""

    def __init__(self, address: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.address = QComboBox()
        self.address.setEditable(True)
        self.address.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.address.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.address.addItems(sorted({entry["address"] for entry in profile().values()
                                      if isinstance(entry.get("address"), str)}))
        self.address.setEditText(address)
        self.address.lineEdit().setPlaceholderText(ADDRESS_FORM)
        self.address.textActivated.connect(self._known_ca)
        self.ca_file = QLineEdit()
        self.browse = QPushButton(_("Browse…"))
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.ca_file, 1)
        row.addWidget(self.browse)
        form.addRow(_("Server address:"), self.address)
        form.addRow(_("CA file:"), row)
        form.addRow(hint_label(_("Branch IT gives the address and the CA file that signed the "
                                 "server's certificate. A local socket address "
                                 "(postgresql:///DBNAME?host=/folder) needs no CA file.")))
        form.addRow(hint_label(init_line()))
        self._known_ca(address)

    def values(self) -> tuple[str, str]:
        return self.address.currentText(), self.ca_file.text()

    def _known_ca(self, address: str) -> None:
        """An address this PC joined before brings its CA file with it."""
        try:
            known = locate(address) if address.strip() else None
        except StoreError:  # a half-typed address: nothing known about it
            return
        ca = getattr(known, "ca_file", None)
        if ca:
            self.ca_file.setText(ca)

    def _browse(self) -> None:
        name = open_file(self, _("The CA file of the branch server"), self.ca_file.text(),
                         _("Certificates (*.crt *.pem *.cer);;All files (*)"))
        if name:
            self.ca_file.setText(name)


class ServerDialog(FormDialog):
    """From the login dialog: join a branch server; `result_value` is its address."""

    def __init__(self, address: str = "", parent: QWidget | None = None) -> None:
        super().__init__(_("Join the branch server"), parent, ok_text=_("Join"))
        self.setMinimumWidth(560)
        self.server = ServerFields(address)
        self.form.addRow(self.server)

    def working_label(self) -> str:
        return _("Joining the branch server…")

    def prepare(self) -> Callable[[], Any]:
        address, ca_file = self.server.values()
        return lambda: join_server(address, ca_file)
