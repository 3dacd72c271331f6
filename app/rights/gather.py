"""Everything held about one customer, unmasked, for their own copy (PDF or portable ZIP).

Only the customer's own data: staff names in the log are replaced by their role, and other
customers never appear. The same structure feeds the access copy and the portability files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select

from app.archive.tables import paper_file
from app.customers.masking import full_address
from app.customers.records import load_cases, load_consumption, load_payments, load_services
from app.customers.tables import consent_event, customer
from app.rights.register import load_register
from app.rights.tables import rights_request
from app.store.schema import audit_event

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Holdings:
    identity: dict
    services: list[dict]
    consumption: list[dict]
    payments: list[dict]
    cases: list[dict]
    consents: list[dict]
    paper_files: list[dict]
    requests: list[dict]
    access_log: list[dict]
    register: list


def gather(conn, customer_id: int) -> Holdings:
    c = conn.execute(select(customer).where(customer.c.id == customer_id)).first()
    identity = {
        "customer_no": c.customer_no, "name": c.name, "name_pinyin": c.name_pinyin,
        "id_type": c.id_type, "id_number": c.id_number, "birth_date": c.birth_date,
        "gender": c.gender, "phone": c.phone, "email": c.email or "",
        "address": full_address(c.province, c.city, c.district, c.street),
        "verified_how": c.verified_how, "verified_at": c.verified_at,
        "customer_since": c.created_at, "status": c.status,
        "restricted_since": c.restricted_at, "restriction_reason": c.restriction_reason,
    }
    services = [{k: v for k, v in asdict(s).items() if k != "display_no"}
                for s in load_services(conn, c.id, masked=False)]
    consumption = [asdict(m) for m in load_consumption(conn, c.id, None, masked=False)]
    consumption.sort(key=lambda m: (m["service_no"], m["period"]))
    payments = [asdict(p) for p in load_payments(conn, c.id, masked=False)]
    cases = [{k: v for k, v in asdict(x).items() if k not in ("customer_no", "overdue")}
             for x in load_cases(conn, c.id, c.customer_no)]
    consents = [{"purpose": r.purpose, "granted": bool(r.granted), "channel": r.channel,
                 "at": r.at, "note": r.note}
                for r in conn.execute(select(consent_event)
                                      .where(consent_event.c.customer_id == c.id)
                                      .order_by(consent_event.c.id))]
    files = [{"file_no": r.file_no, "kind": r.kind, "description": r.description,
              "received_on": r.received_on, "retain_until": r.retain_until, "status": r.status}
             for r in conn.execute(select(paper_file).where(paper_file.c.customer_id == c.id)
                                   .order_by(paper_file.c.received_on))]
    requests = [{"request_no": r.request_no, "kind": r.kind, "received_at": r.received_at,
                 "status": r.status, "due_date": r.extended_to or r.due_date}
                for r in conn.execute(select(rights_request)
                                      .where(rights_request.c.customer_id == c.id)
                                      .order_by(rights_request.c.id))]
    log = [{"at": r.at, "action": r.action, "purpose": r.purpose}
           for r in conn.execute(select(audit_event.c.at, audit_event.c.action,
                                        audit_event.c.purpose)
                                 .where(audit_event.c.customer_ref == c.customer_no)
                                 .order_by(audit_event.c.seq))]
    return Holdings(identity, services, consumption, payments, cases, consents, files,
                    requests, log, load_register(conn))
