"""An import from start to end: map the columns, validate every row, then either import the
valid rows (the rejected ones go to an error workbook: row, column, reason) or nothing.

Everything is written in one transaction: Cancel, a crash or a full disk leave the database
as it was. Re-importing the same file creates no duplicates (natural keys: ID number,
service number, service + month, case number).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from app import audit, clock
from app.customers.model import CASE_DUE_DAYS, CaseKind, ConsentPurpose
from app.customers.tables import consent_event, consumption, customer, plan, service, service_case
from app.errors import CustosError, StoreError, ValidationError
from app.exports.cells import safe_row
from app.i18n import _
from app.imports import sealed
from app.imports.kinds import CONVERTERS, KINDS, suggest_mapping
from app.imports.reader import Sheet, read_sheet
from app.oversight.tables import import_mapping
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect
from app.store.atomic import write_atomic
from app.store.fields import FieldKeys
from app.store.numbers import next_id

CHUNK = 2000
Progress = Callable[[int, int], bool | None]


class ImportCancelled(CustosError):
    pass


@dataclass(frozen=True)
class Rejected:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    error_book: Path | None = None
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def _expected(kind: str) -> set[str]:
    return {alias for f in KINDS[kind] for alias in f.aliases}


@requires(Permission.IMPORT)
def preview(session: Session, kind: str, path: Path, rows: int = 10):
    """Headers, the mapping to start from (remembered, else guessed), and the first rows."""
    if kind not in KINDS:
        raise ValidationError(_("Unknown import kind."), field="kind")
    sheet = read_sheet(Path(path), _expected(kind))
    return sheet.headers, _start_mapping(session, kind, sheet.headers), sheet.rows[:rows]


def _start_mapping(session: Session, kind: str, headers: list[str]) -> dict[str, int]:
    with session.db.read() as conn:
        saved = conn.execute(select(import_mapping.c.mapping)
                             .where(import_mapping.c.kind == kind)).scalar()
    if saved:
        by_name = json.loads(saved)
        mapped = {k: headers.index(v) for k, v in by_name.items() if v in headers}
        if all(f.key in mapped for f in KINDS[kind] if f.required):
            return mapped
    return suggest_mapping(kind, headers)


def _context(conn, kind: str, sealing: bool = False) -> dict:
    """What the checks need from the database. A sealing database's sealed columns are not
    loaded here: `sealed.prefetch` looks up the file's own values once they are read."""
    c = customer.c
    ctx: dict = {}
    if sealing:
        if kind == "customers":
            ctx["read_upto"] = conn.execute(select(func.max(c.id))).scalar() or 0
        if kind == "services":
            ctx["plans"] = dict(conn.execute(select(plan.c.code, plan.c.kind)).all())
            ctx["read_upto"] = conn.execute(select(func.max(service.c.id))).scalar() or 0
        if kind == "cases":
            ctx["refs"] = set(conn.execute(select(service_case.c.case_no)).scalars())
            ctx["read_upto"] = conn.execute(select(func.max(service_case.c.id))).scalar() or 0
        return ctx
    if kind == "customers":
        active = conn.execute(select(c.id_number, c.phone, c.customer_no)
                              .where(c.status == "active")).all()
        ctx["id_numbers"] = {r.id_number for r in conn.execute(select(c.id_number))}
        ctx["phones"] = {r.phone: r.customer_no for r in active}
        ctx["read_upto"] = conn.execute(select(func.max(c.id))).scalar() or 0
    if kind in ("services", "cases"):
        rows = conn.execute(select(c.id, c.customer_no, c.id_number, c.restricted_at,
                                   c.erased_at)).all()
        ctx["customers"] = {key: r for r in rows for key in (r.customer_no, r.id_number)}
    if kind == "services":
        ctx["plans"] = dict(conn.execute(select(plan.c.code, plan.c.kind)).all())
        ctx["numbers"] = {n for n in conn.execute(select(service.c.service_no)
                                                  .where(service.c.status != "ended")).scalars()}
        ctx["read_upto"] = conn.execute(select(func.max(service.c.id))).scalar() or 0
    if kind == "consumption":
        ctx["services"] = {r.service_no: r for r in conn.execute(
            select(service.c.id, service.c.service_no, service.c.start_date, service.c.end_date))}
    if kind == "cases":
        ctx["refs"] = set(conn.execute(select(service_case.c.case_no)).scalars())
        ctx["read_upto"] = conn.execute(select(func.max(service_case.c.id))).scalar() or 0
    return ctx


