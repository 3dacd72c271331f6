"""The compliance file's rules, said by the branch server itself (row-level security and
column triggers): what a staff login may write in the breach register, the impact
assessments, partners and disclosures, export approvals, permission reviews and alerts,
whoever types the SQL (psql with the account's own password included).

The program checks the same rules first (app/compliance/, app/oversight/alerts.py); these
are the ones a login cannot step around. One table, GUARDS, says them: per table, who may
add a row and what a new row must look like, who may change or delete one, and (a trigger,
which sees the row as it was) which columns only whom may change. Expressions are SQL on
the row; `holds('manager')` is true for the login of an enabled account holding the role,
`own('col')` when the column names the login's own account: whoever records something
(reported_by, sent_by, added_by, recorded_by, checked_by, disclosed_by, assessed_by,
started_by, updated_by, closed_by) records it in their own name.

The table owner (custos init, upgrade, migrate-to-server, restore) is not bound by them:
owners bypass row-level security (never FORCEd here) and the column triggers let the owner
and a superuser through. `custos upgrade` makes all of it again (guards_sql is idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.server_trail import SAFE_PATH, _q

HOLDS = "custos_login_holds"


def holds(*roles: str) -> str:
    """The login's account is enabled and holds one of `roles`."""
    return "(" + " OR ".join(f"public.{HOLDS}('{r}')" for r in roles) + ")"


def own(column: str) -> str:
    """The column names the login's own account."""
    return f"(public.custos_login_name({column}) = session_user::text)"


def unset(*columns: str) -> str:
    return "(" + " AND ".join(f"{c} IS NULL" for c in columns) + ")"


def _refuse(message: str) -> str:
    return "RAISE EXCEPTION '%', '" + message.replace("'", "''") + "' USING ERRCODE = '42501'"


def _changed(*columns: str) -> str:
    return (f"(({', '.join('NEW.' + c for c in columns)}) IS DISTINCT FROM "
            f"({', '.join('OLD.' + c for c in columns)}))")


@dataclass(frozen=True)
class Rule:
    """Who may write a table. insert: the new row's check; update: who may change a row
    (old and new); delete: which rows a login may delete. None: no staff login may (the
    grant may forbid it already). columns: PL/pgSQL run before each update (OLD and NEW
    at hand) that refuses what only someone else may change."""
    insert: str | None = None
    update: str | None = None
    delete: str | None = None
    columns: str | None = None


MANAGER = holds("manager")
ADMIN = holds("admin")
ANYONE = "true"

def managers_only(recorder: str) -> Rule:
    """A manager's table; a new row names its manager as who recorded it."""
    return Rule(insert=f"({MANAGER} AND {own(recorder)})", update=MANAGER, delete=MANAGER)


EXPORT_REQUEST = ("kind", "rows_expected", "reason", "requested_by", "requested_at")
EXPORT_DECISION = ("approved", "decided_by", "decided_at", "decision_note")
EXPORT_USE = ("used_at", "rows_written", "file_name")
DECISION = ("review_id", "username", "roles_before", "decision", "roles_after", "note",
            "own_account", "decided_by", "decided_at")
ALERT_RAISED = ("rule", "actor", "created_at", "window_key", "summary")
ALERT_ACK = ("acknowledged_by", "acknowledged_at", "note")
OWN_APPROVAL = "an assessment is approved in the approver's own name"
HANDLED = "an incident is handled and closed in the manager's own name"

