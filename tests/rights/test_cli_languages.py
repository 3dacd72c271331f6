"""On the command line --lang is the interface's language everywhere (zh_CN|en); the
customer's language, of answers and copies, is --copy-lang zh_CN|en. The old spellings
(--customer-lang zh|en, --lang zh|en on request prepare) keep working, and --help says so."""

from __future__ import annotations

import pytest

from app.cli import main
from app.rights import requests
from app.security.roles import Role


@pytest.mark.parametrize(("argv", "language"), [
    (("--copy-lang", "en"), "en"), (("--copy-lang", "zh_CN"), "zh_CN"),
    (("--customer-lang", "en"), "en"), (("--customer-lang", "zh"), "zh_CN"), ((), "zh_CN")])
def test_request_add_takes_the_customers_language_by_both_names(as_, login, customer_no,
                                                                   capsys, argv, language):
    assert as_(Role.COUNTER, "request", "add", "access", customer_no, "--identity-check",
               "resident ID card checked", *argv) == 0
    number = capsys.readouterr().out.strip()
    taken = requests.get_request(login(Role.COUNTER), number)
    assert taken.language == language
    assert taken.status == "identity_verified"  # checked at intake, as the flag says


@pytest.mark.parametrize(("argv", "language"), [
    (("--copy-lang", "en"), "en"), (("--lang", "en"), "en"), (("--lang", "zh"), "zh_CN"),
    (("--lang", "en", "--copy-lang", "zh_CN"), "zh_CN")])
def test_request_prepare_reads_copy_lang_and_the_old_lang(as_, login, customer_no, capsys,
                                                          argv, language):
    counter = login(Role.COUNTER)
    number = requests.take_request(counter, "access", customer_no, "passport checked",
                                   verified=True)
    assert as_(Role.COUNTER, "request", "prepare", number, *argv) == 0
    capsys.readouterr()
    copy = requests.get_request(counter, number).artefacts[-1]
    assert copy.language == language


def test_the_interface_language_is_lang_and_rejects_other_values(as_, customer_no, capsys):
    assert as_(Role.COUNTER, "--lang", "zh_CN", "request", "list") == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):
        as_(Role.COUNTER, "request", "add", "access", customer_no, "--identity-check",
            "passport checked", "--copy-lang", "fr")
    assert "choose zh_CN or en" in capsys.readouterr().err


@pytest.mark.parametrize(("command", "old"), [
    ("add", "--customer-lang, its old name, is still accepted"),
    ("prepare", "--lang, its old name here, is still read")])
def test_help_names_the_old_spellings(capsys, monkeypatch, command, old):
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside an option's name
    with pytest.raises(SystemExit):
        main(["--lang", "en", "request", command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--copy-lang zh_CN|en" in text and old in text
    assert "zh, the old value, is read as zh_CN" in text
