"""What a customer record is made of: the domain's words as enums and frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.customers import idnumbers
from app.i18n import N_, Labelled


class Purpose(Labelled):
    COUNTER_SERVICE = "counter_service"
    COMPLAINT = "complaint_handling"
    RIGHTS_REQUEST = "rights_request"
    ARCHIVE = "archive"
    MANAGEMENT_REVIEW = "management_review"
    OTHER = "other"


class CaseKind(Labelled):
    SERVICE = "service"
    FAULT = "fault"
    INQUIRY = "inquiry"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


class CaseStatus(Labelled):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Channel(Labelled):
    COUNTER = "counter"
    PHONE = "phone"
    ONLINE = "online"
    LETTER = "letter"


class ServiceKind(Labelled):
    MOBILE = "mobile"
    BROADBAND = "broadband"
    FIXED_LINE = "fixed_line"


class ServiceStatus(Labelled):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


class ConsentPurpose(Labelled):
    CONTRACT = "contract"
    MARKETING = "marketing"
    PARTNER_SHARING = "partner_sharing"
    ANALYTICS = "analytics"


class CustomerStatus(Labelled):
    ACTIVE = "active"
    CLOSED = "closed"


class RevealField(Labelled):
    ID_NUMBER = "id_number"
    PHONE = "phone"
    ADDRESS = "address"
    EMAIL = "email"


class IdType(Labelled):
    RESIDENT_ID = idnumbers.RESIDENT_ID
    PASSPORT = idnumbers.PASSPORT
    HK_MACAU_PERMIT = idnumbers.HK_MACAU_PERMIT
    TAIWAN_PERMIT = idnumbers.TAIWAN_PERMIT
    FOREIGNER_PR = idnumbers.FOREIGNER_PR
    BUSINESS_LICENCE = idnumbers.BUSINESS_LICENCE


LABELS: dict[str, dict[str, str]] = {
    "Purpose": {
        "counter_service": N_("Counter service"),
        "complaint_handling": N_("Complaint handling"),
        "rights_request": N_("Rights request"),
        "archive": N_("Archive"),
        "management_review": N_("Management review"),
        "other": N_("Other"),
    },
    "CaseKind": {
        "service": N_("Service record"),
        "fault": N_("Fault report"),
        "inquiry": N_("Inquiry"),
        "complaint": N_("Complaint"),
        "suggestion": N_("Suggestion"),
    },
    "CaseStatus": {
        "open": N_("Open"),
        "in_progress": N_("In progress"),
        "resolved": N_("Resolved"),
        "closed": N_("Closed"),
        "reopened": N_("Reopened"),
    },
    "Channel": {
        "counter": N_("Counter"),
        "phone": N_("Phone"),
        "online": N_("Online"),
        "letter": N_("Letter"),
    },
    "ServiceKind": {
        "mobile": N_("Mobile"),
        "broadband": N_("Broadband"),
        "fixed_line": N_("Fixed line"),
    },
    "ServiceStatus": {
        "active": N_("Active"),
        "suspended": N_("Suspended"),
        "ended": N_("Ended"),
    },
    "ConsentPurpose": {
        "contract": N_("Service contract"),
        "marketing": N_("Marketing contact"),
        "partner_sharing": N_("Sharing with partners"),
        "analytics": N_("Analytics and profiling"),
    },
    "CustomerStatus": {
        "active": N_("Active"),
        "closed": N_("Closed"),
    },
    "RevealField": {
        "id_number": N_("ID number"),
        "phone": N_("Phone"),
        "address": N_("Address"),
        "email": N_("Email"),
    },
    "IdType": {
        idnumbers.RESIDENT_ID: N_("Resident ID card"),
        idnumbers.PASSPORT: N_("Passport"),
        idnumbers.HK_MACAU_PERMIT: N_("Hong Kong/Macao travel permit"),
        idnumbers.TAIWAN_PERMIT: N_("Taiwan travel permit"),
        idnumbers.FOREIGNER_PR: N_("Foreigner's permanent residence card"),
        idnumbers.BUSINESS_LICENCE: N_("Business licence"),
    },
}

# Days a case may stay open, by kind (complaints: 15 days, as the regulator expects).
CASE_DUE_DAYS: dict[CaseKind, int] = {
    CaseKind.SERVICE: 3,
    CaseKind.FAULT: 2,
    CaseKind.INQUIRY: 3,
    CaseKind.COMPLAINT: 15,
    CaseKind.SUGGESTION: 30,
}


@dataclass(frozen=True)
class CustomerSummary:
    """One row of a search result or of the customer list, already masked for the viewer."""

    customer_no: str
    name: str
    id_masked: str
    phone_masked: str
    status: str
    restricted: bool


@dataclass(frozen=True)
class Identity:
    """The identity category as the viewer may see it: masked fields stay masked here."""

    customer_no: str
    kind: str
    name: str
    name_pinyin: str
    id_type: str
    id_number: str
    birth_date: str | None
    gender: str | None
    phone: str
    email: str
    address: str
    verified_how: str
    verified_by: str
    verified_at: str
    status: str
    restricted: bool
    restriction_reason: str | None
    created_at: str
    updated_at: str
    restricted_at: str | None = None
    legal_hold: str | None = None        # the reason, while a legal hold stands
    legal_hold_until: str | None = None
    version: int = 0  # the row version a save hands back (store/versions.py)


@dataclass(frozen=True)
class ServiceRecord:
    service_no: str          # the number itself: what actions on the service refer to
    kind: str
    plan_code: str
    plan_name: str
    account_no: str
    agreement_no: str
    start_date: str
    end_date: str | None
    status: str
    display_no: str = ""     # masked like a phone number wherever it is shown

    def __post_init__(self) -> None:
        if not self.display_no:
            object.__setattr__(self, "display_no", self.service_no)


@dataclass(frozen=True)
class ConsumptionMonth:
    service_no: str
    period: str
    voice_minutes: int
    sms_count: int
    data_mb: int
    billed_fen: int


@dataclass(frozen=True)
class PaymentRecord:
    service_no: str
    paid_on: str
    channel: str
    amount_fen: int
    period: str | None


@dataclass(frozen=True)
class CaseRecord:
    case_no: str
    customer_no: str
    service_no: str | None
    kind: str
    channel: str
    summary: str
    details: str
    status: str
    assignee: str | None
    due_date: str
    resolution: str | None
    satisfaction: int | None
    created_at: str
    created_by: str
    updated_at: str
    overdue: bool
    version: int = 0  # the row version a save hands back (store/versions.py)
    customer_name: str = ""  # in the case queue across customers only


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    granted: bool
    channel: str
    at: str
    recorded_by: str


@dataclass(frozen=True)
class CustomerRecord:
    identity: Identity
    services: tuple[ServiceRecord, ...]
    consumption: tuple[ConsumptionMonth, ...]  # the last 12 months, all services
    cases: tuple[CaseRecord, ...]
    consents: tuple[ConsentState, ...]
    purpose: str = ""
    extra: dict = field(default_factory=dict)


def money(fen: int) -> str:
    """Fen as yuan text: 12345 -> '123.45'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
