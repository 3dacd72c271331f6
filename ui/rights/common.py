"""Pieces the rights screens share: what each request kind means, days left, file saving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import platformdirs
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from app.clock import local_text
from app.errors import CustosError
from app.i18n import LANGUAGES, N_, _
from app.rights.model import RequestKind
from app.store.atomic import write_atomic
from ui.files import save_file

OVERDUE = QColor("#b3261e")
DONE = QColor("#1e6b34")
MUTED = QColor("#7a8491")

# What the customer is asking for, in one line, for the clerk choosing the kind.
KIND_EXPLANATIONS: dict[RequestKind, str] = {
    RequestKind.INFORMATION: N_("The customer wants to know what we hold about them, why, for "
                                "how long and who receives it."),
    RequestKind.ACCESS: N_("The customer wants a copy of all their personal data (a PDF)."),
    RequestKind.RECTIFICATION: N_("The customer says some of their identity data is wrong and "
                                  "wants it corrected."),
    RequestKind.ERASURE: N_("The customer wants their data erased, except what the law makes "
                            "us keep."),
    RequestKind.PORTABILITY: N_("The customer wants their data in machine-readable files to "
                                "take to another provider."),
    RequestKind.RESTRICTION: N_("The customer wants their record kept but not used (locked) "
                                "while a question is settled."),
    RequestKind.OBJECT_MARKETING: N_("The customer no longer wants to be contacted for "
                                     "marketing."),
    RequestKind.OBJECT_PROFILING: N_("The customer objects to analytics and profiling of their "
                                     "use of the services."),
    RequestKind.WITHDRAW_CONSENT: N_("The customer withdraws consents they gave: marketing, "
                                     "sharing with partners, analytics."),
}

# What answers a request of each kind (after "How to answer:").
ANSWER_STEPS: dict[RequestKind, str] = {
    RequestKind.INFORMATION: N_("print the information notice in the customer's language and "
                                "hand it over; then a manager completes the request."),
    RequestKind.ACCESS: N_("prepare the access copy; a manager looks at its pages and "
                           "releases it; then print or save it for the customer, and a manager "
                           "completes the request."),
    RequestKind.RECTIFICATION: N_("correct the identity data with “Correct identity…” here, or "
                                  "on the customer's Identity tab choosing this request under "
                                  "“Answers request”, noting the evidence seen; then a manager "
                                  "completes the request."),
    RequestKind.ERASURE: N_("check the erasure plan; a manager erases the data, which "
                            "completes the request."),
    RequestKind.PORTABILITY: N_("prepare the portable data (ZIP, with a password if the "
                                "customer wants one); a manager looks at it and "
                                "releases it; then save it for the customer, and a manager "
                                "completes the request."),
    RequestKind.RESTRICTION: N_("a manager restricts processing of the customer's record and "
                                "completes the request."),
    RequestKind.OBJECT_MARKETING: N_("withdraw the marketing consent; then a manager completes "
                                     "the request."),
    RequestKind.OBJECT_PROFILING: N_("withdraw the consent to analytics and profiling at once; "
                                     "a manager reviews the objection in person and gives the "
                                     "customer the answer letter, then completes the request."),
    RequestKind.WITHDRAW_CONSENT: N_("withdraw the consents the customer names; then a manager "
                                     "completes the request."),
}
WITH_COPIES = (RequestKind.INFORMATION, RequestKind.ACCESS, RequestKind.PORTABILITY)


@dataclass(frozen=True)
class HeldCopy:
    """A notice prepared in this window: Custos itself keeps only its checksum."""

    data: bytes
    password: str | None


def explanation(kind: str) -> str:
    return _(KIND_EXPLANATIONS[RequestKind(kind)])


def days_left(due_date: str, today: date | None = None) -> int:
    """Negative once the request is overdue."""
    return (date.fromisoformat(due_date) - (today or date.today())).days


def when_by(stamp: str | None, user: str | None) -> str:
    if not stamp:
        return ""
    return _("{time} by {user}").format(time=local_text(stamp), user=user or "")


def short_checksum(sha256: str) -> str:
    return sha256[:12] + "…"


def language_combo(current: str) -> QComboBox:
    combo = QComboBox()
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def text_box(lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setMinimumHeight(height)
    box.setMaximumHeight(height + box.fontMetrics().lineSpacing() * 2)
    return box


def ask_save_path(parent: QWidget | None, title: str, suggested_name: str,
                  file_filter: str) -> Path | None:
    """The system save dialog; None if the person cancelled. The suffix is added if missing."""
    folder = Path(platformdirs.user_documents_dir())
    name = save_file(parent, title, str(folder / suggested_name), file_filter)
    if not name:
        return None
    target = Path(name)
    suffix = Path(suggested_name).suffix
    if suffix and target.suffix.lower() != suffix.lower():
        target = target.with_name(target.name + suffix)
    return target


class CannotWrite(CustosError):
    pass


def save_bytes(target: Path, data: bytes) -> None:
    """Written atomically (never half a file); a failure becomes one sentence."""
    try:
        write_atomic(target, data)
    except OSError:
        raise CannotWrite(_("{file} could not be written; choose another folder.")
                          .format(file=target.name)) from None
