"""Everything held about one customer, unmasked, for their own copy (PDF or portable ZIP).

Only the customer's own data: staff in the log are named by their role, and other customers
never appear. The log holds the events the catalogue marks for the customer's copy (who
looked at or changed their data: app.audit_actions), not the program's internal ones. The same structure feeds the access copy and the portability files.

Every sealed field read here (the customer's identity, service numbers, case texts) is
opened with the keys of whoever prepares the copy: counter staff and managers hold them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import SimpleNamespace

from sqlalchemy import select

from app.archive.tables import paper_file
from app.audit_actions import ACTIONS
from app.compliance.disclosures import customer_disclosures
from app.customers.cases import customer_cases
from app.customers.masking import full_address
from app.customers.tables import consent_event, consumption, customer, payment, plan, service
from app.i18n import current_language
from app.rights.register import load_register
from app.rights.tables import rights_request
from app.security.roles import Role
from app.store.fields import FieldKeys, open_detail, open_row
from app.store.schema import audit_event, user, user_role

COPY_ACTIONS = sorted(a.code for a in ACTIONS.values() if a.in_copy)

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
    disclosures: list[dict] = ()  # to partners (app/compliance/disclosures.py): recipients


def _services(conn, keys: FieldKeys, customer_id: int) -> list[dict]:
    name = plan.c.name_zh if current_language() == "zh_CN" else plan.c.name_en
    rows = conn.execute(select(service, name.label("plan_name"))
                        .join(plan, plan.c.code == service.c.plan_code)
                        .where(service.c.customer_id == customer_id)
                        .order_by(service.c.start_date, service.c.id)).all()
    out = []
    for r in rows:
        s = open_row(keys, "service", r)
        out.append({"service_no": s["service_no"], "kind": s["kind"],
                    "plan_code": s["plan_code"], "plan_name": s["plan_name"],
                    "account_no": s["account_no"], "agreement_no": s["agreement_no"],
                    "start_date": s["start_date"], "end_date": s["end_date"],
                    "status": s["status"]})
    return out


def _numbers(conn, keys: FieldKeys, customer_id: int) -> dict[int, str]:
    """service id -> its number, opened."""
    return {r.id: keys.open("service", "service_no", r.id, r.service_no)
            for r in conn.execute(select(service.c.id, service.c.service_no)
                                  .where(service.c.customer_id == customer_id))}


def _consumption(conn, numbers: dict[int, str]) -> list[dict]:
    rows = conn.execute(select(consumption).where(consumption.c.service_id.in_(list(numbers)))
                        ).all()
    out = [{"service_no": numbers[r.service_id], "period": r.period,
            "voice_minutes": r.voice_minutes, "sms_count": r.sms_count, "data_mb": r.data_mb,
            "billed_fen": r.billed_fen} for r in rows]
    out.sort(key=lambda m: (m["service_no"], m["period"]))
    return out


def _payments(conn, numbers: dict[int, str]) -> list[dict]:
    rows = conn.execute(select(payment).where(payment.c.service_id.in_(list(numbers)))
                        .order_by(payment.c.paid_on.desc(), payment.c.id)).all()
    return [{"service_no": numbers[r.service_id], "paid_on": r.paid_on, "channel": r.channel,
             "amount_fen": r.amount_fen, "period": r.period} for r in rows]


def gather(conn, customer_id: int, keys: FieldKeys) -> Holdings:
    row = conn.execute(select(customer).where(customer.c.id == customer_id)).first()
    c = SimpleNamespace(**open_row(keys, "customer", row))
    identity = {
        "customer_no": c.customer_no, "name": c.name, "name_pinyin": c.name_pinyin,
        "id_type": c.id_type, "id_number": c.id_number, "birth_date": c.birth_date,
        "gender": c.gender, "phone": c.phone, "email": c.email or "",
        "address": full_address(c.province, c.city, c.district, c.street),
        "verified_how": c.verified_how, "verified_at": c.verified_at,
        "customer_since": c.created_at, "status": c.status,
        "restricted_since": c.restricted_at, "restriction_reason": c.restriction_reason,
    }
    numbers = _numbers(conn, keys, c.id)
    services = _services(conn, keys, c.id)
    usage = _consumption(conn, numbers)
    payments = _payments(conn, numbers)
    cases = [{k: v for k, v in asdict(x).items() if k not in ("customer_no", "overdue")}
             for x in customer_cases(conn, keys, c.id, c.customer_no)]
    consents = [{"purpose": r.purpose, "granted": bool(r.granted), "channel": r.channel,
                 "at": r.at, "note": keys.open("consent_event", "note", r.id, r.note)}
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
    return Holdings(identity, services, usage, payments, cases, consents, files,
                    requests, _access_log(conn, keys, c.customer_no), load_register(conn),
                    customer_disclosures(conn, c.id))


def _access_log(conn, keys: FieldKeys, customer_no: str) -> list[dict]:
    """Who (by role) looked at or changed this customer's data, when, what and why."""
    ev = audit_event.c
    roles = _roles_by_login(conn)
    return [{"at": r.at, "action": r.action, "purpose": r.purpose,
             "role": roles.get(r.actor, ""), "detail": open_detail(keys, r.detail)}
            for r in conn.execute(select(ev.at, ev.action, ev.purpose, ev.actor, ev.detail)
                                  .where(ev.customer_ref == customer_no,
                                         ev.action.in_(COPY_ACTIONS))
                                  .order_by(ev.seq))]


def _roles_by_login(conn) -> dict[str, str]:
    """login -> the role that best says who they are to a customer (counter staff first)."""
    order = [r.value for r in Role]
    found: dict[str, str] = {}
    for r in conn.execute(select(user.c.username, user_role.c.role)
                          .join(user_role, user_role.c.user_id == user.c.id)):
        if r.username not in found or order.index(r.role) < order.index(found[r.username]):
            found[r.username] = r.role
    return found
