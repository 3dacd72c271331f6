"""`custos file ...`: the archive room from scripts — find, borrow, return, overdue."""

from __future__ import annotations

import sys

from app.i18n import _

EXIT_OK = 0


def cmd_find(session, args) -> int:
    from app.archive.registry import find_files

    for f in find_files(session, args.query):
        print("\t".join((f.file_no, f.kind, f.customer_no or "", f.customer_name or "",
                         f.location, f.status, f.on_loan_to or "", f.due_date or "")))
    return EXIT_OK


def cmd_borrow(session, args) -> int:
    from app.archive.loans import lend

    loan_id = lend(session, args.file_no, args.to, args.purpose, due_date=args.due,
                   external=args.external)
    print(loan_id)
    from app.archive.registry import get_file

    if get_file(session, args.file_no).status != "on_loan":
        print(_("The loan waits for a manager's approval."), file=sys.stderr)
    return EXIT_OK


def cmd_return(session, args) -> int:
    from app.archive.loans import return_file

    return_file(session, args.file_no, args.condition, note=args.note)
    return EXIT_OK


def cmd_overdue(session, args) -> int:
    from app.archive.loan_history import overdue

    for loan in overdue(session):
        print("\t".join((loan.file_no, loan.borrower, loan.due_date, str(loan.days_overdue))))
    return EXIT_OK


def register(sub, common, with_session) -> None:
    files = sub.add_parser("file", help=_("paper files in the archive room")).add_subparsers(
        dest="file_command", metavar="ACTION", required=True)
    p = files.add_parser("find", parents=[common],
                         help=_("by file number (barcode), customer number, box or name"))
    p.add_argument("query")
    p.set_defaults(func=with_session(cmd_find))
    p = files.add_parser("borrow", parents=[common], help=_("lend a file"))
    p.add_argument("file_no")
    p.add_argument("--to", required=True, help=_("a staff username, or a name with --external"))
    p.add_argument("--purpose", required=True)
    p.add_argument("--due", help="YYYY-MM-DD")
    p.add_argument("--external", action="store_true",
                   help=_("the borrower is outside the branch (needs approval)"))
    p.set_defaults(func=with_session(cmd_borrow))
    p = files.add_parser("return", parents=[common], help=_("take a file back"))
    p.add_argument("file_no")
    p.add_argument("--condition", required=True, choices=["intact", "damaged", "incomplete"])
    p.add_argument("--note", default="")
    p.set_defaults(func=with_session(cmd_return))
    p = files.add_parser("overdue", parents=[common], help=_("loans past their due date"))
    p.set_defaults(func=with_session(cmd_overdue))
