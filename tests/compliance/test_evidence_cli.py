"""`custos backup verify | destination | limits` on record, on both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import accounts
from app.audit import verify
from app.backup import schedule
from app.cli import main
from app.store import schema

from ..conftest import ADMIN_PW, STORE


@pytest.fixture
def env(monkeypatch, request):
    for name in ("CUSTOS_USER", "CUSTOS_DB", "CUSTOS_BACKUP_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    if STORE == "server":  # the restore test runs as the server's owner login
        cluster = request.getfixturevalue("pg_cluster")
        monkeypatch.setenv("PGUSER", cluster.superuser)
        monkeypatch.setenv("PGPASSWORD", cluster.superuser_password or "")
    return monkeypatch


def test_a_verify_from_the_cli_is_recorded_like_one_from_the_window(db_path, tmp_path, env,
                                                                     capsys):
    base = ["--db", str(db_path), "--user", "admin"]
    assert main(["backup", "--to", str(tmp_path), *base]) == 0
    path = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["backup", "verify", path, *base]) == 0
    assert "sound" in capsys.readouterr().out
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        plan = schedule.load_schedule(session.db)
        with session.db.read() as conn:
            e = schema.audit_event
            rows = conn.execute(select(e.c.actor, e.c.outcome).where(
                e.c.action == "backup.verified")).all()
        assert verify(session.db).intact
    finally:
        accounts.logout(session)
    assert plan.last_verified is not None and path.endswith(plan.last_verified_file)
    assert [tuple(r) for r in rows] == [("admin", "ok")]


def test_destinations_are_marked_and_limits_set_from_the_cli(db_path, tmp_path, env, capsys):
    base = ["--db", str(db_path), "--user", "admin"]
    far, near = tmp_path / "far", tmp_path / "near"
    assert main(["backup", "destination", "add", str(near), *base]) == 0
    assert main(["backup", "destination", "add", str(far), "--off-site", *base]) == 0
    assert main(["backup", "destination", "mark", str(near), "--off-site", *base]) == 0
    assert main(["backup", "destination", "mark", str(far), *base]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[-2:]
    assert lines == [f"{near}\toff-site", f"{far}\ton-site"]
    assert main(["backup", "limits", "--off-site-days", "3", *base]) == 0
    out = capsys.readouterr().out
    assert "off-site-days\t3" in out and "restore-test-days\t31" in out
    assert main(["backup", "limits", "--restore-test-days", "0", *base]) == 1
    assert "1 to 366" in capsys.readouterr().err
