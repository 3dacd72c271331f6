"""Compliance-file fixtures: a few customers, and the command line run as a role."""

from __future__ import annotations

import pytest

from app.cli import main
from app.security.roles import Role

from ..conftest import PASSWORDS
from .people import add_customers


@pytest.fixture
def customers(login) -> list[tuple[str, str]]:
    """(customer number, name) of three customers."""
    return add_customers(login(Role.COUNTER), 3, 16)


@pytest.fixture
def run(db_path, monkeypatch, capsys):
    """run(role, *argv) -> (exit code, stdout, stderr) as that role."""
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def _run(role: Role, *argv: str):
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[role])
        code = main([*argv, "--db", str(db_path), "--user", role.value])
        out = capsys.readouterr()
        return code, out.out, out.err
    return _run
