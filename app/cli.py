"""`custos <command>`: the same services and permissions as the GUI, for scripts and schedulers.

Exit codes: 0 success; 1 a refused or failed action (one sentence on stderr); 2 bad usage.
Passwords come from CUSTOS_PASSWORD (new ones from CUSTOS_NEW_PASSWORD), else a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import app.oversight.alerts  # noqa: F401 - the alert rules watch the catalogue's actions
from app import accounts, crashlog, i18n
from app.accounts.login import load_ring
from app.errors import CustosError, ValidationError
from app.i18n import _
from app.security.session import Session
from app.store.memory import forbid_core_dumps
from app.store.place import is_server, locate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Refused(CustosError):
    """A CLI-level refusal (missing password without a terminal, and the like)."""


def _secret(env: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise Refused(_("No password given: set {variable} or run in a terminal.")
                      .format(variable=env))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat: ")) != first:
        raise ValidationError(_("The two passwords differ."), field="password")
    return first


def _db(args):
    """A file path, or a branch server's address (postgresql://HOST[:PORT]/DBNAME)."""
    value = args.db or os.environ.get("CUSTOS_DB")
    if not value:
        raise Refused(_("Name the database with --db PATH (or CUSTOS_DB)."))
    return locate(value, getattr(args, "ca", None))


def _session(args) -> Session:
    user = args.user or os.environ.get("CUSTOS_USER")
    if not user:
        raise Refused(_("Name the acting user with --user NAME (or CUSTOS_USER)."))
    path = _db(args)
    if not is_server(path):
        load_ring(path)  # a missing or damaged file is said before a password is asked for
    session = accounts.login(path, user, _secret("CUSTOS_PASSWORD", _("Password: ")),
                             progress=_SealingProgress())
    for notice in session.notices:  # e.g. a database older than one opened before
        print(notice, file=sys.stderr)
    return session


class _SealingProgress:
    """The one-time sealing pass at login (an upgraded database): its progress on stderr, a
    line every tenth of the way (one line that rewrites itself on a terminal)."""

    def __init__(self) -> None:
        self._shown = -1

    def __call__(self, done: int, total: int) -> bool:
        tenth = 10 * done // total if total else 10
        if tenth > self._shown:
            self._shown = tenth
            line = _("Sealing customer data under the role keys (once only): {done} of "
                     "{total} records").format(done=done, total=total)
            if sys.stderr.isatty():
                print(f"\r{line}", end="\n" if done >= total else "", file=sys.stderr,
                      flush=True)
            else:
                print(line, file=sys.stderr)
        return True


def _with_session(action: Callable[[Session, argparse.Namespace], int]):
    def run(args: argparse.Namespace) -> int:
        session = _session(args)
        try:
            return action(session, args)
        finally:
            accounts.logout(session)
    return run


# --- commands -----------------------------------------------------------------------------

def cmd_gui(args) -> int:
    from ui.app import run  # Qt is imported only when a window is wanted

    return run(args.db, args.demo, args.lang, ca_file=args.ca)


def cmd_init(args) -> int:
    path = _db(args)
    password = _secret("CUSTOS_PASSWORD", _("Password for {user}: ").format(user=args.admin),
                       confirm=True)
    created = accounts.create_database(path, args.admin, password,
                                       display_name=args.display_name or "")
    print(_("Created {path}.").format(path=created.path), file=sys.stderr)
    print(_("Recovery code (shown once; store it apart from this computer):"), file=sys.stderr)
    print(created.recovery_code)
    return EXIT_OK


def cmd_demo(args) -> int:
    from app.demo import DEMO_ACCOUNTS, create_demo

    create_demo(_db(args), customers=args.customers, seed=args.seed)
    for account in DEMO_ACCOUNTS:
        print(f"{account.role.value}\t{account.username}\t{account.password}")
    return EXIT_OK


