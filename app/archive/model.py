"""The archive room's words: kinds and states of paper files and loans, their rules, and the
frozen records the archive services return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import N_, Labelled, _


class FileKind(Labelled):
    SERVICE_AGREEMENT = "service_agreement"
    ID_COPY = "id_copy"
    SIM_REGISTRATION = "sim_registration"
    COMPLAINT_FILE = "complaint_file"
    OTHER = "other"


class FileStatus(Labelled):
    IN_ARCHIVE = "in_archive"
    ON_LOAN = "on_loan"
    TRANSFERRED = "transferred"
    LOST = "lost"
    DESTROYED = "destroyed"


class LoanStatus(Labelled):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    ON_LOAN = "on_loan"
    RETURNED = "returned"
    LOST = "lost"
    CLAIMED_RETURNED = "claimed_returned"


class BorrowerKind(Labelled):
    STAFF = "staff"
    EXTERNAL = "external"


class Condition(Labelled):
    INTACT = "intact"
    DAMAGED = "damaged"
    INCOMPLETE = "incomplete"


class DestructionMethod(Labelled):
    SHREDDING = "shredding"
    INCINERATION = "incineration"
    OUTSOURCED = "outsourced"


class BatchStatus(Labelled):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    DESTROYED = "destroyed"


class TransferStatus(Labelled):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    DONE = "done"


LABELS: dict[str, dict[str, str]] = {
    "FileKind": {
        "service_agreement": N_("Service agreement"),
        "id_copy": N_("ID card copy"),
        "sim_registration": N_("SIM registration form"),
        "complaint_file": N_("Complaint file"),
        "other": N_("Other document"),
    },
    "FileStatus": {
        "in_archive": N_("In archive"),
        "on_loan": N_("On loan"),
        "transferred": N_("Transferred"),
        "lost": N_("Lost"),
        "destroyed": N_("Destroyed"),
    },
    "LoanStatus": {
        "requested": N_("Requested"),
        "approved": N_("Approved"),
        "refused": N_("Refused"),
        "cancelled": N_("Cancelled"),
        "on_loan": N_("On loan"),
        "returned": N_("Returned"),
        "lost": N_("Lost"),
        "claimed_returned": N_("Claimed returned"),
    },
    "BorrowerKind": {
        "staff": N_("Staff member"),
        "external": N_("External borrower"),
    },
    "Condition": {
        "intact": N_("Intact"),
        "damaged": N_("Damaged"),
        "incomplete": N_("Incomplete"),
    },
    "DestructionMethod": {
        "shredding": N_("Shredding"),
        "incineration": N_("Incineration"),
        "outsourced": N_("Outsourced (with certificate)"),
    },
    "BatchStatus": {
        "proposed": N_("Proposed"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
        "destroyed": N_("Destroyed"),
    },
    "TransferStatus": {
        "requested": N_("Requested"),
        "approved": N_("Approved"),
        "refused": N_("Refused"),
        "done": N_("Transfer completed"),
    },
}

# Retention after the date a file was received, in years.
RETENTION_YEARS: dict[FileKind, int] = {
    # Branch default: five years after receipt. The regulation counts from the end of the
    # service; a branch that knows the end date overrides retain-until with that reason.
    FileKind.SERVICE_AGREEMENT: 5,
    FileKind.ID_COPY: 5,
    FileKind.SIM_REGISTRATION: 5,
    FileKind.COMPLAINT_FILE: 3,
    FileKind.OTHER: 2,
}

# Default loan period, in working days; an ID copy should not stay out long.
LOAN_WORKING_DAYS: dict[FileKind, int] = {
    FileKind.SERVICE_AGREEMENT: 3,
    FileKind.ID_COPY: 1,
    FileKind.SIM_REGISTRATION: 3,
    FileKind.COMPLAINT_FILE: 3,
    FileKind.OTHER: 3,
}

SENSITIVE_KINDS: frozenset[FileKind] = frozenset({FileKind.ID_COPY})

RENEWAL_LIMIT = 2
HARD_MAX_LOAN_DAYS = 30       # no due date beyond the day lent + 30 days, renewals included
ESCALATE_AFTER_DAYS = 5       # days past the due date before managers are alerted
# Escalation levels of a loan out past its due date: none yet, a reminder to the archive
# (from the due date), an alert to the managers (ESCALATE_AFTER_DAYS after it).
NO_ESCALATION, REMINDER, MANAGER_ALERT = 0, 1, 2
ESCALATION_LABELS = (N_("None yet"), N_("Reminder sent"), N_("Managers alerted"))
LOAN_HISTORY_YEARS = 3        # ended loans keep their borrower this long

# States in which a loan still holds the file (or a claim on it).
OPEN_LOAN_STATES = (LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.ON_LOAN,
                    LoanStatus.CLAIMED_RETURNED)
OUT_STATES = (LoanStatus.ON_LOAN, LoanStatus.CLAIMED_RETURNED)
OPEN_BATCH_STATES = (BatchStatus.PROPOSED, BatchStatus.APPROVED)
ANONYMISED = "(anonymised)"


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def add_working_days(start: date, days: int) -> date:
    """`days` Monday-to-Friday days after `start`.

    Public holidays (and China's make-up working weekends) are not modelled: around a
    holiday the clerk sets the due date by hand.
    """
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def retain_until_for(kind: FileKind, received_on: date) -> date:
    return add_years(received_on, RETENTION_YEARS[kind])


def default_due_date(kind: FileKind, from_day: date) -> date:
    return add_working_days(from_day, LOAN_WORKING_DAYS[kind])


@dataclass(frozen=True)
class PaperFile:
    file_no: str
    kind: str
    customer_no: str | None
    customer_name: str | None
    description: str
    location: str             # "room / cabinet / shelf / box", for display
    room: str
    cabinet: str
    shelf: str
    box: str
    received_on: str
    retain_until: str
    status: str
    sensitive: bool
    on_loan_to: str | None    # the borrower while the file is out
    due_date: str | None      # when it must come back, while out
    retain_override_reason: str | None = None


@dataclass(frozen=True)
class Loan:
    id: int
    file_no: str
    borrower_kind: str
    borrower: str
    purpose: str
    status: str
    requested_at: str
    requested_by: str
    due_date: str
    needs_approval: bool
    decided_by: str | None
    lent_at: str | None
    renewals: int
    returned_at: str | None
    received_by: str | None
    condition: str | None
    condition_note: str | None
    days_overdue: int
    decided_at: str | None = None
    decision_note: str | None = None
    lent_by: str | None = None
    closed_note: str | None = None
    escalation: int = 0
    anonymised_at: str | None = None
    file_kind: str = ""
    customer_no: str | None = None


def escalation_due(days_overdue: int) -> int:
    """The level the rule calls for, for a loan out `days_overdue` days past its due date
    (0 on the due date itself)."""
    return MANAGER_ALERT if days_overdue >= ESCALATE_AFTER_DAYS else REMINDER


def escalation_label(level: int) -> str:
    return _(ESCALATION_LABELS[max(NO_ESCALATION, min(level, MANAGER_ALERT))])


def escalation_rule() -> str:
    """The rule in a sentence, as the overdue list explains it."""
    return _("A reminder goes to the archive on the due date; the managers are alerted {days} "
             "days after it. Opening this list sends what is due.").format(
        days=ESCALATE_AFTER_DAYS)


@dataclass(frozen=True)
class Batch:
    batch_no: str
    status: str
    proposed_by: str
    proposed_at: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None
    method: str | None
    certificate_no: str | None
    destroyed_on: str | None
    witness_1: str | None
    witness_2: str | None
    recorded_by: str | None
    recorded_at: str | None
    file_nos: tuple[str, ...]


@dataclass(frozen=True)
class Transfer:
    id: int
    file_no: str
    to_unit: str
    receiver: str
    reason: str
    status: str
    requested_by: str
    requested_at: str
    decided_by: str | None
    decided_at: str | None
    transferred_on: str | None


__all__ = [
    "ANONYMISED", "ESCALATE_AFTER_DAYS", "ESCALATION_LABELS", "HARD_MAX_LOAN_DAYS",
    "MANAGER_ALERT", "NO_ESCALATION", "REMINDER", "LABELS", "LOAN_HISTORY_YEARS",
    "LOAN_WORKING_DAYS", "OPEN_BATCH_STATES", "OPEN_LOAN_STATES", "OUT_STATES", "RENEWAL_LIMIT",
    "RETENTION_YEARS", "SENSITIVE_KINDS", "Batch", "BatchStatus", "BorrowerKind", "Condition",
    "DestructionMethod", "FileKind", "FileStatus", "Loan", "LoanStatus", "PaperFile", "Transfer",
    "TransferStatus", "add_working_days", "add_years", "default_due_date", "escalation_due",
    "escalation_label", "escalation_rule", "retain_until_for",
]
