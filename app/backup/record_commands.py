"""`custos backup run | credential | destination | limits`: backups on record (regulation
art. 8) from scripts and the operating system's scheduler."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.i18n import _

EXIT_OK, EXIT_FAILED = 0, 1


def unattended_or_login(args, action) -> int:
    """Run `action(session, args)` through the backup credential (--key-file) or as the
    user named (password from CUSTOS_PASSWORD or a prompt)."""
    from app.backup.unattended import close_unattended, open_unattended

    key_file = args.key_file or os.environ.get("CUSTOS_BACKUP_KEY")
    if not key_file:
        return args.with_session(action)(args)
    from app.cli import _db

    session = open_unattended(_db(args), Path(key_file))
    try:
        return action(session, args)
    finally:
        close_unattended(session)


def cmd_run(session, args) -> int:
    from app.backup.unattended import run_scheduled

    result = run_scheduled(session)
    for r in result.backups:
        if r.ok:
            print(r.backup)
        else:
            print(_("{folder}: {problem}").format(folder=r.folder, problem=r.problem),
                  file=sys.stderr)
    if result.verified is not None:
        print(result.verified.sentence,
              file=sys.stdout if result.verified.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_credential(session, args) -> int:
    from app.backup.unattended import make_credential, revoke_credential

    if args.revoke:
        done = revoke_credential(session)
        print(_("The backup credential was revoked.") if done
              else _("There was no backup credential."), file=sys.stderr)
        return EXIT_OK
    if not args.out:
        from app.cli import Refused

        raise Refused(_("Say where to write the credential with --out FILE."))
    path = make_credential(session, Path(args.out))
    print(_("Backup credential written to {file}; only its owner may read it. An earlier "
            "credential no longer works.").format(file=path), file=sys.stderr)
    return EXIT_OK


def cmd_destination(session, args) -> int:
    from app.backup import offsite
    from app.backup.schedule import add_destination, load_schedule, remove_destination

    if args.dest_action == "add":
        add_destination(session, args.folder)
        offsite.mark(session, args.folder, args.off_site)
    elif args.dest_action == "remove":
        remove_destination(session, args.folder)
        offsite.mark(session, args.folder, False)
    elif args.dest_action == "mark":
        offsite.mark(session, args.folder, args.off_site)
    with session.db.read() as conn:
        marked = offsite.read(conn).offsite
    for folder in load_schedule(session.db).destinations:
        print(f"{folder}\t{'off-site' if folder in marked else 'on-site'}")
    return EXIT_OK


def cmd_limits(session, args) -> int:
    from app.backup import offsite

    with session.db.read() as conn:
        now = offsite.read(conn)
    if args.off_site_days is not None or args.restore_test_days is not None:
        offsite.set_limits(
            session, now.offsite_max_days if args.off_site_days is None else args.off_site_days,
            now.restore_test_max_days if args.restore_test_days is None
            else args.restore_test_days)
        with session.db.read() as conn:
            now = offsite.read(conn)
    print(f"off-site-days\t{now.offsite_max_days}")
    print(f"restore-test-days\t{now.restore_test_max_days}")
    print(f"last-off-site\t{now.last_offsite.isoformat() if now.last_offsite else '-'}"
          f"\t{now.last_offsite_file}")
    print(f"last-restore-test\t"
          f"{now.last_restore_test.isoformat() if now.last_restore_test else '-'}"
          f"\t{now.last_restore_test_file}")
    return EXIT_OK


def _destination_parsers(actions, common, with_session) -> None:
    d = actions.add_parser("destination",
                           help=_("the backup folders, each on-site or off-site"))
    what = d.add_subparsers(dest="dest_action", metavar="ACTION", required=True)
    what.add_parser("list", parents=[common], help=_("the folders and their marks"))
    for name, text in (("add", _("add a folder")), ("mark", _("mark a folder")),
                       ("remove", _("remove a folder (its backups stay)"))):
        p = what.add_parser(name, parents=[common], help=text)
        p.add_argument("folder")
        if name != "remove":
            p.add_argument("--off-site", action="store_true",
                           help=_("the folder is off-site (a drive taken home, a share in "
                                  "another building); without it, on-site"))
    d.set_defaults(action=with_session(cmd_destination))


def register(actions, common, with_session) -> None:
    """Under `custos backup`: its further actions."""
    run = actions.add_parser("run", parents=[common],
                             help=_("the scheduled backup: every folder, then the weekly "
                                    "restore test when due"))
    run.add_argument("--key-file", metavar="FILE",
                     help=_("the backup credential (or CUSTOS_BACKUP_KEY); no password "
                            "needed"))
    run.set_defaults(action=lambda args: unattended_or_login(args, cmd_run),
                     with_session=with_session)
    c = actions.add_parser("credential", parents=[common],
                           help=_("make (--out FILE) or --revoke the backup-only credential "
                                  "for the operating system's scheduler"))
    c.add_argument("--out", metavar="FILE")
    c.add_argument("--revoke", action="store_true")
    c.set_defaults(action=with_session(cmd_credential))
    _destination_parsers(actions, common, with_session)
    lim = actions.add_parser("limits", parents=[common],
                             help=_("how old the last off-site copy and restore test may be "
                                    "(days), and when they were"))
    lim.add_argument("--off-site-days", type=int)
    lim.add_argument("--restore-test-days", type=int)
    lim.set_defaults(action=with_session(cmd_limits))
