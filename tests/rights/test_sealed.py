"""request notes and case texts are sealed in the file;
the access copy and the portability file still hold them, opened; erasure drops the
customer's search tokens; the marketing list opens names, phones and emails."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

from sqlalchemy import func, select

from app.customers.cases import move_case, open_case
from app.customers.tables import customer, customer_token
from app.customers.tokens import customer_tokens, replace_tokens
from app.rights import answers, copies, erasure, marketing, requests
from app.security.roles import Role
from app.store import dialect
from app.store.fields import open_row, sealed_values

NOTES = "Asked by letter; wants the copy in Chinese, collects on Friday"
SUMMARY = "Billed twice for the May roaming pack"
RESOLUTION = "Refunded the second roaming charge to the account"


def _take(session, kind, customer_no, **kw):
    number = requests.take_request(session, kind, customer_no, "resident ID card checked",
                                   **kw)
    requests.verify_identity(session, number)
    return number


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True).stdout


def _seal_customer(session, customer_no: str) -> int:
    """The customer's row sealed as a sealed-mode create writes it (whether or not this
    branch's create does already), and its tokens written."""
    keys = session.db.fields
    with session.db.write() as conn:
        row = conn.execute(select(customer).where(customer.c.customer_no == customer_no)).one()
        plain = open_row(keys, "customer", row)
        values = {k: plain[k] for k in ("name", "name_pinyin", "id_number", "phone", "email",
                                         "province", "city", "district", "street")}
        conn.execute(customer.update().where(customer.c.id == row.id)
                     .values(**sealed_values(keys, "customer", row.id, values)))
        replace_tokens(conn, row.id, customer_tokens(keys, name=plain["name"],
                                                     id_number=plain["id_number"],
                                                     phone=plain["phone"]))
    return row.id


def test_request_notes_are_sealed_and_shown_opened(login, customer_no):
    counter = login(Role.COUNTER)
    _seal_customer(counter, customer_no)
    n = _take(counter, "access", customer_no, notes=NOTES)
    with counter.db.read() as conn:
        raw = dialect.raw(conn, "SELECT notes FROM rights_request WHERE request_no = ?",
                                   (n,)).scalar_one()
        name = dialect.raw(conn, "SELECT name FROM customer WHERE customer_no = ?",
                                    (customer_no,)).scalar_one()
    assert isinstance(raw, bytes) and b"Friday" not in raw
    assert isinstance(name, bytes)
    view = requests.get_request(counter, n)
    assert view.notes == NOTES
    assert view.customer_name and isinstance(view.customer_name, str)
    assert [v.notes for v in requests.list_requests(counter, customer_no=customer_no)] == [
        NOTES]


def test_access_copy_and_portability_hold_the_opened_texts(login, customer_no, tmp_path):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    _seal_customer(counter, customer_no)
    case_no = open_case(counter, customer_no, "complaint", "counter", SUMMARY,
                        "Two charges of 30 yuan on the same day")
    move_case(manager, case_no, "resolved", resolution=RESOLUTION)
    with counter.db.read() as conn:
        raw = dialect.raw(conn, "SELECT summary, details, resolution FROM service_case "
                                   "WHERE case_no = ?", (case_no,)).one()
    assert all(isinstance(v, bytes) and b"roaming" not in v for v in raw)
    n = _take(counter, "access", customer_no)
    answers.prepare_access_copy(counter, n, "en")
    text = " ".join(_pdf_text(copies.review_copy(manager, n).data, tmp_path).split())
    assert "Billed twice" in text and "Refunded the second" in text
    with counter.db.read() as conn:
        name = open_row(counter.db.fields, "customer", conn.execute(
            select(customer).where(customer.c.customer_no == customer_no)).one())["name"]
    assert name in text
    p = _take(counter, "portability", customer_no)
    answers.prepare_portability(counter, p)
    z = zipfile.ZipFile(io.BytesIO(copies.review_copy(manager, p).data))
    payload = json.loads(z.read("data.json"))
    assert payload["customer"]["name"] == name
    assert [(c["summary"], c["details"], c["resolution"]) for c in payload["cases"]] == [
        (SUMMARY, "Two charges of 30 yuan on the same day", RESOLUTION)]


def test_erasure_deletes_the_customers_tokens(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    cid = _seal_customer(counter, customer_no)

    def tokens() -> int:
        with manager.db.read() as conn:
            return conn.execute(select(func.count()).select_from(customer_token)
                                .where(customer_token.c.customer_id == cid)).scalar_one()

    assert tokens() > 0
    n = _take(counter, "erasure", customer_no)
    erasure.erase_customer(manager, n, confirm=True)
    assert tokens() == 0
    with manager.db.read() as conn:
        after = conn.execute(select(customer).where(customer.c.id == cid)).one()
    # On the server a sealed column is BYTEA: the placeholder text is stored as its bytes.
    assert after.name in (erasure.ERASED_NAME, erasure.ERASED_NAME.encode()) \
        and after.phone in ("", b"") and after.id_rev == ""


def test_marketing_list_opens_contact_details(login, customer_no):
    counter, manager = login(Role.COUNTER), login(Role.MANAGER)
    cid = _seal_customer(counter, customer_no)
    with manager.db.read() as conn:
        row = conn.execute(select(customer).where(customer.c.id == cid)).one()
        plain = open_row(manager.db.fields, "customer", row)
        listed = marketing.marketing_contacts(conn, manager.db.fields)
    assert isinstance(row.phone, bytes) and plain["phone"].encode() not in row.phone
    assert (customer_no, plain["name"], plain["phone"], plain["email"] or "") in listed
    assert all(isinstance(v, str) for r in listed for v in r)