def cmd_migrate_to_server(args) -> int:
    """A one-PC branch's file moves to its branch server: every record, account, key slot
    and the whole audit history; the file is left as it was."""
    from app import audit
    from app.store.migrate_server import migrate

    source, address = locate(args.source), _db(args)
    if not is_server(address) or is_server(source):
        raise Refused(_("Move a database file (--from FILE) to a branch server "
                        "(--db postgresql://HOST/DBNAME)."))
    admin = args.user or os.environ.get("CUSTOS_USER")
    if not admin:
        raise Refused(_("Name the file's administrator with --user NAME (or CUSTOS_USER)."))
    ring = load_ring(source)  # a missing or damaged file is said before a password is asked
    password = _secret("CUSTOS_PASSWORD", _("Password: "))
    code = _recovery_code_for_server(ring) if args.with_recovery_code else None

    def progress(table: str, done: int, total: int) -> None:
        if done == total or done % 50_000 == 0:
            print(_("{table}: {done} of {total}").format(table=table, done=done, total=total),
                  file=sys.stderr)

    moved = migrate(source, address, admin, password, progress)
    session = accounts.login(address, admin, password)
    try:
        with session.db.write() as conn:
            if code is not None:  # the recovery login opens with the file's code from now on
                from app.store.server_ring import set_recovery_login

                set_recovery_login(conn, code)
            audit.append(conn, session.db, actor=session.username, action="database.migrated",
                         detail={"from": source.name, "rows": sum(moved.tables.values()),
                                 "recovery_code": code is not None})
    finally:
        accounts.logout(session)
    print(_("Moved {rows} rows of {tables} tables to {server}; {path} is unchanged.").format(
        rows=sum(moved.tables.values()), tables=len(moved.tables), server=address.name,
        path=source.name), file=sys.stderr)
    for name in moved.logins:
        print(f"ready\t{name}")
    for name in moved.waiting:
        print(f"reset\t{name}")
    if moved.waiting:
        print(_("Accounts marked reset have not logged in since this version was installed: "
                "an administrator sets them a temporary password on the server."),
              file=sys.stderr)
    if code is None:
        print(_("The recovery code does not open the server yet: an administrator replaces it "
                "once (custos keys recovery-code), or move the file again with "
                "--with-recovery-code."), file=sys.stderr)
    return EXIT_OK


def _recovery_code_for_server(ring) -> str:
    """The file's recovery code, checked against its ring before anything is moved (the
    server's recovery login is made from it)."""
    from app.store.memory import wipe

    code = _secret("CUSTOS_RECOVERY_CODE", _("Recovery code: "))
    wipe(ring.open_recovery(code).db_key)  # LoginFailed: nothing moved
    return code


def cmd_upgrade(args) -> int:
    """Branch IT, with the owner login: the server database gets this version's schema."""
    from app.accounts.server_init import upgrade

    address = _db(args)
    if not is_server(address):
        raise Refused(_("A database file is upgraded at its first login; custos upgrade is "
                        "for a branch server (--db postgresql://HOST/DBNAME)."))
    before, after = upgrade(address)
    print(_("{name}: schema step {before} to {after}.").format(
        name=address.name, before=before, after=after), file=sys.stderr)
    return EXIT_OK


def cmd_recover(args) -> int:
    code = _secret("CUSTOS_RECOVERY_CODE", _("Recovery code: "))
    new = _secret("CUSTOS_NEW_PASSWORD", _("New password for {user}: ").format(user=args.admin),
                  confirm=True)
    session = accounts.recover(_db(args), code, args.admin, new)
    accounts.logout(session)
    print(_("{user} can log in again with the new password.").format(user=args.admin),
          file=sys.stderr)
    return EXIT_OK


@_with_session
def cmd_user_add(session, args) -> int:
    password = _secret("CUSTOS_NEW_PASSWORD", _("Temporary password for {user}: ")
                       .format(user=args.name), confirm=True)
    accounts.add_user(session, args.name, args.role, password, args.display_name or "")
    return EXIT_OK


@_with_session
def cmd_user_list(session, args) -> int:
    from app.clock import local_text

    for u in accounts.list_users(session):
        status = "disabled" if u.disabled else ("must-change-password"
                                                if u.must_change_password else "active")
        roles = ",".join(sorted(r.value for r in u.roles))
        print("\t".join((u.username, u.display_name, roles, status,
                         local_text(u.last_login_at) or "-")))
    return EXIT_OK


@_with_session
def cmd_user_disable(session, args) -> int:
    accounts.disable_user(session, args.name)
    return EXIT_OK


@_with_session
def cmd_user_enable(session, args) -> int:
    password = _secret("CUSTOS_NEW_PASSWORD", _("Temporary password for {user}: ")
                       .format(user=args.name), confirm=True)
    accounts.enable_user(session, args.name, password)
    return EXIT_OK


@_with_session
def cmd_user_roles(session, args) -> int:
    accounts.set_roles(session, args.name, args.role)
    return EXIT_OK


def cmd_user_passwd(args) -> int:
    """Your own name: change your password. Another name: an administrator's reset."""
    session = _session(args)
    try:
        if args.name.casefold() == session.username.casefold():
            new = _secret("CUSTOS_NEW_PASSWORD", _("New password: "), confirm=True)
            accounts.change_own_password(session, os.environ.get("CUSTOS_PASSWORD", "")
                                         or _secret("CUSTOS_PASSWORD", _("Current password: ")),
                                         new)
        else:
            new = _secret("CUSTOS_NEW_PASSWORD", _("Temporary password for {user}: ")
                          .format(user=args.name), confirm=True)
            accounts.reset_password(session, args.name, new)
    finally:
        accounts.logout(session)
    return EXIT_OK


