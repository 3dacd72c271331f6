"""`custos backup ...` and `custos keys ...`: administrators' operations, for scripts and cron."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.errors import StoreError
from app.i18n import _

EXIT_OK, EXIT_FAILED = 0, 1


def _user_and_password(args) -> tuple[str, str]:
    from app.cli import Refused, _secret

    user = args.user or os.environ.get("CUSTOS_USER")
    if not user:
        raise Refused(_("Name the acting user with --user NAME (or CUSTOS_USER)."))
    return user, _secret("CUSTOS_PASSWORD", _("Password: "))


def cmd_backup(args, with_session) -> int:
    if args.backup_command is None:
        if not args.to:
            raise StoreError(_("Say where to write the backup with --to DIR."))

        def take(session, args) -> int:
            from app.backup.service import prune, take_backup

            path = take_backup(session, Path(args.to))
            print(path)
            if args.keep:
                daily, weekly, monthly = (int(x) for x in args.keep.split(","))
                for removed in prune(Path(args.to), daily, weekly, monthly):
                    print(_("removed old backup {name}").format(name=removed.name),
                          file=sys.stderr)
            return EXIT_OK

        return with_session(take)(args)
    return args.action(args)


def _server_for(args):
    """The branch server a backup is verified or restored on, or None for a file's backup
    (one sentence when the backup and the --db given are of different kinds)."""
    from app.backup.archive_file import of_kind, read_manifest
    from app.store.place import is_server, locate

    manifest = read_manifest(Path(args.file))
    named = args.db or (os.environ.get("CUSTOS_DB") if manifest.is_server else None)
    of_kind(Path(args.file), manifest, bool(named) and is_server(named))
    return locate(named, args.ca) if manifest.is_server else None


def _recorded(args) -> bool:
    """A verification goes on record when it can write to the database: the database is
    named and someone acts (a user, or the backup credential)."""
    return bool((args.db or os.environ.get("CUSTOS_DB")) and (
        args.user or os.environ.get("CUSTOS_USER") or args.key_file
        or os.environ.get("CUSTOS_BACKUP_KEY")))


def _verify_recorded(session, args) -> int:
    from app.backup.service import verify_backup

    report = verify_backup(session, Path(args.file))
    print(report.sentence, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_verify(args) -> int:
    from app.backup.record_commands import unattended_or_login
    from app.backup.service import verify_file, verify_on_server

    server = _server_for(args)
    if _recorded(args):
        return unattended_or_login(args, _verify_recorded)
    if server is not None:
        report = verify_on_server(Path(args.file), server)
    else:
        user, password = _user_and_password(args)
        report = verify_file(Path(args.file), user, password)
    print(report.sentence, file=sys.stdout if report.ok else sys.stderr)
    print(_("Not put on record: name the database (--db) and who acts (--user or "
            "--key-file) to record the restore test."), file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_list(args) -> int:
    from app.backup.archive_file import one_line
    from app.backup.service import list_backups

    for entry in list_backups(Path(args.dir)):
        if entry.manifest is None:
            fields = (entry.path.name, "damaged", entry.problem or "")
        else:
            m = entry.manifest
            fields = (entry.path.name, m.created_at, m.source_name, f"schema {m.schema_version}",
                      f"{sum(m.row_counts.values())} rows", f"{m.audit_events} events",
                      m.audit_head[:16])
        # Every field may come from an edited file: one line, no escape sequences, no tabs.
        print("\t".join(one_line(field) for field in fields))
    return EXIT_OK


def cmd_restore(args) -> int:
    from app.backup.restoring import restore

    if not args.db:
        raise StoreError(_("Name the database to replace with --db PATH."))
    server = _server_for(args)
    if server is not None:
        return _restore_on_server(args, server)
    user, password = _user_and_password(args)
    aside = restore(Path(args.file), Path(args.db), user, password)
    if aside is None:
        print(_("Restored into {name}.").format(name=Path(args.db).name), file=sys.stderr)
    else:
        print(_("Restored. The previous database was kept in {folder}.").format(folder=aside),
              file=sys.stderr)
    return EXIT_OK


def _restore_on_server(args, server) -> int:
    from app.backup.server_restore import restore

    user, password = _user_and_password(args)
    missing = restore(Path(args.file), server, user, password)
    print(_("Restored into {name}.").format(name=server.name), file=sys.stderr)
    if missing:
        print(_("These accounts have no login on this server yet; an administrator resets "
                "their passwords: {names}").format(names=", ".join(missing)), file=sys.stderr)
    return EXIT_OK


def register(sub, common, with_session) -> None:
    p = sub.add_parser("backup", parents=[common],
                       help=_("take a backup (--to DIR), or verify, list, restore"))
    p.add_argument("--to", help=_("the folder to write the backup to"))
    p.add_argument("--keep", help=_("prune: keep the last D daily, W weekly, M monthly "
                                    "backups, as D,W,M (for example 7,4,12)"))
    p.set_defaults(func=lambda args: cmd_backup(args, with_session))
    actions = p.add_subparsers(dest="backup_command", metavar="ACTION")
    scripted = argparse.ArgumentParser(add_help=False)
    scripted.add_argument("--user", help=_("a user of the backed-up database; to restore, "
                                           "an administrator of the database replaced"))
    scripted.add_argument("--db", help=_("the database file, or the branch server's address "
                                         "postgresql://HOST[:PORT]/DBNAME (or CUSTOS_DB)"))
    scripted.add_argument("--ca", metavar="FILE",
                          help=_("the CA file that signed the branch server's certificate "
                                 "(given once; remembered on this PC)"))
    v = actions.add_parser("verify", parents=[scripted], help=_("the restore test"))
    v.add_argument("file")
    v.add_argument("--key-file", metavar="FILE",
                   help=_("the backup credential (or CUSTOS_BACKUP_KEY), instead of a user"))
    v.set_defaults(action=cmd_verify, with_session=with_session)
    ls = actions.add_parser("list", help=_("backups in a folder, newest first"))
    ls.add_argument("dir")
    ls.set_defaults(action=cmd_list)
    r = actions.add_parser("restore", parents=[scripted],
                           help=_("replace the database by a verified backup"))
    r.add_argument("file")
    r.set_defaults(action=cmd_restore)
    from app.backup import record_commands

    record_commands.register(actions, common, with_session)


def cmd_keys_rotate(session, args) -> int:
    from app.keys import rotate_key

    rotate_key(session)
    print(_("The database key was rotated; old copies of the key ring no longer open it."),
          file=sys.stderr)
    if os.environ.get("CUSTOS_RECOVERY_CODE"):  # the customer-data keys as well
        return cmd_keys_rotate_data(session, args)
    return EXIT_OK


def cmd_keys_recovery(session, args) -> int:
    from app.keys import replace_recovery_code

    current = os.environ.get("CUSTOS_RECOVERY_CODE")
    code = replace_recovery_code(session, current)
    print(_("New recovery code (shown once; the old one no longer works):"), file=sys.stderr)
    print(code)
    if current is None:
        print(_("Without the current code (CUSTOS_RECOVERY_CODE) the new one holds no "
                "customer-data key: only counter staff and managers hold them now."),
              file=sys.stderr)
    return EXIT_OK


def cmd_keys_rotate_data(session, args) -> int:
    from app.cli import _secret
    from app.keys import rotate_data_keys

    code = _secret("CUSTOS_RECOVERY_CODE", _("Recovery code: "))

    def progress(done: int, total: int) -> None:
        print(_("Re-sealing: {done} of {total} records").format(done=done, total=total),
              file=sys.stderr)

    target = rotate_data_keys(session, code, progress)
    print(_("The customer-data keys were rotated (generation {generations}); old copies of "
            "the key ring open nothing written since.").format(
        generations=", ".join(f"{d} {g}" for d, g in sorted(target.items()))),
        file=sys.stderr)
    return EXIT_OK


def cmd_retention(session, args) -> int:
    from app.retention.service import run_retention

    report = run_retention(session, apply=args.apply)
    for category, count in report.counts.items():
        print(f"{category}\t{count}\tbefore {report.cutoffs[category]}")
    for number in report.held:
        print(f"held\t{number}")
    if not args.apply:
        print(_("Dry run: nothing was changed. Add --apply to apply it."), file=sys.stderr)
    return EXIT_OK


def register_operations(sub, common, with_session) -> None:
    keys = sub.add_parser("keys", help=_("the database key and the recovery code"))
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = actions.add_parser("rotate", parents=[common],
                           help=_("re-encrypt under a new key (with CUSTOS_RECOVERY_CODE set, "
                                  "the customer-data keys too)"))
    p.set_defaults(func=with_session(cmd_keys_rotate))
    p = actions.add_parser("rotate-data", parents=[common],
                           help=_("new customer-data keys, every field re-sealed (asks the "
                                  "recovery code: CUSTOS_RECOVERY_CODE or a prompt)"))
    p.set_defaults(func=with_session(cmd_keys_rotate_data))
    p = actions.add_parser("recovery-code", parents=[common],
                           help=_("replace the recovery code"))
    p.set_defaults(func=with_session(cmd_keys_recovery))
    p = sub.add_parser("retention", parents=[common],
                       help=_("apply the retention rules (a dry run unless --apply)"))
    p.add_argument("--apply", action="store_true")
    p.set_defaults(func=with_session(cmd_retention))