def _catch_up(conn, kind: str, ctx: dict, keys: FieldKeys) -> None:
    """Inside the write transaction: what other writers added since `_context` read (they
    count as already present), and the numbers to hand out (store.numbers: never twice)."""
    if kind == "services":
        ctx["next_service"] = next_id(conn, service.c.id)
    if keys.active:
        sealed.catch_up(conn, keys, kind, ctx)
        if kind == "customers":
            ctx["next_id"] = next_id(conn, customer.c.id)
        elif kind == "cases":
            ctx["next_case"] = next_id(conn, service_case.c.id)
        return
    if kind == "customers":
        ctx["id_numbers"].update(conn.execute(select(customer.c.id_number)
                                              .where(customer.c.id > ctx["read_upto"])).scalars())
        ctx["next_id"] = next_id(conn, customer.c.id)
    elif kind == "services":
        ctx["numbers"].update(conn.execute(select(service.c.service_no).where(
            service.c.id > ctx["read_upto"], service.c.status != "ended")).scalars())
    elif kind == "cases":
        ctx["refs"].update(conn.execute(select(service_case.c.case_no)
                                        .where(service_case.c.id > ctx["read_upto"])).scalars())
        ctx["next_case"] = next_id(conn, service_case.c.id)


def _check(kind: str, values: dict, ctx: dict, seen: set) -> tuple[str, str] | None:
    """Cross-row and database checks; (field, reason) to reject, or None."""
    if kind == "customers":
        if values["id_number"] in seen:
            return "id_number", _("This ID number appears twice in the file.")
        seen.add(values["id_number"])
        other = ctx["phones"].get(values["phone"])
        if other and values["id_number"] not in ctx["id_numbers"]:
            return "phone", _("This phone number already belongs to active customer {number}."
                              ).format(number=other[:4] + "***" + other[-2:])
    if kind in ("services", "cases"):
        owner = ctx["customers"].get(values["customer"])
        if owner is None:
            return "customer", _("There is no customer {number}.").format(
                number=values["customer"])
        if owner.erased_at or (kind == "services" and owner.restricted_at):
            return "customer", _("Customer {number} cannot be changed (restricted or erased)."
                                 ).format(number=owner.customer_no)
        values["customer_id"] = owner.id
    if kind == "services":
        plan_kind = ctx["plans"].get(values["plan_code"])
        if plan_kind is None:
            return "plan_code", _("There is no plan with code {code}.").format(
                code=values["plan_code"])
        if plan_kind != values["kind"]:
            return "plan_code", _("Plan {code} is for {plan_kind}, not for {kind}.").format(
                code=values["plan_code"], plan_kind=plan_kind, kind=values["kind"])
        if values["service_no"] in seen:
            return "service_no", _("This number appears twice in the file.")
        seen.add(values["service_no"])
    if kind == "consumption":
        svc = ctx["services"].get(values["service_no"])
        if svc is None:
            return "service_no", _("There is no service with number {number}.").format(
                number=values["service_no"])
        if values["period"] < svc.start_date[:7] or (svc.end_date and
                                                     values["period"] > svc.end_date[:7]):
            return "period", _("The month {period} is outside the service's life.").format(
                period=values["period"])
        if values["period"] > clock.now_utc().strftime("%Y-%m"):
            return "period", _("The month {period} is in the future.").format(
                period=values["period"])
        key = (svc.id, values["period"])
        if key in seen:
            return "period", _("This service and month appear twice in the file.")
        seen.add(key)
        values["service_id"] = svc.id
    return None


