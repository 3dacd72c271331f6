"""The one rule for typed free text: control and invisible characters are refused, with one
sentence naming the field, wherever text is typed — customers, cases, archive, settings."""

from __future__ import annotations

import pytest

from app.archive.queries import clean
from app.errors import ValidationError
from app.security.roles import Role
from app.settings import set_branch_details
from app.text import invisible_characters, printable

REFUSED = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u200b", "\u202e", "\u2066", "\ufeff",
           "\u2028", "\ue000"]


@pytest.mark.parametrize("bad", REFUSED)
def test_invisible_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        printable(f"王{bad}小明", "name", multiline=True)
    assert refused.value.field == "name" and str(refused.value).count(".") == 1


def test_ordinary_text_passes() -> None:
    for text in ("王小明", "O'Brien-Smith", "Zoë Ångström", "北京市 东城区", "a+b=c @ 1"):
        assert printable(text, "name") == text
    assert printable("two\nlines\tand\r\n", "details", multiline=True) == "two\nlines\tand\r\n"
    with pytest.raises(ValidationError):
        printable("two\nlines", "name")
    assert invisible_characters("a\x00b\u202e") == ["\x00", "\u202e"]


def test_archive_and_branch_texts_follow_the_rule(login) -> None:
    with pytest.raises(ValidationError) as refused:
        clean("box\x00 7", "note", 200)
    assert refused.value.field == "note"
    assert clean("box  7\n", "note", 200) == "box 7"
    with pytest.raises(ValidationError) as refused:
        set_branch_details(login(Role.MANAGER), "和平路\x1b[31m营业厅", "北京", "privacy@x")
    assert refused.value.field == "name"


def test_retention_reasons_and_alert_notes_follow_the_rule(login) -> None:
    from app.oversight.review import acknowledge_alert
    from app.retention.service import set_rule

    with pytest.raises(ValidationError) as refused:
        set_rule(login(Role.ADMIN), "cases", 3, "years", "policy\u202e change")
    assert refused.value.field == "reason"
    with pytest.raises(ValidationError) as refused:
        acknowledge_alert(login(Role.MANAGER), 1, "checked\x00 with the clerk")
    assert refused.value.field == "note"