GUARDS: dict[str, Rule] = {
    # Anyone reports an incident (breaches.report_incident), born open; a manager handles it.
    "breach": Rule(
        insert=(f"(state = 'open' AND {unset('closed_by', 'closed_at', 'close_reason')} "
                f"AND {own('reported_by')} AND (updated_by IS NULL OR {own('updated_by')}))"),
        update=MANAGER, delete=MANAGER,
        columns=(
            f"IF {_changed('reported_by', 'reported_at')} THEN "
            f"{_refuse('an incident stays reported by whoever reported it')}; END IF; "
            f"IF NEW.updated_by IS NULL OR NOT {own('NEW.updated_by')} OR "
            f"({_changed('closed_by')} AND NOT {own('NEW.closed_by')}) THEN "
            f"{_refuse(HANDLED)};"
            " END IF;")),
    "breach_customer": Rule(insert=ANYONE, update=MANAGER, delete=MANAGER),
    "breach_notice": Rule(insert=f"({MANAGER} AND {own('sent_by')})"),
    # A manager's, born awaiting approval; approved in the approver's own name (another
    # manager approves the assessor's own, unless they are the only one: the program says).
    "impact_assessment": Rule(
        insert=(f"({MANAGER} AND {own('assessed_by')} AND "
                f"{unset('approved_by', 'approved_at', 'superseded_by', 'superseded_at')})"),
        update=MANAGER,
        columns=(
            f"IF {_changed('approved_by', 'approved_at', 'sole_manager')} AND "
            f"(NEW.approved_by IS NULL OR NOT {own('NEW.approved_by')}) THEN "
            f"{_refuse(OWN_APPROVAL)}; END IF;")),
    "partner": managers_only("added_by"),
    "partner_agreement": managers_only("recorded_by"),
    "partner_check": managers_only("checked_by"),
    # Counter staff record a disclosure the customer consented to; a legal basis instead
    # of consent is a manager's to claim.
    "disclosure": Rule(insert=(f"({own('disclosed_by')} AND ({MANAGER} OR "
                               f"({holds('counter')} AND legal_basis = '')))")),
    # Whoever exports asks, as themselves; a manager decides, once; the requester alone
    # uses the approval, once.
    "export_approval": Rule(
        insert=(f"({own('requested_by')} AND {unset(*EXPORT_DECISION[:3], *EXPORT_USE)}"
                " AND decision_note = '')"),
        update=f"({MANAGER} OR {own('requested_by')})",
        columns=(
            f"IF {_changed(*EXPORT_REQUEST)} THEN "
            f"{_refuse('an export request is kept as it was asked')}; END IF; "
            f"IF {_changed(*EXPORT_DECISION)} AND (OLD.approved IS NOT NULL OR "
            f"OLD.decided_at IS NOT NULL OR NOT {MANAGER} OR NEW.approved IS NULL OR "
            f"NEW.decided_by IS NULL OR NOT {own('NEW.decided_by')}) THEN "
            f"{_refuse('only a manager decides an export request, once, as themselves')};"
            " END IF; "
            f"IF {_changed(*EXPORT_USE)} AND (OLD.used_at IS NOT NULL OR "
            f"OLD.approved IS DISTINCT FROM 1 OR NOT {own('OLD.requested_by')}) THEN "
            f"{_refuse('only the one who asked uses an approved export, once')}; END IF;")),
    # A manager starts, decides and signs a review (as themselves); it is born unsigned.
    "permission_review": Rule(
        insert=(f"({MANAGER} AND {own('started_by')} AND "
                f"{unset('signed_at', 'signed_by', 'signature_seq')})"),
        update=f"({MANAGER} AND (signed_by IS NULL OR {own('signed_by')}))"),
    # An administrator marks a signed decision carried out, as themselves.
    "review_decision": Rule(
        insert=f"({MANAGER} AND {own('decided_by')} AND {unset('done_by', 'done_at')})",
        update=f"({MANAGER} OR {ADMIN})", delete=MANAGER,
        columns=(
            f"IF {_changed(*DECISION)} AND NOT {MANAGER} THEN "
            f"{_refuse('only a manager decides in a permission review')}; END IF; "
            f"IF {_changed('done_by', 'done_at')} AND (NOT {ADMIN} OR NEW.done_by IS NULL "
            f"OR NOT {own('NEW.done_by')}) THEN "
            f"{_refuse('only an administrator marks a decision carried out, as themselves')};"
            " END IF;")),
    # Any session raises alerts (and adds evidence to an open one's window); a manager
    # acknowledges one, once, as themselves.
    "alert": Rule(
        insert=unset(*ALERT_ACK), update=ANYONE,
        columns=(
            f"IF {_changed(*ALERT_RAISED)} THEN "
            f"{_refuse('an alert is kept as it was raised')}; END IF; "
            f"IF {_changed(*ALERT_ACK)} AND (OLD.acknowledged_at IS NOT NULL OR NOT "
            f"{MANAGER} OR NEW.acknowledged_by IS NULL OR NOT {own('NEW.acknowledged_by')})"
            f" THEN {_refuse('only a manager acknowledges an alert, once, as themselves')};"
            " END IF;")),
    # The staff file (app/compliance/staff.py): agreements and trainings are recorded by a
    # manager or an administrator and kept as recorded (no update, no delete).
    "staff_agreement": Rule(insert=f"({holds('manager', 'admin')} AND {own('recorded_by')})"),
    "training_session": Rule(insert=f"({holds('manager', 'admin')} AND {own('recorded_by')})"),
    "training_attendee": Rule(insert=holds("manager", "admin")),
}

