"""The data-access copy: everything held about a customer, as a PDF in their language.

Organised by category (identity unmasked — it is their own data), then how the data is
used (from the processing register), the customer's rights and how to complain. Long
tables run across pages with their header repeated; every page carries the request
number, the branch, the time and "page x of y". Optionally password-protected (AES-256).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from app import audit_actions, clock
from app.compliance.disclosures import copy_section
from app.customers.editing import consent_note
from app.customers.model import money
from app.i18n import translate
from app.pdf import (
    PageFrame,
    Paragraph,
    Spacer,
    build,
    esc,
    headings_kept_with_text,
    key_values,
    styles,
    table,
)
from app.rights import labels
from app.rights.gather import Holdings
from app.rights.register import register_facts

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Document:
    data: bytes
    sha256: str
    password: str | None


def new_pdf_password() -> str:
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _when(stamp: str | None) -> str:
    return clock.local_text(stamp) if stamp and stamp.endswith("Z") else (stamp or "")


def _role(role: str, lang: str) -> str:
    """Staff are named to the customer by their role, never by name or login."""
    from app.security.roles import _ROLE_LABELS, Role

    return translate(_ROLE_LABELS[Role(role)], lang) if role else translate("Staff", lang)


def render(h: Holdings, lang: str, *, request_no: str, branch: dict[str, str],
           generated_by: str, password: str | None = None) -> Document:
    tr = partial(translate, language=lang)
    lab = partial(labels.label, language=lang)
    st = styles()
    ident = h.identity
    now = clock.local_text(clock.stamp())
    story: list = [
        Paragraph(esc(tr("Copy of your personal data")), st["title"]),
        Paragraph(esc(tr("For {name}, customer {number}. Request {request}, prepared on "
                         "{time}.").format(name=ident["name"], number=ident["customer_no"],
                                           request=request_no, time=now)), st["body"]),
        Paragraph(esc(tr("This copy contains all personal data we hold about you, by "
                         "category, followed by why we hold it, who receives it, how long "
                         "we keep it, and your rights.")), st["body"]),
        Spacer(1, 4 * mm),
        Paragraph(esc("1. " + lab("Category", "identity")), st["h1"]),
        key_values([
            (tr("Name"), ident["name"]), (tr("Name in pinyin"), ident["name_pinyin"]),
            (tr("ID document"), lab("IdType", ident["id_type"])),
            (tr("ID number"), ident["id_number"]),
            (tr("Date of birth"), ident["birth_date"] or ""),
            (tr("Gender"), lab("Gender", ident["gender"]) if ident["gender"] else ""),
            (tr("Phone"), ident["phone"]), (tr("Email"), ident["email"]),
            (tr("Address"), ident["address"]),
            (tr("Identity verified"), tr("original document checked, {time}").format(
                time=_when(ident["verified_at"]))),
            (tr("Customer since"), _when(ident["customer_since"])),
            (tr("Status"), lab("CustomerStatus", ident["status"])),
            (tr("Processing restricted"), tr("since {time}: {reason}").format(
                time=_when(ident["restricted_since"]), reason=ident["restriction_reason"])
             if ident["restricted_since"] else tr("no")),
        ]),
        Paragraph(esc("2. " + lab("Category", "services")), st["h1"]),
        table([tr("Number"), tr("Kind"), tr("Plan"), tr("Account"), tr("Agreement"),
               tr("Start"), tr("End"), tr("Status")],
              [(s["service_no"], lab("ServiceKind", s["kind"]), s["plan_code"],
                s["account_no"], s["agreement_no"], s["start_date"], s["end_date"] or "",
                lab("ServiceStatus", s["status"])) for s in h.services],
              widths=[26 * mm, 18 * mm, 15 * mm, 22 * mm, 33 * mm, 20 * mm, 20 * mm, 18 * mm]),
        Paragraph(esc("3. " + lab("Category", "consumption")), st["h1"]),
        Paragraph(esc(tr("Every month on record, per service. Amounts in yuan.")), st["small"]),
        table([tr("Service"), tr("Month"), tr("Voice (min)"), tr("SMS"), tr("Data (MB)"),
               tr("Billed (¥)")],
              [(m["service_no"], m["period"], m["voice_minutes"], m["sms_count"], m["data_mb"],
                money(m["billed_fen"])) for m in h.consumption],
              widths=[34 * mm, 22 * mm, 25 * mm, 20 * mm, 25 * mm, 28 * mm]),
        Paragraph(esc(tr("Payments")), st["h2"]),
        table([tr("Service"), tr("Paid on"), tr("Channel"), tr("Amount (¥)"), tr("For month")],
              [(p["service_no"], p["paid_on"], lab("PaymentChannel", p["channel"]),
                money(p["amount_fen"]), p["period"] or "") for p in h.payments]),
        Paragraph(esc("4. " + lab("Category", "cases")), st["h1"]),
        table([tr("Case"), tr("Kind"), tr("Opened"), tr("Status"), tr("Summary"),
               tr("Resolution")],
              [(c["case_no"], lab("CaseKind", c["kind"]), _when(c["created_at"]),
                lab("CaseStatus", c["status"]), c["summary"], c["resolution"] or "")
               for c in h.cases],
              widths=[22 * mm, 24 * mm, 28 * mm, 20 * mm, 41 * mm, 39 * mm]),
        Paragraph(esc("5. " + lab("Category", "consents")), st["h1"]),
        Paragraph(esc(tr("Every consent you gave or withdrew, oldest first; a withdrawal "
                         "never changes the original entry.")), st["small"]),
        table([tr("Purpose"), tr("Decision"), tr("Channel"), tr("When"), tr("Note")],
              [(lab("ConsentPurpose", c["purpose"]),
                tr("granted") if c["granted"] else tr("not given / withdrawn"),
                lab("Channel", c["channel"]), _when(c["at"]), consent_note(c["note"], lang))
               for c in h.consents]),
        Paragraph(esc("6. " + lab("Category", "paper_files")), st["h1"]),
        table([tr("File"), tr("Kind"), tr("Date received"), tr("Kept until"), tr("Status")],
              [(f["file_no"], lab("FileKind", f["kind"]), f["received_on"], f["retain_until"],
                lab("FileStatus", f["status"])) for f in h.paper_files])
        if h.paper_files else Paragraph(esc(tr("No paper files are held.")), st["body"]),
        Paragraph(esc("7. " + tr("Your requests")), st["h1"]),
        table([tr("Request"), tr("Kind"), tr("Opened"), tr("Due"), tr("Status")],
              [(r["request_no"], lab("RequestKind", r["kind"]), _when(r["received_at"]),
                r["due_date"], lab("RequestStatus", r["status"])) for r in h.requests]),
        Paragraph(esc("8. " + lab("Category", "access_log")), st["h1"]),
        Paragraph(esc(tr("Each time staff looked at or changed your data: when, who by "
                         "their role, what, and the purpose they registered.")), st["small"]),
        table([tr("When"), tr("Who"), tr("What"), tr("Purpose")],
              [(_when(e["at"]), _role(e["role"], lang),
                audit_actions.for_customer(e["action"], e["detail"], lang),
                lab("Purpose", e["purpose"] or "")) for e in h.access_log],
              widths=[32 * mm, 24 * mm, 78 * mm, 40 * mm]),
        *copy_section(list(h.disclosures), lang, "9"),
        PageBreak(),
        Paragraph(esc("10. " + tr("How your data is used")), st["h1"]),
    ]
    for entry in h.register:
        story += [Paragraph(esc(lab("Category", entry.category)), st["h2"]),
                  key_values(list(register_facts(entry, lang).values()))]
    story += rights_and_complaints(lang, branch)
    data = build(headings_kept_with_text(story), PageFrame(branch.get("branch_name") or tr("Custos branch"),
                                  tr("Copy of your personal data"), generated_by, now, lang,
                                  request_no), password=password)
    return Document(data, hashlib.sha256(data).hexdigest(), password)


def rights_and_complaints(lang: str, branch: dict[str, str], in_copy: bool = True) -> list:
    """The rights section, shared by the access copy, the information notice and the
    answer to an objection (`in_copy` False: not "like this one")."""
    tr = partial(translate, language=lang)
    st = styles()
    rights = [
        tr("To be informed: what we hold, why, for how long and who receives it."),
        tr("To access: a copy of your data, like this one.") if in_copy
        else tr("To access: a copy of your data."),
        tr("To rectification: wrong or outdated data corrected."),
        tr("To erasure: your data erased where nothing requires us to keep it."),
        tr("To portability: your data in a machine-readable file to take elsewhere."),
        tr("To restriction: your record locked while its accuracy or use is in question."),
        tr("To object to marketing, at any time, effective at once."),
        tr("To object to automated decisions and profiling, and to ask for a person to "
           "decide."),
        tr("To withdraw consent at any time; this does not affect what was done before."),
    ]
    contact = branch.get("privacy_contact") or tr("the branch manager")
    return [
        Paragraph(esc(tr("Your rights")), st["h1"]),
        *[Paragraph(esc("• " + r), st["body"]) for r in rights],
        Paragraph(esc(tr("To exercise a right, ask at the counter of {branch} or write to "
                         "{contact}. We answer within 30 days; if we need longer we tell "
                         "you why.").format(branch=branch.get("branch_name") or tr("our branch"),
                                            contact=contact)), st["body"]),
        Paragraph(esc(tr("How to complain")), st["h1"]),
        Paragraph(esc(tr("If you disagree with how we handle your data or your request, you "
                         "may complain to {contact}, and you have the right to complain to "
                         "the telecom regulator (for example the telecom user complaint "
                         "centre, telephone 12300) or to the authority for personal "
                         "information protection.").format(contact=contact)), st["body"]),
        Paragraph(esc(branch.get("branch_address") or ""), st["small"]),
    ]
