"""Switching the interface language: our catalogue (app.i18n) and Qt's own standard texts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.i18n import N_, _, set_language

# Qt's translators must outlive the call that installs them; one set per application.
_installed: dict[int, list[QTranslator]] = {}

# Texts of Qt's file dialogs that Qt's own Chinese catalogue (qtbase_zh_CN.qm) lacks: the
# Qt 6 spellings with shortcut keys and the names of kinds of file. Ours supplies them,
# from resources/i18n like every other text; Qt's catalogue answers the rest.
QT_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QAbstractFileIconProvider", "Folder"): N_("Folder"),
    # (the msgid differs from Qt's: our "File" is a paper file, 档案)
    ("QAbstractFileIconProvider", "File"): N_("File on disk"),
    ("QAbstractFileIconProvider", "%1 File"): N_("%1 File"),
    ("QAbstractFileIconProvider", "Drive"): N_("Drive"),
    ("QAbstractFileIconProvider", "File Folder"): N_("File Folder"),
    ("QAbstractFileIconProvider", "Alias"): N_("Alias"),
    ("QAbstractFileIconProvider", "Shortcut"): N_("Shortcut"),
}


class QtGaps(QTranslator):
    """Answers only for QT_GAPS; None lets Qt ask its own catalogue."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:  # Qt's name
        text = QT_GAPS.get((context, source))
        return _(text) if text else None

    def isEmpty(self) -> bool:  # Qt's name
        return False


_QT_LOCALES = {
    "zh_CN": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
}


def apply_language(language: str) -> None:
    """Speak `language` from now on, in our strings and in Qt's (OK, Cancel, Yes...)."""
    set_language(language)
    QLocale.setDefault(_QT_LOCALES.get(language, QLocale.c()))
    app = QCoreApplication.instance()
    if app is None:
        return
    for old in _installed.pop(id(app), ()):
        app.removeTranslator(old)
    if language == "en":
        return
    translator = QTranslator(app)
    # Where PySide6 keeps Qt's translations; in the bundle, the copy the spec keeps.
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = [QtGaps(app)]
    if translator.load(f"qtbase_{language}", folder):
        installed.append(translator)
    for each in installed:
        app.installTranslator(each)
    _installed[id(app)] = installed
