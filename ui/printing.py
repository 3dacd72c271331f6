"""Choosing a printer and printing on it: the one way every Print… button goes.

PySide6 shadows QDialog.open() on QPrintDialog with Qt's open(receiver, member) overload, so
`dialog.open()` raises TypeError and the dialog never shows; calling QDialog.open on it opens
the window-modal dialog without blocking the caller. Whatever the drawing does, a failure
ends as one sentence handed to `report`, never as a traceback on stderr.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from app.errors import CustosError
from app.i18n import _
from ui.lifetime import delete_later

Report = Callable[[str, bool], None]  # (sentence, ok)


class PrintFailed(CustosError):
    pass


def choose_and_print(parent: QWidget, title: str,
                     print_to: Callable[[QPrinter], object]) -> QPrintDialog:
    """Open the print dialog; once the person confirms, `print_to` prints on that printer.

    `print_to` reports its own outcome (see `print_on`). Returns the dialog (it deletes
    itself when answered) so that a caller or a test can find it.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    # The printer must live until the dialog answers: the lambda keeps it.
    dialog.accepted.connect(lambda: print_to(printer))
    dialog.finished.connect(lambda _result: delete_later(dialog))
    QDialog.open(dialog)
    return dialog


def print_on(printer: QPrinter, draw: Callable[[QPrinter], None], report: Report) -> bool:
    """Run `draw` on `printer`; report one sentence either way; True when it printed."""
    try:
        draw(printer)
        if printer.printerState() == QPrinter.PrinterState.Error:
            raise PrintFailed(_("The printer reported an error; check it and print again."))
    except CustosError as exc:
        report(str(exc), False)
        return False
    except (OSError, RuntimeError, ValueError) as exc:
        # A driver or file problem the drawing did not foresee: still one sentence.
        report(_("Printing failed: {reason}").format(reason=type(exc).__name__), False)
        return False
    report(_("Sent to the printer."), True)
    return True
