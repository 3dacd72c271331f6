"""`custos notice`, `custos request review` and `custos request prepare --password`."""

from __future__ import annotations

import subprocess

from app.rights import aes_zip, requests
from app.security.roles import Role


def _text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())


def test_notice_printed_and_given_as_an_answer(as_, login, customer_no, tmp_path, capsys):
    assert as_(Role.COUNTER, "notice", "--copy-lang", "en", "--out",
               str(tmp_path / "n.pdf")) == 0
    assert "Uses you may decline" in _text(tmp_path / "n.pdf")
    number = requests.take_request(login(Role.COUNTER), "information", customer_no,
                                   "passport checked", verified=True)
    assert as_(Role.COUNTER, "notice", "--request", number, "--out",
               str(tmp_path / "a.pdf")) == 0
    assert "谁会收到这些数据" in _text(tmp_path / "a.pdf")
    assert requests.get_request(login(Role.COUNTER), number).artefacts[0].kind == "notice"
    assert as_(Role.ADMIN, "notice", "--out", str(tmp_path / "x.pdf")) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_review_of_an_objection_to_profiling(as_, login, customer_no, tmp_path, capsys):
    number = requests.take_request(login(Role.COUNTER), "object_profiling", customer_no,
                                   "passport checked", verified=True)
    out = str(tmp_path / "r.pdf")
    assert as_(Role.COUNTER, "request", "review", number, "--note", "nothing automated here",
               "--out", out) == 1  # a manager's review
    assert as_(Role.MANAGER, "request", "review", number, "--note", "short", "--out", out) == 1
    assert as_(Role.MANAGER, "request", "review", number, "--note",
               "Checked: offers and bills are set by staff.", "--copy-lang", "en",
               "--out", out) == 0
    assert "no decision about you by automated means" in _text(out)
    assert as_(Role.MANAGER, "request", "complete", number) == 0


def test_portable_data_prepared_with_a_password(as_, login, customer_no, tmp_path, capsys):
    number = requests.take_request(login(Role.COUNTER), "portability", customer_no,
                                   "passport checked", verified=True)
    capsys.readouterr()
    assert as_(Role.COUNTER, "request", "prepare", number, "--password") == 0
    err = capsys.readouterr().err
    password = err.split("): ")[1].split()[0]
    assert as_(Role.MANAGER, "request", "pages", number, "--out", str(tmp_path / "p")) == 0
    assert (tmp_path / "p" / f"{number}-data.json").read_bytes().startswith(b"{")
    assert as_(Role.MANAGER, "request", "release", number) == 0
    assert as_(Role.COUNTER, "export", "portability", customer_no, "--password", "--out",
               str(tmp_path / "z.zip")) == 1  # chosen when it is prepared
    assert as_(Role.COUNTER, "export", "portability", customer_no, "--out",
               str(tmp_path / "z.zip")) == 0
    members = aes_zip.read((tmp_path / "z.zip").read_bytes(), password)
    assert customer_no in members["data.json"].decode()
