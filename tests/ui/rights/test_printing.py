"""Print… prints: the recovery-code sheets and the PDF previews print through the real print
dialog, every page; a printer that cannot be used is one sentence, not a traceback.

The archive printouts (labels, box lists, borrow slips, destruction records) are printed from
their own screens in tests/ui/archive, the reports in tests/ui/oversight/test_reports.py.
"""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtGui import QPainter

from app.rights.answers import information_notice, prepare_access_copy
from app.rights.copies import review_copy
from ui.backups.keys_section import RecoveryCodeDialog
from ui.rights.pdf_pages import page_count
from ui.rights.preview import PreviewDialog
from ui.rights.register_section import RegisterSection

CODE = "K7M2Q-9XRTP-4HVNW-ZC3LD-8FJ6B"


def test_the_new_recovery_code_prints(qtbot, print_with_button):
    dialog = RecoveryCodeDialog(CODE, "branch.custos")
    qtbot.addWidget(dialog)
    dialog.show()
    printed = print_with_button(dialog.print_button)
    text = "".join(page.extract_text() for page in PdfReader(printed).pages)
    assert CODE in text and "branch.custos" in text


def test_a_protected_access_copy_prints_every_page_decrypted(qtbot, wait_workers, counter,
                                                            manager, verified,
                                                            print_with_button):
    number = verified("access")
    prepare_access_copy(counter, number, "zh_CN", protect=True)
    document = review_copy(manager, number)
    dialog = PreviewDialog(document.data, "copy", "copy.pdf", document.password)
    qtbot.addWidget(dialog)
    dialog.show()
    pages = page_count(document.data, document.password)
    qtbot.waitUntil(lambda: len(dialog.page_labels) == pages, timeout=15000)
    printed = print_with_button(dialog.print_button)
    assert page_count(printed.read_bytes()) == pages  # printed pages need no password
    assert dialog.status.text() == "Sent to the printer."


def test_the_information_notice_prints_from_the_register(qtbot, wait_workers, manager,
                                                         print_with_button):
    section = RegisterSection(manager)
    qtbot.addWidget(section)
    section.show()
    section.print_notice()
    section.child.ok_button.click()
    qtbot.waitUntil(lambda: isinstance(section.child, PreviewDialog), timeout=15000)
    preview = section.child
    qtbot.waitUntil(lambda: len(preview.page_labels) >= 1, timeout=15000)
    printed = print_with_button(preview.print_button)
    assert page_count(printed.read_bytes()) == page_count(preview.data)


def test_a_printer_that_cannot_start_is_one_sentence(qtbot, manager, capfd, monkeypatch,
                                                     print_with_button):
    class Unreachable(QPainter):  # as when the print server went away after the dialog
        def begin(self, _device) -> bool:
            return False

    monkeypatch.setattr("ui.rights.preview.QPainter", Unreachable)
    dialog = PreviewDialog(information_notice(manager, "en"), "notice", "notice.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    print_with_button(dialog.print_button)
    assert dialog.status.text() == "The printer could not be started."
    assert "Traceback" not in capfd.readouterr().err