def _validate(kind: str, sheet: Sheet, mapping: dict[str, int], ctx: dict,
              progress: Progress | None, prefetch: Callable[[list[dict]], None] | None = None
              ) -> tuple[list[tuple[int, dict]], list[Rejected]]:
    """Every row converted, then (`prefetch`: what the database holds about the converted
    values, in a sealing database) checked against the others and the database."""
    convert = CONVERTERS[kind]
    header_of = {f.key: sheet.headers[mapping[f.key]] if f.key in mapping else _(f.label)
                 for f in KINDS[kind]}
    good, bad, seen = [], [], set()
    total = len(sheet.rows)
    converted: list[tuple[int, dict | None, tuple[str, str] | None]] = []
    for row_no, cells in sheet.rows:
        row = {key: cells[i] if i < len(cells) else "" for key, i in mapping.items()}
        try:
            converted.append((row_no, convert(row), None))
        except ValidationError as error:
            converted.append((row_no, None, (error.field or "", str(error))))
    if prefetch is not None:
        prefetch([v for _n, v, _p in converted if v is not None])
    for n, (row_no, values, problem) in enumerate(converted, start=1):
        if problem is None:
            try:
                problem = _check(kind, values, ctx, seen)
            except ValidationError as error:
                problem = (error.field or "", str(error))
        if problem:
            bad.append(Rejected(row_no, header_of.get(problem[0], problem[0]), problem[1]))
        else:
            good.append((row_no, values))
        if progress is not None and n % 500 == 0 and progress(n, total * 2) is False:
            raise ImportCancelled(_("The import was cancelled; nothing was changed."))
    return good, bad


def _write(conn, session: Session, kind: str, good: list[tuple[int, dict]], ctx: dict,
           progress: Progress | None, total: int) -> tuple[int, int]:
    now, user = clock.stamp(), session.username
    imported = present = 0
    batch: list[dict] = []
    extra: list[dict] = []
    table = {"customers": customer, "services": service, "consumption": consumption,
             "cases": service_case}[kind]
    for n, (_row, v) in enumerate(good, start=1):
        if kind == "customers":
            if v["id_number"] in ctx["id_numbers"]:
                present += 1
                continue
            cid = ctx["next_id"]
            ctx["next_id"] += 1
            marketing = v.pop("marketing")
            batch.append({**v, "id": cid, "customer_no": f"C{cid:09d}", "kind": "person",
                          "verified_how": "imported", "verified_by": user, "verified_at": now,
                          "status": "active", "created_at": now, "created_by": user,
                          "updated_at": now})
            extra += [{"customer_id": cid, "purpose": p.value,
                       "granted": int(p is ConsentPurpose.CONTRACT or
                                      (p is ConsentPurpose.MARKETING and marketing)),
                       "channel": "counter", "at": now, "recorded_by": user,
                       "note": "imported"} for p in ConsentPurpose]
        elif kind == "services":
            if v["service_no"] in ctx["numbers"]:
                present += 1
                continue
            service_id = ctx["next_service"]
            ctx["next_service"] += 1
            ctx.setdefault("changed", set()).add(v["customer_id"])
            batch.append({"id": service_id,
                          "customer_id": v["customer_id"], "service_no": v["service_no"],
                          "kind": v["kind"], "plan_code": v["plan_code"],
                          "account_no": f"A{v['customer_id']:09d}",
                          "agreement_no": f"AG-IMP-{v['service_no']}",
                          "start_date": v["start_date"], "status": "active", "created_at": now})
        elif kind == "consumption":
            batch.append({k: v[k] for k in ("service_id", "period", "voice_minutes",
                                            "sms_count", "data_mb", "billed_fen")})
        else:
            ref = v["reference"]
            if ref and ref in ctx["refs"]:
                present += 1
                continue
            case_id = ctx["next_case"]
            ctx["next_case"] += 1
            due = date.fromisoformat(v["opened"]) + timedelta(
                days=CASE_DUE_DAYS[CaseKind(v["kind"])])
            batch.append({"id": case_id, "case_no": ref or f"CS{case_id:08d}",
                          "customer_id": v["customer_id"], "kind": v["kind"],
                          "channel": v["channel"], "summary": v["summary"],
                          "details": v["details"], "status": "open", "assignee": user,
                          "due_date": due.isoformat(), "created_at": f"{v['opened']}T00:00:00."
                          "000000Z", "created_by": user, "updated_at": now})
        imported += 1
        if len(batch) >= CHUNK or n == len(good):
            _flush(conn, kind, table, batch, extra, session.db.fields)
            batch, extra = [], []
            if progress is not None and progress(total + n, total * 2) is False:
                raise ImportCancelled(_("The import was cancelled; nothing was changed."))
    if batch or extra:
        _flush(conn, kind, table, batch, extra, session.db.fields)
    if session.db.fields.active and ctx.get("changed"):
        sealed.rebuild(conn, session.db.fields, ctx["changed"])
    return imported, present