# The owner (custos init, upgrade, migrate-to-server, restore) and a superuser: not bound.
OWNER = ("(SELECT r.rolsuper OR r.oid = c.relowner FROM pg_catalog.pg_roles r, "
         "pg_catalog.pg_class c WHERE r.rolname = session_user AND c.oid = TG_RELID)")


def columns_trigger(table: str) -> str:
    """The server-only trigger's name (its suffix tells test_server_schema it is ours)."""
    return f"{table}_columns_fixed"


def holds_sql(staff: str) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {HOLDS}(role TEXT) RETURNS BOOLEAN LANGUAGE sql STABLE "
        f"SECURITY DEFINER SET search_path = {SAFE_PATH} AS $$ SELECT EXISTS "
        '(SELECT 1 FROM public."user" u JOIN public.user_role r ON r.user_id = u.id '
        "WHERE public.custos_login_name(u.username) = session_user::text AND r.role = $1 "
        "AND u.disabled = 0) $$",
        f"REVOKE ALL ON FUNCTION {HOLDS}(TEXT) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {HOLDS}(TEXT) TO {_q(staff)}",
    ]


def table_guard_sql(table: str, rule: Rule, staff: str) -> list[str]:
    """One table's policies and column trigger, made again from scratch (idempotent)."""
    t = _q(table)
    out = [f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"]
    # What no staff login may do at all is refused aloud (a policy would skip the rows).
    out += [f"REVOKE {what} ON {t} FROM {_q(staff)}" for what, rule_for in (
        ("INSERT", rule.insert), ("UPDATE", rule.update), ("DELETE", rule.delete))
        if rule_for is None]
    for kind in ("read", "add", "change", "drop"):
        out.append(f"DROP POLICY IF EXISTS {_q(f'{table}_{kind}')} ON {t}")
    out.append(f"CREATE POLICY {_q(f'{table}_read')} ON {t} FOR SELECT USING (true)")
    if rule.insert is not None:
        out.append(f"CREATE POLICY {_q(f'{table}_add')} ON {t} FOR INSERT "
                   f"WITH CHECK ({rule.insert})")
    if rule.update is not None:
        out.append(f"CREATE POLICY {_q(f'{table}_change')} ON {t} FOR UPDATE "
                   f"USING ({rule.update}) WITH CHECK ({rule.update})")
    if rule.delete is not None:
        out.append(f"CREATE POLICY {_q(f'{table}_drop')} ON {t} FOR DELETE "
                   f"USING ({rule.delete})")
    name = columns_trigger(table)
    out.append(f"DROP TRIGGER IF EXISTS {_q(name)} ON {t}")
    if rule.columns is not None:
        out.append(
            f"CREATE OR REPLACE FUNCTION {_q(name)}() RETURNS trigger LANGUAGE plpgsql "
            f"SET search_path = {SAFE_PATH} AS $$ BEGIN IF {OWNER} THEN RETURN NEW; END IF; "
            f"{rule.columns} RETURN NEW; END $$")
        out.append(f"CREATE TRIGGER {_q(name)} BEFORE UPDATE ON {t} FOR EACH ROW "
                   f"EXECUTE FUNCTION {_q(name)}()")
    return out


def guards_sql(staff: str, tables: list[str] | None = None) -> list[str]:
    """Every guard, for the tables that exist (all of GUARDS by default): made by custos
    init after the login functions, and again by every custos upgrade and restore."""
    out = holds_sql(staff)
    for table, rule in GUARDS.items():
        if tables is None or table in tables:
            out += table_guard_sql(table, rule, staff)
    return out
