"""The four pages of the Import section: the file, the columns, the progress, the result.
They only draw; the flow between them (and every call to app/) is in import_section."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.imports.kinds import KINDS, Field
from app.imports.run import ImportResult
from ui.customers.common import fill_table, read_only_table
from ui.dialogs import error_label, hint_label
from ui.lifetime import delete_later

KIND_LABELS = {"customers": N_("Customers"), "services": N_("Services"),
               "consumption": N_("Consumption"), "cases": N_("Cases")}
PREVIEW_ROWS = 10
REJECTED_SHOWN = 500
VALID_ROWS, ALL_OR_NOTHING = 0, 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def field_label(field: Field) -> str:
    return _(field.label) + (" *" if field.required else "")


def expected_text(kind: str) -> str:
    return _("Columns: {fields}. * required.").format(
        fields=_(", ").join(field_label(f) for f in KINDS[kind]))


class FilePage(QWidget):
    """Step 1: what is imported, and from which file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(_(label), key)
        self.kind.setMinimumWidth(240)
        self.expected = hint_label("")
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("an .xlsx workbook or a .csv file"))
        self.browse = QPushButton(_("Choose file…"))
        self.browse.clicked.connect(self.choose_file)
        grid.addWidget(QLabel(_("Import:")), 0, 0)
        grid.addWidget(self.kind, 0, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.expected, 1, 1, 1, 2)
        grid.addWidget(QLabel(_("File:")), 2, 0)
        grid.addWidget(self.path, 2, 1)
        grid.addWidget(self.browse, 2, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addWidget(hint_label(_(
            "Title rows above the header, hidden sheets, numbers stored as floats, full-width "
            "digits and Excel dates are handled. Nothing is written before you confirm the "
            "columns.")))
        buttons = QHBoxLayout()
        self.next = QPushButton(_("Preview…"))
        self.next.setDefault(True)
        buttons.addWidget(self.next)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._explain)
        self._explain()

    def _explain(self) -> None:
        self.expected.setText(expected_text(self.chosen_kind()))

    def chosen_kind(self) -> str:
        return self.kind.currentData()

    def chosen_path(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text) if text else None

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the file to import"), self.path.text(),
            _("Spreadsheets (*.xlsx *.csv)"))
        if name:
            self.path.setText(name)


class MappingPage(QWidget):
    """Step 2: the first rows as read, a column for each field, and what to do with
    rejected rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combos: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.source = hint_label("")
        layout.addWidget(self.source)
        self.rows = read_only_table([])
        self.rows.setMaximumHeight(230)
        layout.addWidget(self.rows)
        heading = QLabel(_("Which column holds each field"))
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(10)
        layout.addLayout(self.fields)
        self.choice = QButtonGroup(self)
        self.valid_rows = QRadioButton(_("Import the valid rows and write the rejected ones to "
                                         "an error workbook"))
        self.all_or_nothing = QRadioButton(_("Import nothing if any row is rejected"))
        self.choice.addButton(self.valid_rows, VALID_ROWS)
        self.choice.addButton(self.all_or_nothing, ALL_OR_NOTHING)
        self.valid_rows.setChecked(True)
        layout.addWidget(self.valid_rows)
        layout.addWidget(self.all_or_nothing)
        buttons = QHBoxLayout()
        self.back = QPushButton(_("← Back"))
        self.start = QPushButton(_("Validate and import"))
        self.start.setDefault(True)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        layout.addLayout(buttons)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def show_preview(self, kind: str, name: str, headers: list[str],
                     mapping: dict[str, int], rows: list[tuple[int, list[str]]]) -> None:
        self.source.setText(_("The first rows of {file}, as read:").format(file=name))
        titles = [_("Row")] + [f"{column_letter(i)} · {h}" if h else column_letter(i)
                               for i, h in enumerate(headers)]
        self.rows.setColumnCount(len(titles))
        self.rows.setHorizontalHeaderLabels(titles)
        fill_table(self.rows, [[str(n)] + [cells[i] if i < len(cells) else ""
                                           for i in range(len(headers))]
                               for n, cells in rows[:PREVIEW_ROWS]])
        while self.fields.count():
            item = self.fields.takeAt(0)
            if item.widget() is not None:
                delete_later(item.widget())
        self.combos = {}
        for n, field in enumerate(KINDS[kind]):
            combo = QComboBox()
            combo.addItem(_("— not imported —"), None)
            for i, header in enumerate(headers):
                combo.addItem(f"{column_letter(i)} · {header}" if header else
                              column_letter(i), i)
            if field.key in mapping:
                combo.setCurrentIndex(combo.findData(mapping[field.key]))
            label = QLabel(field_label(field))
            if field.required:
                label.setStyleSheet("font-weight: bold;")
            self.combos[field.key] = combo
            row, col = divmod(n, 2)
            self.fields.addWidget(label, row, col * 2)
            self.fields.addWidget(combo, row, col * 2 + 1)
        self.fields.setColumnStretch(1, 1)
        self.fields.setColumnStretch(3, 1)
        self.error.hide()

    def mapping(self) -> dict[str, int]:
        return {key: combo.currentData() for key, combo in self.combos.items()
                if combo.currentData() is not None}


class ProgressPage(QWidget):
    """Step 3: rows checked and written, rows per second, and Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(560)
        layout.addWidget(self.bar)
        self.rate = hint_label("")
        layout.addWidget(self.rate)
        layout.addWidget(hint_label(_("Everything is written in one transaction: Cancel leaves "
                                      "the records exactly as they were.")))
        row = QHBoxLayout()
        self.cancel = QPushButton(_("Cancel"))
        row.addWidget(self.cancel)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def begin(self, name: str) -> None:
        self.title.setText(_("Importing {file}…").format(file=name))
        self.bar.setRange(0, 0)
        self.rate.setText(_("Reading the file…"))
        self.cancel.setEnabled(True)

    def show_progress(self, done: int, total: int, seconds: float) -> None:
        if total <= 0:
            return
        self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))
        rows = total // 2
        rate = f"{done / seconds:,.0f}" if seconds > 0 else "—"
        if done <= rows:
            text = _("Checking row {done} of {total} · {rate} rows/s")
            self.rate.setText(text.format(done=f"{done:,}", total=f"{rows:,}", rate=rate))
        else:
            text = _("Writing row {done} of {total} · {rate} rows/s")
            self.rate.setText(text.format(done=f"{done - rows:,}", total=f"{rows:,}",
                                          rate=rate))


