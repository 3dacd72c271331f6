"""Register: where and when (shared), then one file, or many at once — a box of new
agreements, one scanned or typed customer number a row. Afterwards: labels and box list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.archive.model import FileKind, retain_until_for
from app.archive.printouts import box_list_pdf, label_sheet_pdf
from app.archive.registry import register_batch, register_file
from app.errors import CustosError
from app.i18n import _
from app.security import Session
from ui.archive.common import (
    ScanField,
    bare,
    button_row,
    data_table,
    date_edit,
    day_in,
    label_of,
    selected_row,
    set_day,
    show_pdf,
    status_label,
)
from ui.dialogs import hint_label
from ui.fields import FieldMarks
from ui.sections.common import set_status
from ui.worker import run_in_background

CUSTOMER, KIND, NUMBER, DESCRIPTION = range(4)


def kind_combo() -> QComboBox:
    combo = QComboBox()
    for kind in FileKind:
        combo.addItem(kind.label, kind.value)
    return combo


class RegisterTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.registered: list[str] = []
        self.registered_box = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)

        where = QGroupBox(_("Kind, place and date received (for one file or the whole box)"))
        shared_form = QFormLayout(where)
        self.shared_status = status_label()
        self.shared = FieldMarks(self.shared_status)
        self.kind = kind_combo()
        self.room, self.cabinet, self.shelf, self.box = (QLineEdit() for _i in range(4))
        self.box.setPlaceholderText(_("e.g. B2025-001"))
        self.received = date_edit()
        place = QHBoxLayout()
        for caption, field, key in ((_("Room:"), self.room, "room"),
                                    (_("Cabinet:"), self.cabinet, "cabinet"),
                                    (_("Shelf:"), self.shelf, "shelf"),
                                    (_("Box:"), self.box, "box")):
            place.addWidget(QLabel(caption))
            place.addWidget(self.shared.wrap(field, key), 1)
        first = QHBoxLayout()
        first.addWidget(self.shared.wrap(self.kind, "kind"))
        first.addSpacing(24)
        first.addWidget(QLabel(_("Date received:")))
        first.addWidget(self.shared.wrap(self.received, "received_on"))
        first.addStretch(1)
        shared_form.addRow(_("Kind:"), bare(first))
        shared_form.addRow(_("Location:"), bare(place))
        layout.addWidget(where)

        columns = QHBoxLayout()
        columns.addWidget(self._one_file(), 2)
        columns.addWidget(self._many_files(), 3)
        layout.addLayout(columns, 1)

        done = QHBoxLayout()
        self.result = status_label()
        self.labels_button = QPushButton(_("Print labels"))
        self.box_button = QPushButton(_("Print box list"))
        self.labels_button.clicked.connect(self._print_labels)
        self.box_button.clicked.connect(self._print_box)
        done.addWidget(self.result, 1)
        done.addWidget(self.labels_button)
        done.addWidget(self.box_button)
        layout.addLayout(done)
        self.print_status = status_label()
        layout.addWidget(self.print_status)
        self.kind.currentIndexChanged.connect(self._rule_changed)
        self.received.dateChanged.connect(self._rule_changed)
        self._rule_changed()
        self._show_registered([], "")

    def _one_file(self) -> QGroupBox:
        group = QGroupBox(_("One file"))
        form = QFormLayout(group)
        self.one_status = status_label()
        self.one = FieldMarks(self.one_status)
        self.one.share(self.shared)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText(_("scan or type; empty if none"))
        self.description = QLineEdit()
        self.rule = hint_label("")
        self.override = QCheckBox(_("Keep until another date"))
        self.retain_until = date_edit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("why this date (e.g. the service ended on …)"))
        form.addRow(_("Customer number:"), self.one.wrap(self.customer, "customer_no"))
        form.addRow(_("Description:"), self.one.wrap(self.description, "description"))
        form.addRow(self.rule)
        form.addRow(self.override)
        form.addRow(_("Keep until:"), self.one.wrap(self.retain_until, "retain_until"))
        form.addRow(_("Reason:"), self.one.wrap(self.reason, "override_reason"))
        self.register_button = QPushButton(_("Register file"))
        self.register_button.setDefault(True)
        self.register_button.clicked.connect(self.register_one)
        self.customer.returnPressed.connect(self.description.setFocus)
        self.description.returnPressed.connect(self.register_one)
        form.addRow(button_row(self.register_button))
        form.addRow(self.one_status)
        form.addRow(self.shared_status)
        self.override.toggled.connect(self._override_toggled)
        self._override_toggled(False)
        return group

    def _many_files(self) -> QGroupBox:
        group = QGroupBox(_("Many at once"))
        column = QVBoxLayout(group)
        column.addWidget(hint_label(_("Scan or type each file's customer number and press Enter: "
                                      "each one adds a row. Description and file number can be "
                                      "typed into the table; an empty file number is assigned.")))
        self.line = ScanField(_("Customer number, then Enter"))
        self.line.scanned.connect(self.add_row)
        column.addWidget(self.line)
        self.rows = data_table([_("Customer number"), _("Kind"), _("File number"),
                                _("Description")])
        self.rows.setEditTriggers(self.rows.EditTrigger.DoubleClicked
                                  | self.rows.EditTrigger.EditKeyPressed
                                  | self.rows.EditTrigger.AnyKeyPressed)
        column.addWidget(self.rows, 1)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton(_("Remove row"))
        self.remove_button.clicked.connect(self._remove_row)
        self.batch_button = QPushButton()
        self.batch_button.clicked.connect(self.register_many)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.batch_button)
        column.addLayout(buttons)
        self.many_status = status_label()
        self.many = FieldMarks(self.many_status)
        self.many.share(self.shared)
        column.addWidget(self.many_status)
        self._rows_changed()
        return group

    # -- one file -----------------------------------------------------------------------

    def _rule_changed(self) -> None:
        kind = FileKind(self.kind.currentData())
        until = retain_until_for(kind, day_in(self.received))
        self.rule.setText(_("By the rule for this kind, kept until {date}.").format(
            date=until.isoformat()))
        if not self.override.isChecked():
            set_day(self.retain_until, until)

    def _override_toggled(self, on: bool) -> None:
        self.retain_until.setEnabled(on)
        self.reason.setEnabled(on)
        if not on:
            self.reason.clear()
            self._rule_changed()

    def _place(self) -> dict:
        return {"kind": self.kind.currentData(), "room": self.room.text(),
                "cabinet": self.cabinet.text(), "shelf": self.shelf.text(),
                "box": self.box.text(), "received_on": day_in(self.received)}

    def register_one(self) -> None:
        self.one.clear()
        values = self._place()
        values.update(customer_no=self.customer.text().strip() or None,
                      description=self.description.text())
        if self.override.isChecked():
            values.update(retain_until=day_in(self.retain_until),
                          override_reason=self.reason.text())
        session, box = self.session, self.box.text().strip().upper()
        self.register_button.setEnabled(False)
        run_in_background(self, lambda _p: register_file(session, **values),
                          lambda number: self._registered_one(number, box), self._refused_one)

    def _registered_one(self, number: str, box: str) -> None:
        self.register_button.setEnabled(True)
        self.customer.clear()
        self.description.clear()
        self.override.setChecked(False)
        set_status(self.one_status, _("File {number} was registered.").format(number=number),
                   ok=True)
        self._show_registered([number], box)
        self.customer.setFocus()

    def _refused_one(self, refusal: CustosError) -> None:
        self.register_button.setEnabled(True)
        self.one.show(refusal)

    # -- many files ---------------------------------------------------------------------

    def add_row(self, customer_no: str) -> None:
        row = self.rows.rowCount()
        self.rows.insertRow(row)
        kind = self.kind.currentData()
        cells = (customer_no.upper(), label_of(FileKind, kind), "", "")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column in (CUSTOMER, KIND):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == KIND:
                item.setData(Qt.ItemDataRole.UserRole, kind)
            self.rows.setItem(row, column, item)
        self.rows.scrollToBottom()
        self._rows_changed()

    def _remove_row(self) -> None:
        row = selected_row(self.rows)
        if row is None:
            row = self.rows.rowCount() - 1
        if row >= 0:
            self.rows.removeRow(row)
        self._rows_changed()

    def _rows_changed(self) -> None:
        count = self.rows.rowCount()
        self.batch_button.setText(_("Register {count} files").format(count=count))
        self.batch_button.setEnabled(count > 0)
        self.remove_button.setEnabled(count > 0)

    def _cell(self, row: int, column: int) -> str:
        item = self.rows.item(row, column)
        return item.text().strip() if item is not None else ""

    def items(self) -> list[dict]:
        place = self._place()
        found = []
        for row in range(self.rows.rowCount()):
            item = dict(place, customer_no=self._cell(row, CUSTOMER) or None,
                        description=self._cell(row, DESCRIPTION),
                        kind=self.rows.item(row, KIND).data(Qt.ItemDataRole.UserRole))
            if self._cell(row, NUMBER):
                item["file_no"] = self._cell(row, NUMBER)
            found.append(item)
        return found

    def register_many(self) -> None:
        self.many.clear()
        items, session = self.items(), self.session
        box = self.box.text().strip().upper()
        self.batch_button.setEnabled(False)
        run_in_background(self, lambda _p: register_batch(session, items),
                          lambda numbers: self._registered_many(numbers, box), self._refused_many)

    def _registered_many(self, numbers: list[str], box: str) -> None:
        self.rows.setRowCount(0)
        self._rows_changed()
        set_status(self.many_status, _("{count} files were registered.").format(
            count=len(numbers)), ok=True)
        self._show_registered(numbers, box)
        self.line.setFocus()

    def _refused_many(self, refusal: CustosError) -> None:
        self._rows_changed()
        self.many.show(refusal)

    # -- printing -----------------------------------------------------------------------

    def _show_registered(self, numbers: list[str], box: str) -> None:
        self.registered, self.registered_box = numbers, box
        if numbers:
            set_status(self.result, _("Registered just now: {numbers}").format(
                numbers=", ".join(numbers)), ok=True)
        else:
            self.result.hide()
        self.labels_button.setEnabled(bool(numbers))
        self.box_button.setEnabled(bool(numbers and box))

    def _print_labels(self) -> None:
        session, numbers = self.session, list(self.registered)
        show_pdf(self, lambda: label_sheet_pdf(session, numbers, None), _("Barcode labels"),
                 f"labels-{numbers[0]}.pdf", self.print_status)

    def _print_box(self) -> None:
        session, box = self.session, self.registered_box
        show_pdf(self, lambda: box_list_pdf(session, box, None), _("Box content list"),
                 f"box-{box}.pdf", self.print_status)
