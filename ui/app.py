"""Starting the GUI: the QApplication, fonts, style, language, then the session flow.

`run` is what `custos`, `custos --db PATH` and `custos --demo` call.
"""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import app.oversight.alerts  # noqa: F401 - the alert rules watch the catalogue's actions
from app.crashlog import explained
from app.i18n import LANGUAGES, system_language
from app.store.memory import forbid_core_dumps
from app.store.place import is_server, locate
from ui import places
from ui.flow import SessionFlow
from ui.language import apply_language
from ui.sections import register_capabilities
from ui.style import apply_style, load_fonts
from ui.worker import wait_for_all


def choose_language(requested: str | None) -> str:
    """The language asked for, else the one used last time, else the desktop's."""
    if requested in LANGUAGES:
        return requested
    return places.read_recent().language or system_language()


def prepare_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(places.APP_NAME)
    app.setDesktopFileName("custos")
    # The flow decides when Custos ends: between the login dialog closing and the main
    # window opening no window is visible, and that must not quit the program.
    app.setQuitOnLastWindowClosed(False)
    load_fonts(app)
    apply_style(app)
    return app


def report_unexpected(kind: type[BaseException], error: BaseException, tb) -> None:
    """sys.excepthook for the GUI: an error escaping a slot is written to the error log
    (without personal data) and said in one sentence, instead of a trace on stderr."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(tb)
    sentence = str(explained(error, "the window"))
    print(sentence, file=sys.stderr)
    if QApplication.instance() is not None:
        from ui.dialogs import show_error

        QTimer.singleShot(0, lambda: show_error(None, sentence))


def run(db_path: str | None, demo: bool, language: str | None,
        ca_file: str | None = None) -> int:
    """`db_path`: a file or a branch server's address; `ca_file` (--ca): that server's CA,
    remembered in this PC's profile."""
    forbid_core_dumps()  # a dump of a locked window must not carry keys or passwords
    if ca_file and is_server(db_path):
        db_path = str(locate(db_path, ca_file))
    app = prepare_application()
    sys.excepthook = report_unexpected
    apply_language(choose_language(language))
    register_capabilities()
    flow = SessionFlow(demo=demo)
    flow.finished.connect(app.quit)
    QTimer.singleShot(0, lambda: flow.start(db_path or None))
    # SIGTERM (a shutdown, a service manager) ends the session properly instead of killing it.
    # Python runs signal handlers only between Qt events, hence the idle timer.
    # A quit asked while a nested loop runs (a modal progress, the demo being made) ends
    # only that loop: it is asked again until the main loop has ended too.
    quitting = QTimer()
    quitting.timeout.connect(app.quit)
    signal.signal(signal.SIGTERM, lambda *_args: (app.quit(), quitting.start(200)))
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    try:
        return app.exec()
    finally:
        wait_for_all()
        flow.shutdown()
