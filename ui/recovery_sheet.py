"""Printing the recovery code, on paper or into a PDF file, from one QTextDocument."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from app.i18n import _
from ui.dialogs import show_error
from ui.files import save_file
from ui.first_run import recovery_sheet_html
from ui.printing import choose_and_print, print_on


def sheet(code: str, database_name: str, day: date | None = None) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(recovery_sheet_html(code, database_name, day or date.today()))
    return document


def write_pdf(code: str, database_name: str, target: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(target))
    sheet(code, database_name).print_(printer)


def save_as_pdf(parent: QWidget, code: str, database_name: str, folder: Path) -> Path | None:
    """Ask where, then write the sheet as a PDF; None if the person cancelled."""
    suggested = folder / _("recovery-code-{name}.pdf").format(name=Path(database_name).stem)
    name = save_file(parent, _("Save the recovery code as PDF"), str(suggested),
                     _("PDF files (*.pdf)"))
    if not name:
        return None
    target = Path(name)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    write_pdf(code, database_name, target)
    return target


def print_sheet(parent: QWidget, code: str, database_name: str) -> QPrintDialog:
    """The system print dialog; the sheet prints once the person confirms.

    A failure is told in a message box: these dialogs have no status line.
    """
    document = sheet(code, database_name)

    def report(sentence: str, ok: bool) -> None:
        if not ok:
            show_error(parent, sentence)

    # The document must live until the dialog answers: the lambda keeps it.
    return choose_and_print(parent, _("Print the recovery code"),
                            lambda printer: print_on(printer, document.print_, report))
