"""Switching the interface language: our catalogue (app.i18n) and Qt's own standard texts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.i18n import set_language

# Qt's translator must outlive the call that installs it; one per application is enough.
_installed: dict[int, QTranslator] = {}

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
    old = _installed.pop(id(app), None)
    if old is not None:
        app.removeTranslator(old)
    if language == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
        _installed[id(app)] = translator