@_with_session
def cmd_audit_verify(session, args) -> int:
    from app.audit_anchor import from_backups
    from app.integrity import verify_audit_log

    report = verify_audit_log(session, anchors=from_backups(session.db, args.backup))
    if report.intact:
        # This line is a contract scripts parse: it stays English in every language.
        print(f"intact, {report.count} events, head {report.head}")
        return EXIT_OK
    if report.notice:
        print(report.notice, file=sys.stderr)
    if report.outside:
        # The server's own record: rows changed by someone who went around Custos.
        for line in report.outside:
            print(f"changed outside Custos: {line}", file=sys.stderr)
    if report.first_broken is not None or not report.outside:
        print(f"broken at event {report.first_broken} ({report.reason}); "
              f"{report.count} events before it are intact", file=sys.stderr)
    else:
        print(f"chain intact ({report.count} events, head {report.head}), but the server "
              f"recorded {len(report.outside)} changes made outside Custos", file=sys.stderr)
    return EXIT_FAILED


@_with_session
def cmd_access_pending(session, args) -> int:
    """Accounts waiting for access to customer data: a manager's list, or an
    administrator's (who sees who waits, and approves only with the recovery code)."""
    from app.accounts.access import pending_accounts, pending_for_admin
    from app.security.roles import Permission

    listed = (pending_accounts if session.can(Permission.ACCESS_GRANT)
              else pending_for_admin)(session)
    for account in listed:
        print("\t".join((account.username, account.display_name,
                         ",".join(sorted(r.value for r in account.roles)),
                         ",".join(sorted(account.missing)))))
    return EXIT_OK