def _flush(conn, kind: str, table, batch: list[dict], extra: list[dict],
           keys: FieldKeys) -> None:
    tokens: list = []
    if batch and keys.active:
        batch, tokens = sealed.seal_batch(keys, kind, batch)
    if batch and kind == "consumption":
        stmt = dialect.insert(conn, consumption)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["service_id", "period"],
            set_={k: stmt.excluded[k] for k in ("voice_minutes", "sms_count", "data_mb",
                                                "billed_fen")}), batch)
    elif batch:
        _insert_all(conn, table, batch)
    if extra:
        _insert_all(conn, consent_event, extra)
    sealed.write_tokens(conn, tokens)


def _insert_all(conn, table, rows: list[dict]) -> None:
    """A chunk's rows in one go (dialect.bulk_insert: COPY on the server)."""
    columns = list(rows[0])
    dialect.bulk_insert(conn, table, columns, [tuple(r.get(c) for c in columns) for r in rows])


def error_workbook(rejected: list[Rejected], out: Path) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    sheet.append([_("Row"), _("Column"), _("Reason")])
    for r in rejected:
        sheet.append(safe_row([r.row, r.column, r.reason]))
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(out, buffer.getvalue())
    return out


@requires(Permission.IMPORT)
def run_import(session: Session, kind: str, path: Path, mapping: dict[str, int] | None = None,
               all_or_nothing: bool = False, progress: Progress | None = None,
               errors_to: Path | None = None) -> ImportResult:
    started = time.perf_counter()
    path = Path(path)
    if kind not in KINDS:
        raise ValidationError(_("Unknown import kind."), field="kind")
    sheet = read_sheet(path, _expected(kind))
    if progress is not None and progress(0, len(sheet.rows) * 2) is False:
        raise ImportCancelled(_("The import was cancelled; nothing was changed."))
    mapping = mapping if mapping is not None else _start_mapping(session, kind, sheet.headers)
    for f in KINDS[kind]:
        if f.required and f.key not in mapping:
            raise ValidationError(_("Choose the column that holds {field}.").format(
                field=_(f.label)), field=f.key)
    result = ImportResult(kind, read=len(sheet.rows))
    keys = session.db.fields
    with session.db.read() as conn:
        ctx = _context(conn, kind, keys.active)

    def prefetch(rows: list[dict]) -> None:
        with session.db.read() as conn:
            sealed.prefetch(conn, keys, kind, ctx, rows)

    good, result.rejected = _validate(kind, sheet, mapping, ctx, progress,
                                      prefetch if keys.active else None)
    if result.rejected:
        target = errors_to or path.with_name(f"{path.stem}.errors.xlsx")
        try:
            result.error_book = error_workbook(result.rejected, target)
        except OSError as error:
            raise StoreError(_("The error workbook could not be written to {folder}: "
                               "{problem}; nothing was imported.").format(
                folder=target.parent, problem=error.strerror or type(error).__name__)) from None
    if not (all_or_nothing and result.rejected):
        with session.db.write() as conn:
            _catch_up(conn, kind, ctx, keys)
            result.imported, result.already_present = _write(conn, session, kind, good, ctx,
                                                             progress, len(sheet.rows))
            names = {key: sheet.headers[i] for key, i in mapping.items()}
            conn.execute(dialect.insert(conn, import_mapping).values(
                kind=kind, mapping=json.dumps(names, ensure_ascii=False),
                updated_at=clock.stamp(), updated_by=session.username)
                .on_conflict_do_update(index_elements=["kind"],
                                       set_={"mapping": json.dumps(names, ensure_ascii=False)}))
            audit.append(conn, session.db, actor=session.username, action=f"import.{kind}",
                         detail={"file": path.name, "rows": result.read,
                                 "imported": result.imported,
                                 "already_present": result.already_present,
                                 "rejected": len(result.rejected)})
    result.seconds = time.perf_counter() - started
    return result
