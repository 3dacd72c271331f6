"""Errors a person can cause: each carries one clear, translated sentence.

The UI and the CLI show `str(error)`; nothing here ever shows a traceback to a person.
"""

from __future__ import annotations


class CustosError(Exception):
    """Base of every error that is the person's to fix, not the program's."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def __str__(self) -> str:
        return self.sentence


class LoginFailed(CustosError):
    """Wrong username or password — deliberately never says which."""


class AccountDisabled(CustosError):
    pass


class TooManyAttempts(CustosError):
    def __init__(self, sentence: str, retry_after: float) -> None:
        super().__init__(sentence)
        self.retry_after = retry_after


class StoreError(CustosError):
    """The database or its key ring cannot be used: missing, damaged, mismatched."""


class PermissionDenied(CustosError):
    pass


class ValidationError(CustosError):
    """Bad input in one field; `field` names it so a form can point at it."""

    def __init__(self, sentence: str, field: str | None = None) -> None:
        super().__init__(sentence)
        self.field = field


class Unexpected(CustosError):
    """A defect, not the person's doing: one sentence naming the error log; `error` is the
    original exception (its message may hold personal data and is never shown)."""

    def __init__(self, sentence: str, error: BaseException) -> None:
        super().__init__(sentence)
        self.error = error


class NotFound(CustosError):
    pass


class Conflict(CustosError):
    """The action does not fit the record's current state (already disabled, on loan, ...)."""


class KeyChanged(StoreError):
    """Another session rotated the database key: this one must log in again."""


class Damaged(StoreError):
    """The database file cannot be read: a torn page, a flipped byte, a truncated file. Only
    this (never "in use", read-only or a full disk) lets a restore go on without logging in
    to the database it replaces."""


class DatabaseBusy(StoreError):
    """Another program holds the database (a lock Custos waited for in vain)."""


class DiskFull(StoreError):
    pass


class ReadOnly(StoreError):
    """The database, or the folder it needs to write beside it, cannot be written."""
