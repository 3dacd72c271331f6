"""The breach register's dialogs: record or report an incident, complete it, write the
letters, close it, set the deadlines. Each OK runs one app/ call on the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.clock import local_text
from app.compliance import breach_deadlines
from app.compliance.breach_notices import notify
from app.compliance.breaches import (
    CATEGORIES,
    Breach,
    close_breach,
    record_breach,
    report_incident,
    update_breach,
)
from app.i18n import _
from app.security import Permission, Session
from ui.dialogs import FormDialog

DETECTED_FORMAT = "yyyy-MM-dd HH:mm"


def text_box(text: str = "", height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class CategoryBoxes(QWidget):
    """A check box per category of data, two columns."""

    def __init__(self, chosen: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (code, label) in enumerate(CATEGORIES.items()):
            box = QCheckBox(_(label))
            box.setChecked(code in chosen)
            self.boxes[code] = box
            grid.addWidget(box, i // 2, i % 2)

    def chosen(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]


class BreachDialog(FormDialog):
    """A new incident: a manager records it (all fields); anyone else reports it (what they
    know: when, what, which customers)."""

    def __init__(self, session: Session, manager: bool, parent: QWidget | None = None) -> None:
        super().__init__(_("Record a data breach") if manager
                         else _("Report a suspected data incident"), parent,
                         ok_text=_("Record") if manager else _("Report the incident"))
        self.session, self.manager = session, manager
        self.setMinimumWidth(600)
        self.set_intro(_(
            "Record it as soon as it is noticed: the deadlines to notify the regulator and "
            "the customers run from the time of detection. Name customers by their customer "
            "numbers, separated by commas.") if manager else _(
            "Tell the manager at once about anything that may have exposed customers' data: "
            "a lost list, a document given to the wrong person, a screen seen by a stranger. "
            "The manager handles it from here."))
        self.detected = QDateTimeEdit(QDateTime.currentDateTime())
        self.detected.setDisplayFormat(DETECTED_FORMAT)
        self.detected.setCalendarPopup(True)
        self.summary = QLineEdit()
        self.summary.setMaxLength(300)
        self.what = text_box()
        self.customers = QLineEdit()
        self.customers.setPlaceholderText("C000000001, C000000002")
        self.form.addRow(_("Detected at:"), self.detected)
        self.form.addRow(_("Summary:"), self.summary)
        self.form.addRow(_("What happened:"), self.what)
        if session.can(Permission.CUSTOMER_FIND):  # an administrator describes, never names
            self.form.addRow(_("Customers affected:"), self.customers)
        self.fields = {"detected": self.detected, "summary": self.summary,
                       "what_happened": self.what, "customers": self.customers}
        if manager:
            self.categories = CategoryBoxes()
            self.consequences, self.measures = text_box(), text_box()
            self.form.addRow(_("Categories of data:"), self.categories)
            self.form.addRow(_("Likely consequences:"), self.consequences)
            self.form.addRow(_("Measures taken:"), self.measures)
            self.fields = {**self.fields, "categories": self.categories,
                           "consequences": self.consequences, "measures": self.measures}

    def prepare(self) -> Callable[[], Any]:
        session = self.session
        detected = self.detected.dateTime().toString(DETECTED_FORMAT)
        summary, what, numbers = (self.summary.text(), self.what.toPlainText(),
                                  self.customers.text())
        if not self.manager:
            return lambda: report_incident(session, detected, summary, numbers, what)
        categories = self.categories.chosen()
        consequences, measures = self.consequences.toPlainText(), self.measures.toPlainText()
        return lambda: record_breach(session, detected, summary, numbers, what, categories,
                                     consequences, measures)


class EditBreachDialog(FormDialog):
    """A manager completes an incident; one reported by counter staff becomes theirs."""

    def __init__(self, session: Session, b: Breach, numbers: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Data breach {number}").format(number=b.number), parent,
                         ok_text=_("Save"))
        self.session, self.breach = session, b
        self.setMinimumWidth(620)
        self.set_intro(_("{summary} — detected {time}, reported by {user}.").format(
            summary=b.summary, time=local_text(b.detected_at), user=b.reported_by))
        self.what = text_box(b.what_happened)
        self.customers = QLineEdit(", ".join(numbers))
        self.categories = CategoryBoxes(b.categories)
        self.consequences, self.measures = text_box(b.consequences), text_box(b.measures)
        self.take_over = QCheckBox(_("I handle this incident"))
        self.take_over.setChecked(b.handler in (None, session.username))
        self.take_over.setEnabled(b.handler not in (None, session.username))
        for label, widget in ((_("What happened:"), self.what),
                              (_("Customers affected:"), self.customers),
                              (_("Categories of data:"), self.categories),
                              (_("Likely consequences:"), self.consequences),
                              (_("Measures taken:"), self.measures), ("", self.take_over)):
            self.form.addRow(label, widget)
        self.fields = {"what_happened": self.what, "customers": self.customers,
                       "categories": self.categories, "consequences": self.consequences,
                       "measures": self.measures}

    def prepare(self) -> Callable[[], Any]:
        session, b = self.session, self.breach
        values = {"what_happened": self.what.toPlainText(),
                  "categories": self.categories.chosen(),
                  "consequences": self.consequences.toPlainText(),
                  "measures": self.measures.toPlainText(), "customers": self.customers.text(),
                  "take_over": self.take_over.isChecked()}
        return lambda: update_breach(session, b.number, b.row_version, **values)


class NotifyDialog(FormDialog):
    """Writes the letters (PDF, Chinese and English) into a folder and records them."""

    def __init__(self, session: Session, b: Breach, to: str,
                 parent: QWidget | None = None) -> None:
        regulator = to == "regulator"
        super().__init__(_("Letter to the regulator") if regulator
                         else _("Letters to the customers"), parent, ok_text=_("Write letters"))
        self.session, self.breach, self.to = session, b, to
        self.set_intro(_(
            "The letter to the regulator says what happened, which data, how many customers, "
            "the consequences and measures, and whom to contact. It is recorded as sent, by "
            "you, now, with the file's checksum.") if regulator else _(
            "One letter per customer not yet notified ({count}), addressed by name, in "
            "Chinese and English. Each is recorded as sent, by you, now, with the file's "
            "checksum.").format(count=b.customers - b.customers_notified))
        row = QHBoxLayout()
        self.folder = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(_("Folder:"), holder)
        self.fields = {"out": self.folder}

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Folder for the letters"))
        if chosen:
            self.folder.setText(chosen)

    def prepare(self) -> Callable[[], Any]:
        session, number, to, folder = self.session, self.breach.number, self.to, \
            self.folder.text().strip()
        return lambda: notify(session, number, to, folder or ".")

    def working_label(self) -> str:
        return _("Writing the letters…")


class CloseDialog(FormDialog):
    def __init__(self, session: Session, b: Breach, parent: QWidget | None = None) -> None:
        super().__init__(_("Close data breach {number}").format(number=b.number), parent,
                         ok_text=_("Close the incident"))
        self.session, self.breach = session, b
        self.set_intro(_(
            "Notifications are still outstanding (regulator: {regulator}; customers not yet "
            "notified: {customers}). Close it only if none is required, and say why.").format(
            regulator=_("pending") if b.regulator_pending else _("done"),
            customers=b.customers_pending) if b.outstanding else _(
            "Every notification has been sent. Add a closing note if you wish."))
        self.reason = text_box()
        self.form.addRow(_("Reason:") if b.outstanding else _("Note:"), self.reason)
        self.fields = {"reason": self.reason}

    def prepare(self) -> Callable[[], Any]:
        session, number, reason = self.session, self.breach.number, self.reason.toPlainText()
        return lambda: close_breach(session, number, reason)


class DeadlinesDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(_("Breach deadlines"), parent)
        self.session = session
        now = breach_deadlines.deadlines(session)
        self.set_intro(_("They apply to incidents recorded from now on. 0 hours for the "
                         "regulator means immediately."))
        self.regulator, self.customers, self.warn = QSpinBox(), QSpinBox(), QSpinBox()
        for box, key, value, suffix in (
                (self.regulator, breach_deadlines.REGULATOR_HOURS, now.regulator_hours,
                 _(" hours")),
                (self.customers, breach_deadlines.CUSTOMER_DAYS, now.customer_days, _(" days")),
                (self.warn, breach_deadlines.WARN_HOURS, now.warn_hours, _(" hours"))):
            box.setRange(*breach_deadlines.LIMITS[key])
            box.setValue(value)
            box.setSuffix(suffix)
        self.form.addRow(_("Notify the regulator within:"), self.regulator)
        self.form.addRow(_("Notify the customers within:"), self.customers)
        self.form.addRow(_("Alert before a deadline:"), self.warn)

    def prepare(self) -> Callable[[], Any]:
        session, values = self.session, (self.regulator.value(), self.customers.value(),
                                         self.warn.value())
        return lambda: breach_deadlines.set_deadlines(session, *values)
