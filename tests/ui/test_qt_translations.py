"""Qt's own dialogs speak the interface language: the file dialogs' labels, buttons and
kinds of file in Chinese (Qt's catalogue and the texts it lacks, ui/language.py), English
again after a switch, and their columns wide enough for what they show (ui/files.py)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QTreeView

from ui import files
from ui.language import apply_language

LATIN = re.compile(r"[A-Za-z]{3,}")


def _look(ask, tmp_path: Path) -> dict:
    """Open a dialog through `ask`, read what it shows, cancel it."""
    (tmp_path / "a folder").mkdir(exist_ok=True)
    seen: dict = {}

    def read() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QFileDialog) and w.isVisible())
        QApplication.processEvents()
        view = next(v for v in dialog.findChildren(QTreeView) if v.isVisible()) \
            if any(v.isVisible() for v in dialog.findChildren(QTreeView)) else None
        seen["texts"] = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(
            QAbstractButton) if w.isVisible() and w.text()]
        if view is not None:
            model, root = view.model(), view.rootIndex()
            seen["kinds"] = [model.index(r, 2, root).data() for r in range(model.rowCount(root))]
            header = view.header()
            seen["dates"] = (header.sectionSize(3), view.sizeHintForColumn(3))
        dialog.reject()

    def wait_for_rows() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QFileDialog) and w.isVisible()), None)
        views = [v for v in dialog.findChildren(QTreeView)] if dialog else []
        if dialog is None or not any(v.model().rowCount(v.rootIndex()) for v in views):
            QTimer.singleShot(50, wait_for_rows)
            return
        QTimer.singleShot(200, read)

    QTimer.singleShot(0, wait_for_rows)
    ask(str(tmp_path))
    return seen


def _details(ask):
    """The dialog in its detail view (the one with the Date column)."""
    def asking(start: str) -> str:
        QTimer.singleShot(0, lambda: [d.setViewMode(QFileDialog.ViewMode.Detail)
                                      for d in QApplication.topLevelWidgets()
                                      if isinstance(d, QFileDialog)])
        return ask(start)
    return asking


def test_file_dialogs_speak_chinese_and_switch_back_to_english(qapp, tmp_path):
    assert (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
            / "qtbase_zh_CN.qm").exists()
    try:
        apply_language("zh_CN")
        for ask in (lambda s: files.open_file(None, "打开", s, "Custos (*.custos)"),
                    lambda s: files.save_file(None, "另存为", s, "PDF (*.pdf)"),
                    lambda s: files.choose_folder(None, "选择文件夹", s)):
            seen = _look(_details(ask), tmp_path)
            english = [t for t in seen["texts"] if LATIN.search(t.replace("Custos", "")
                                                                .replace("PDF", ""))]
            assert not english, english
            assert "查找范围(&L)：" in seen["texts"]
            assert seen["kinds"] == ["文件夹"]
            shown, needed = seen["dates"]
            assert shown >= needed, "the date column is cut off"
        apply_language("en")
        seen = _look(lambda s: files.open_file(None, "Open", s, "Custos (*.custos)"), tmp_path)
        assert "&Look in:" in seen["texts"] and seen["kinds"] == ["Folder"]
        apply_language("zh_CN")
        seen = _look(lambda s: files.open_file(None, "打开", s, "Custos (*.custos)"), tmp_path)
        assert "文件类型(&T)：" in seen["texts"]
    finally:
        apply_language("en")