class ResultPage(QWidget):
    """Step 4: what was read, imported, already there, rejected — and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        layout.addWidget(self.sentence)
        figures = QGridLayout()
        figures.setHorizontalSpacing(24)
        self.figures: dict[str, QLabel] = {}
        for col, (key, title) in enumerate((("read", _("Read")), ("imported", _("Imported")),
                                            ("present", _("Already present")),
                                            ("rejected", _("Rejected")))):
            value = QLabel("0")
            value.setStyleSheet("font-size: 22px; font-weight: bold;")
            figures.addWidget(value, 0, col)
            figures.addWidget(QLabel(title), 1, col)
            self.figures[key] = value
        figures.setColumnStretch(4, 1)
        layout.addLayout(figures)
        self.rate = hint_label("")
        layout.addWidget(self.rate)
        self.rejected = read_only_table([_("Row"), _("Column"), _("Reason")], stretch=2)
        layout.addWidget(self.rejected, 1)
        book = QHBoxLayout()
        self.book_path = QLabel()
        self.book_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.book_path.setWordWrap(True)
        self.open_folder = QPushButton(_("Open error workbook folder"))
        book.addWidget(self.book_path, 1)
        book.addWidget(self.open_folder)
        layout.addLayout(book)
        row = QHBoxLayout()
        self.again = QPushButton(_("Import another file"))
        row.addWidget(self.again)
        row.addStretch(1)
        layout.addLayout(row)

    def show_result(self, result: ImportResult) -> None:
        self.figures["read"].setText(f"{result.read:,}")
        self.figures["imported"].setText(f"{result.imported:,}")
        self.figures["present"].setText(f"{result.already_present:,}")
        self.figures["rejected"].setText(f"{len(result.rejected):,}")
        self.figures["rejected"].setStyleSheet(
            "font-size: 22px; font-weight: bold;" + (" color: #b3261e;" if result.rejected
                                                    else ""))
        self.rate.setText(_("{rows} rows in {seconds} s ({rate} rows/s).").format(
            rows=f"{result.read:,}", seconds=f"{result.seconds:.1f}",
            rate=f"{result.rows_per_second:,.0f}"))
        shown = result.rejected[:REJECTED_SHOWN]
        fill_table(self.rejected, [[str(r.row), r.column, r.reason] for r in shown],
                   align_right=(0,))
        self.rejected.setVisible(bool(result.rejected))
        has_book = result.error_book is not None
        self.book_path.setText(_("Error workbook: {path}").format(path=str(result.error_book))
                               if has_book else "")
        self.book_path.setVisible(has_book)
        self.open_folder.setVisible(has_book)
