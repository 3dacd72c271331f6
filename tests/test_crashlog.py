"""Every unexpected error is written, with its traceback and without personal data, to a
rotating 0600 log in the person's data folder; the sentence, the About box and the README
name it."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from app import cli, crashlog

PERSONAL = ("王芳", "13800138000", "110101199003077777")


def _boom(*_args):
    raise KeyError(f"{PERSONAL[0]} {PERSONAL[1]}")


@pytest.fixture
def log_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("CUSTOS_LOG_DIR", str(folder))
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_cli_writes_the_traceback_and_names_the_log(log_dir, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "cmd_init", _boom)
    code = cli.main(["init", "--db", str(tmp_path / "x.custos"), "--admin", "a"])
    err = capsys.readouterr().err
    log = log_dir / crashlog.LOG_NAME
    assert code == cli.EXIT_FAILED
    assert err.strip() == (f"custos: unexpected error (KeyError); the action was not "
                           f"completed. The details, without personal data, are in {log}.")
    text = log.read_text("utf-8")
    assert "builtins.KeyError" in text and "unexpected error in custos init" in text
    assert "app/cli.py:" in text and "in _boom" in text  # frames: file, line, function
    assert not any(p in text for p in PERSONAL)
    if sys.platform != "win32":
        assert _mode(log) == 0o600


@pytest.mark.file_only
def test_database_errors_keep_their_code_but_not_the_row(log_dir, login):
    from sqlalchemy import text

    session = login("admin")
    try:
        with session.db.write() as conn:
            conn.execute(text("CREATE TEMP TABLE t (x TEXT UNIQUE)"))
            conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": PERSONAL[2]})
            conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": PERSONAL[2]})
    except Exception as error:  # IntegrityError quoting the statement and its parameters
        assert PERSONAL[2] in str(error)
        crashlog.record(error, "test")
    logged = (log_dir / crashlog.LOG_NAME).read_text("utf-8")
    assert "IntegrityError [SQLITE_CONSTRAINT]" in logged
    assert PERSONAL[2] not in logged and "INSERT" not in logged


def test_the_log_rotates_and_every_file_stays_private(log_dir, monkeypatch):
    monkeypatch.setattr(crashlog, "MAX_BYTES", 600)
    for _i in range(12):
        try:
            _boom()
        except KeyError as error:
            assert crashlog.record(error, "test") == log_dir / crashlog.LOG_NAME
    files = sorted(log_dir.iterdir())
    assert len(files) == crashlog.BACKUPS + 1
    if sys.platform != "win32":
        assert {_mode(f) for f in files} == {0o600}


def test_a_log_that_cannot_be_written_does_not_hide_the_sentence(tmp_path, monkeypatch,
                                                                 capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CUSTOS_LOG_DIR", str(blocker / "below-a-file"))
    monkeypatch.setattr(cli, "cmd_init", _boom)
    assert cli.main(["init", "--db", str(tmp_path / "x.custos"), "--admin", "a"]) == 1
    assert capsys.readouterr().err.strip() == ("custos: unexpected error (KeyError); the "
                                               "action was not completed.")


def test_the_gui_writes_background_and_slot_errors_to_the_log(log_dir, qtbot, capsys):
    from ui.app import report_unexpected
    from ui.worker import run_in_background

    errors: list[Exception] = []
    run_in_background(None, _boom, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    log = log_dir / crashlog.LOG_NAME
    assert [str(e) for e in errors] == [
        f"Something went wrong: KeyError. Look whether the action was done before you try "
        f"again. The details, without personal data, are in {log}."]
    try:
        _boom()
    except KeyError as error:
        report_unexpected(KeyError, error, error.__traceback__)
    assert "Something went wrong: KeyError" in capsys.readouterr().err
    text = log.read_text("utf-8")
    assert text.count("builtins.KeyError") == 2 and "in _boom" in text
    assert not any(p in text for p in PERSONAL)


def test_the_about_box_and_the_readme_name_the_log(qtbot, login, log_dir):
    from ui.main_window import MainWindow

    window = MainWindow(login("counter"))
    qtbot.addWidget(window)
    window.about_action.trigger()
    from PySide6.QtWidgets import QMessageBox

    box = window.findChild(QMessageBox)
    assert box is not None and str(log_dir / crashlog.LOG_NAME) in box.text()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert crashlog.LOG_NAME in readme


@pytest.mark.parametrize(("number", "sentence"), [
    (errno.ENOSPC, "The disk is full; free some space and try again. Nothing was saved."),
    (errno.EROFS, "That disk is read-only; choose another place. Nothing was saved."),
    (errno.EACCES, "Custos may not use that file or folder (permission denied); nothing was "
                   "changed."),
])
def test_a_failed_file_write_gets_its_sentence(number, sentence, monkeypatch, capsys, qtbot,
                                               tmp_path):
    from ui.worker import run_in_background

    def fail(*_args):
        raise OSError(number, os.strerror(number), "/home/王芳/导出.xlsx")

    monkeypatch.setattr(cli, "cmd_init", fail)
    assert cli.main(["init", "--db", str(tmp_path / "x.custos"), "--admin", "a"]) == 1
    assert capsys.readouterr().err.strip() == f"custos: {sentence}"
    errors: list[str] = []
    run_in_background(None, fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert [str(e) for e in errors] == [sentence]
