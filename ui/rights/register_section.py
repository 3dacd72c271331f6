"""Privacy register (managers): per data category why it is held, on what basis, for whom
and how long, in Chinese and English side by side; the branch's details; the counter's
information notice; the marketing contact export.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.clock import local_text
from app.errors import CustosError
from app.i18n import N_, _, current_language
from app.rights import labels
from app.rights.marketing import export_marketing_contacts
from app.rights.model import LEGACY_BASES, Category, LegalBasis, RegisterEntry, Source
from app.rights.register import register_entries, update_entry
from app.security import Permission, Session
from ui.dialogs import error_label, hint_label
from ui.lifetime import delete_on_close
from ui.rights.common import ask_save_path, text_box
from ui.rights.preview import PreviewDialog
from ui.rights.register_dialogs import BranchDetailsDialog, NoticeLanguageDialog
from ui.sections.common import section_title, set_status
from ui.worker import run_in_background

LANGS = ("zh_CN", "en")
TEXTS = (("purposes", N_("Purposes")), ("recipients", N_("Recipients")),
         ("transfers", N_("Transfers abroad")), ("retention", N_("Retention")),
         ("automated", N_("Automated decisions")))


class EntryEditor(QWidget):
    """One category's entry; what is typed stays here until saved, even across categories."""

    def __init__(self, session: Session, entry: RegisterEntry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.entry = session, entry
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 12, 0)
        title = QLabel(Category(entry.category).label)
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for col, heading in ((1, "中文"), (2, "English")):
            label = QLabel(heading)
            label.setObjectName("hint")
            grid.addWidget(label, 0, col)
        self.texts: dict[str, dict[str, QPlainTextEdit]] = {}
        for row, (name, label) in enumerate(TEXTS, start=1):
            grid.addWidget(QLabel(_(label)), row, 0, Qt.AlignmentFlag.AlignTop)
            boxes = {}
            for col, lang in enumerate(LANGS, start=1):
                box = text_box(3)
                box.setPlainText(getattr(entry, name).get(lang, ""))
                grid.addWidget(box, row, col)
                boxes[lang] = box
            self.texts[name] = boxes
        row = len(TEXTS) + 1
        grid.addWidget(QLabel(_("Legal basis")), row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(self._bases(entry), row, 1, 1, 2)
        grid.addWidget(QLabel(_("Source")), row + 1, 0)
        self.source = QComboBox()
        for source in Source:
            self.source.addItem(source.label, source.value)
        self.source.setCurrentIndex(max(self.source.findData(entry.source), 0))
        grid.addWidget(self.source, row + 1, 1, 1, 2)
        layout.addLayout(grid)
        bottom = QHBoxLayout()
        self.changed_label = hint_label("")
        bottom.addWidget(self.changed_label, 1)
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show_changed(entry)

    def _bases(self, entry: RegisterEntry) -> QVBoxLayout:
        """PIPL Art. 13's bases, one to a row; a basis an earlier version stored that PIPL
        does not know is said, and goes when the entry is saved."""
        column = QVBoxLayout()
        boxes = QGridLayout()
        self.bases: dict[str, QCheckBox] = {}
        for i, basis in enumerate(LegalBasis):
            box = QCheckBox(basis.label)
            box.setChecked(basis.value in entry.legal_basis)
            self.bases[basis.value] = box
            boxes.addWidget(box, i, 0)
        column.addLayout(boxes)
        legacy = [b for b in entry.legal_basis if b in LEGACY_BASES]
        self.legacy_warning: QLabel | None = None
        if legacy:
            warning = self.legacy_warning = error_label()
            warning.setText(_("This entry was saved naming “{basis}”, which PIPL Art. 13 does "
                              "not list: tick the bases that apply and save.").format(
                basis=", ".join(labels.label("LegalBasis", b, current_language()) for b in legacy)))
            warning.show()
            column.addWidget(warning)
        return column

    def _show_changed(self, entry: RegisterEntry) -> None:
        self.changed_label.setText(
            _("Last changed {time} by {user}.").format(time=local_text(entry.updated_at),
                                                       user=entry.updated_by)
            if entry.updated_at else _("The shipped text; not changed in this branch yet."))

    def typed(self) -> RegisterEntry:
        texts = {name: {lang: box.toPlainText() for lang, box in boxes.items()}
                 for name, boxes in self.texts.items()}
        return RegisterEntry(
            category=self.entry.category, purposes=texts["purposes"],
            legal_basis=tuple(b for b, box in self.bases.items() if box.isChecked()),
            recipients=texts["recipients"], transfers=texts["transfers"],
            retention=texts["retention"], source=self.source.currentData(),
            automated=texts["automated"], updated_at="", updated_by="")

    def save(self) -> None:
        self.error.hide()
        self.save_button.setEnabled(False)
        session, entry = self.session, self.typed()
        run_in_background(self, lambda _p: update_entry(session, entry), self._saved,
                          self._failed)

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        try:
            fresh = next(e for e in register_entries(self.session)
                         if e.category == self.entry.category)
        except (CustosError, StopIteration):
            return
        self.entry = fresh
        self._show_changed(fresh)
        set_status(self.error, _("Saved."), ok=True)

    def _failed(self, sentence: CustosError) -> None:
        self.save_button.setEnabled(True)
        set_status(self.error, sentence, ok=False)


class RegisterSection(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.child: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 20)
        layout.setSpacing(10)
        layout.addWidget(section_title(_("Privacy register")))
        layout.addWidget(hint_label(_("What the branch holds about customers, why, on what "
                                      "basis, for whom and for how long. Every information "
                                      "notice and access copy is written from it, in the "
                                      "customer's language: each text is needed in Chinese "
                                      "and in English.")))
        bar = QHBoxLayout()
        self.branch_button = QPushButton(_("Branch details…"))
        self.notice_button = QPushButton(_("Print information notice…"))
        self.export_button = QPushButton(_("Export marketing contacts…"))
        self.branch_button.clicked.connect(self.edit_branch)
        self.notice_button.clicked.connect(self.print_notice)
        self.export_button.clicked.connect(self.export_contacts)
        self.branch_button.setVisible(session.can(Permission.BRANCH_SETTINGS))
        self.export_button.setVisible(session.can(Permission.OVERSIGHT))
        for button in (self.branch_button, self.notice_button, self.export_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        body = QHBoxLayout()
        self.categories = QListWidget()
        self.categories.setFixedWidth(180)
        self.categories.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        self.stack = QStackedWidget()
        self.editors: list[EntryEditor] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        try:
            entries = register_entries(session)
        except CustosError as exc:
            entries = []
            set_status(self.status, str(exc), ok=False)
        for entry in entries:
            self.categories.addItem(Category(entry.category).label)
            editor = EntryEditor(session, entry)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(editor)
            self.stack.addWidget(scroll)
            self.editors.append(editor)
        self.categories.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.categories.setCurrentRow(0)
        body.addWidget(self.categories)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

    def _open(self, dialog: QWidget) -> QWidget:
        delete_on_close(dialog)
        self.child = dialog
        dialog.open()
        return dialog

    def edit_branch(self) -> None:
        dialog = BranchDetailsDialog(self.session, self)
        dialog.accepted.connect(lambda: set_status(
            self.status, _("The branch details were saved."), ok=True))
        self._open(dialog)

    def print_notice(self) -> None:
        dialog = NoticeLanguageDialog(self.session, self)
        dialog.accepted.connect(lambda: self._open(PreviewDialog(
            dialog.result_value, _("Information notice"), "information-notice.pdf",
            parent=self)))
        self._open(dialog)

    def export_contacts(self) -> None:
        target = ask_save_path(self, _("Export marketing contacts"), "marketing-contacts.xlsx",
                               _("Excel workbooks (*.xlsx)"))
        if target is None:
            return
        session = self.session
        self.export_button.setEnabled(False)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            set_status(self.status, _("{count} customers with a current marketing consent were "
                                      "written to {file}.").format(count=count,
                                                                   file=str(target)), ok=True)

        def failed(sentence: CustosError) -> None:
            self.export_button.setEnabled(True)
            set_status(self.status, sentence, ok=False)

        run_in_background(self, lambda _p: export_marketing_contacts(session, target), done,
                          failed, label=_("Exporting…"))