@_with_session
def cmd_access_approve(session, args) -> int:
    from app.accounts.access import approve_access, approve_with_recovery

    if args.recovery:
        approve_with_recovery(session, args.name,
                              _secret("CUSTOS_RECOVERY_CODE", _("Recovery code: ")))
    else:
        approve_access(session, args.name)
    print(_("{user} can now read the customer data of their roles.").format(user=args.name),
          file=sys.stderr)
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=_("the database file, or the branch server's address "
                                       "postgresql://HOST[:PORT]/DBNAME (or CUSTOS_DB)"))
    common.add_argument("--ca", metavar="FILE",
                        help=_("the CA file that signed the branch server's certificate "
                               "(given once; remembered on this PC)"))
    common.add_argument("--user", help=_("who acts (or CUSTOS_USER); password from "
                                         "CUSTOS_PASSWORD or a prompt"))
    common.add_argument("--lang", choices=sorted(i18n.LANGUAGES),
                        help=_("language of the interface"))

    parser = argparse.ArgumentParser(prog="custos", parents=[common],
                                     description=_("Custos: client records for telecom "
                                                   "branches."))
    parser.add_argument("--demo", action="store_true", help=_("open the demo database"))
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help=_("create a new database"))
    p.add_argument("--admin", required=True, help=_("the first administrator's username"))
    p.add_argument("--display-name", default="")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=_("create a demo database"))
    p.add_argument("--customers", type=int, default=2000)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("migrate-to-server", parents=[common],
                       help=_("move this PC's database file to the branch server"))
    p.add_argument("--from", dest="source", required=True, metavar="FILE",
                   help=_("the database file to move (left unchanged)"))
    p.add_argument("--with-recovery-code", action="store_true",
                   help=_("let the file's recovery code open the server too "
                          "(CUSTOS_RECOVERY_CODE or a prompt)"))
    p.set_defaults(func=cmd_migrate_to_server)

    p = sub.add_parser("upgrade", parents=[common],
                       help=_("bring a branch server's database to this version (owner "
                              "login from PGUSER/PGPASSWORD)"))
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser("recover", parents=[common],
                       help=_("let an administrator back in with the recovery code"))
    p.add_argument("--admin", required=True)
    p.set_defaults(func=cmd_recover)

    user = sub.add_parser("user", help=_("manage accounts")).add_subparsers(
        dest="user_command", metavar="ACTION", required=True)
    p = user.add_parser("add", parents=[common], help=_("add an account"))
    p.add_argument("name")
    p.add_argument("--role", action="append", required=True,
                   choices=["counter", "archive", "manager", "admin"])
    p.add_argument("--display-name", default="")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("list", parents=[common], help=_("list accounts"))
    p.set_defaults(func=cmd_user_list)
    for name, func, text in (("disable", cmd_user_disable, _("disable an account")),
                             ("enable", cmd_user_enable, _("enable an account again")),
                             ("passwd", cmd_user_passwd,
                              _("change your password, or reset another's"))):
        p = user.add_parser(name, parents=[common], help=text)
        p.add_argument("name")
        p.set_defaults(func=func)
    p = user.add_parser("roles", parents=[common], help=_("set an account's roles"))
    p.add_argument("name")
    p.add_argument("--role", action="append", required=True,
                   choices=["counter", "archive", "manager", "admin"])
    p.set_defaults(func=cmd_user_roles)

    from app.customers import commands as customer_commands

    customer_commands.register(sub, common, _with_session)
    from app.rights import commands as rights_commands

    rights_commands.register(sub, common, _with_session)
    from app.backup import commands as backup_commands

    backup_commands.register(sub, common, _with_session)
    backup_commands.register_operations(sub, common, _with_session)
    from app.imports import commands as import_commands

    import_commands.register(sub, common, _with_session)
    from app.archive import commands as archive_commands

    archive_commands.register(sub, common, _with_session)
    from app.reports import commands as report_commands

    report_commands.register(sub, common, _with_session)
    from app.compliance import assessments_commands

    assessments_commands.register(sub, common, _with_session)
    from app.compliance import reviews_commands

    reviews_commands.register(sub, common, _with_session)
    from app.compliance import breach_commands

    breach_commands.register(sub, common, _with_session)
    from app.compliance import partner_commands

    partner_commands.register(sub, common, _with_session)
    from app.compliance import staff_commands

    staff_commands.register(sub, common, _with_session)

    access = sub.add_parser("access", help=_("access to customer data")).add_subparsers(
        dest="access_command", metavar="ACTION", required=True)
    p = access.add_parser("pending", parents=[common],
                          help=_("list accounts waiting for access to customer data"))
    p.set_defaults(func=cmd_access_pending)
    p = access.add_parser("approve", parents=[common],
                          help=_("give an account the customer-data keys of its roles "
                                 "(a manager; an administrator with --recovery)"))
    p.add_argument("name")
    p.add_argument("--recovery", action="store_true",
                   help=_("approve with the recovery code (CUSTOS_RECOVERY_CODE or a "
                          "prompt), when no manager holds the keys yet"))
    p.set_defaults(func=cmd_access_approve)

    audit_p = sub.add_parser("audit", help=_("the audit log")).add_subparsers(
        dest="audit_command", metavar="ACTION", required=True)
    p = audit_p.add_parser("verify", parents=[common], help=_("check the hash chain"))
    p.add_argument("--backup", action="append", default=[], metavar="FILE",
                   help=_("also compare with the audit head in this backup's manifest"))
    p.set_defaults(func=cmd_audit_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # the real command, not a test calling in: no core dumps of keys
        forbid_core_dumps()
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(_language_from(argv))
    args = _parser().parse_args(argv)  # exits with 2 on bad usage
    try:
        return args.func(args)
    except CustosError as error:
        print(f"custos: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(_("custos: interrupted; nothing was changed."), file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the reader (head, less) went away: not our failure
        return EXIT_OK
    except OSError as error:
        from app.store.failures import explain_os

        said = explain_os(error)
        print(f"custos: {said}" if said is not None else
              _("custos: {problem}").format(problem=error.strerror or type(error).__name__),
              file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a defect: say so in one line, keep personal data out of it
        if os.environ.get("CUSTOS_DEBUG"):
            raise
        said = _store_failure(error, args)
        if said is not None:  # a raw store call outside a session's transactions
            print(f"custos: {said}", file=sys.stderr)
            return EXIT_FAILED
        log = crashlog.record(error, f"custos {args.command or 'gui'}")
        if log is None:
            print(_("custos: unexpected error ({kind}); the action was not completed.")
                  .format(kind=type(error).__name__), file=sys.stderr)
        else:
            print(_("custos: unexpected error ({kind}); the action was not completed. The "
                    "details, without personal data, are in {log}.")
                  .format(kind=type(error).__name__, log=log), file=sys.stderr)
        return EXIT_FAILED


def _store_failure(error: BaseException, args: argparse.Namespace) -> CustosError | None:
    from app.store.failures import explain

    named = getattr(args, "db", None) or os.environ.get("CUSTOS_DB")
    if named and is_server(named):
        import psycopg

        from app.store import server

        orig = getattr(error, "orig", None) or error
        if isinstance(orig, psycopg.Error):
            return server.explain(error, locate(named)) or server.unreachable()
        return None
    return explain(error, Path(named)) if named else None


def _language_from(argv: list[str]) -> str:
    """The interface language --lang names (zh, an old spelling, is zh_CN)."""
    for i, arg in enumerate(argv):
        given = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else \
            arg[7:] if arg.startswith("--lang=") else None
        given = {"zh": "zh_CN"}.get(given or "", given)
        if given in i18n.LANGUAGES:
            return given
    return i18n.system_language()


if __name__ == "__main__":
    sys.exit(main())
