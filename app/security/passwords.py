"""The password rule, stated once: shown in every password dialog and enforced here."""

from __future__ import annotations

from app.errors import ValidationError
from app.i18n import N_, _

MIN_LENGTH = 10
POLICY = N_("A password needs at least 10 characters and must not be the username.")


def policy_text() -> str:
    return _(POLICY)


def check_password(username: str, password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(_("The password is too short: at least {count} characters.")
                              .format(count=MIN_LENGTH), field="password")
    if password.strip().casefold() == username.strip().casefold():
        raise ValidationError(_("The password must not be the username."), field="password")
