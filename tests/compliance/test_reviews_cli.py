"""`custos review ...`: the permission review from the command line, through to its PDF and
the administrator's carrying out of the decisions."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from app.cli import main
from tests.conftest import PASSWORDS


@pytest.fixture
def as_user(db_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)

    def run(user: str, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[user])
        code = main([*argv, "--db", str(db_path), "--user", user])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_a_review_from_start_to_its_tasks_done(as_user, tmp_path):
    code, out, _err = as_user("manager", "review", "start")
    assert code == 0 and out.strip() == "1"
    assert as_user("manager", "review", "decide", "1", "counter", "--keep", "--note",
                   "serves customers daily")[0] == 0
    code, _out, err = as_user("manager", "review", "sign", "1")
    assert code == 1 and err.strip() == ("custos: 3 accounts have no decision yet: admin, archive, "
                                         "manager.")
    assert as_user("manager", "review", "decide", "1", "archive", "--roles", "counter",
                   "--note", "moved to the counter in November")[0] == 0
    assert as_user("manager", "review", "decide", "1", "admin", "--keep", "--note",
                   "the branch's only administrator")[0] == 0
    assert as_user("manager", "review", "decide", "1", "manager", "--keep", "--note",
                   "my own account, for another manager to check")[0] == 0
    code, out, _err = as_user("manager", "review", "sign", "1")
    assert code == 0 and "1 changes" in out
    code, out, err = as_user("manager", "review", "show", "1")
    assert "archive\tarchive\troles\tcounter" in out and "\town\t" in out
    pdf = tmp_path / "review-1.pdf"
    assert as_user("manager", "review", "show", "1", "--out", str(pdf))[0] == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert "Permission review 1" in text and "moved to the counter" in text
    assert "waiting for an administrator" in text
    code, out, _err = as_user("admin", "review", "tasks")
    assert out.split("\t")[:3] == ["1", "archive", "roles"]
    assert as_user("admin", "review", "done", "1", "archive")[0] == 0
    assert as_user("admin", "review", "tasks")[1] == ""
    code, out, _err = as_user("manager", "review", "list")
    assert out.splitlines()[1].split("\t")[0] == "1" and "signed" in out


def test_refusals_are_one_sentence(as_user):
    code, _out, err = as_user("counter", "review", "start")
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, _out, err = as_user("manager", "review", "sign", "9")
    assert code == 1 and err.strip() == "custos: There is no permission review 9."
    with pytest.raises(SystemExit):  # --keep, --roles and --disable exclude each other
        as_user("manager", "review", "decide", "1", "x", "--keep", "--disable", "--note", "n")


def test_alert_acknowledgement_from_the_cli_follows_the_rule(as_user):
    assert as_user("manager", "review", "start")[0] == 0
    for user in ("admin", "archive", "counter", "manager"):
        as_user("manager", "review", "decide", "1", user, "--keep", "--note", "still needed")
    assert as_user("manager", "review", "sign", "1")[0] == 0
    code, out, _err = as_user("manager", "alert", "list")
    own = next(line.split("\t") for line in out.splitlines() if "\tself_review\t" in line)
    assert own[2] == "manager"
    code, _out, err = as_user("manager", "alert", "ack", own[0], "--note", "my own: fine")
    assert code == 1 and err.strip() == ("custos: This alert is about your own actions: "
                                         "another manager must acknowledge it.")
