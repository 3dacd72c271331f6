"""`custos breach add|list|notify|close`: the breach register from scripts.

`add` by a manager records an incident they handle; by counter staff it reports a suspected
one (a manager takes it over). `list` prints one tab-separated line per incident.
"""

from __future__ import annotations

from app.i18n import _

EXIT_OK = 0


def cmd_add(session, args) -> int:
    from app.compliance.breaches import record_breach, report_incident
    from app.security.roles import Permission

    add = record_breach if session.can(Permission.COMPLIANCE) else report_incident
    print(add(session, args.detected, args.summary, args.customers or ""))
    return EXIT_OK


def cmd_list(session, args) -> int:
    from app import clock
    from app.compliance.breach_deadlines import deadlines
    from app.compliance.breaches import list_breaches

    now, warn = clock.now_utc(), deadlines(session).warn_hours
    for b in list_breaches(session, open_only=args.open):
        regulator = clock.local_text(b.regulator_notified) or "-"
        print("\t".join((str(b.number), clock.local_text(b.detected_at), b.state,
                         b.handler or "-", f"{b.customers_notified}/{b.customers}",
                         regulator, clock.local_text(b.next_due) or "-",
                         b.urgency(now, warn) or "-", b.summary)))
    return EXIT_OK


def cmd_notify(session, args) -> int:
    from app.compliance.breach_notices import notify

    for path in notify(session, args.number, args.to, args.out):
        print(path)
    return EXIT_OK


def cmd_close(session, args) -> int:
    from app.compliance.breaches import close_breach

    close_breach(session, args.number, args.reason)
    return EXIT_OK


def register(sub, common, with_session) -> None:
    top = sub.add_parser("breach", help=_("the register of personal-data breaches"))
    cmds = top.add_subparsers(dest="breach_command", metavar="ACTION", required=True)
    p = cmds.add_parser("add", parents=[common],
                        help=_("record a breach (counter staff: report a suspected one)"))
    p.add_argument("--detected", required=True, metavar="YYYY-MM-DD HH:MM",
                   help=_("when it was detected, local time"))
    p.add_argument("--summary", required=True, help=_("what happened, in a line"))
    p.add_argument("--customers", metavar="NO,NO…",
                   help=_("the affected customers' numbers, comma-separated"))
    p.set_defaults(func=with_session(cmd_add))
    p = cmds.add_parser("list", parents=[common], help=_("list the register"))
    p.add_argument("--open", action="store_true", help=_("only incidents still open"))
    p.set_defaults(func=with_session(cmd_list))
    p = cmds.add_parser("notify", parents=[common],
                        help=_("write the notification letters (PDF) and record them as sent"))
    p.add_argument("number", type=int, metavar="N")
    p.add_argument("--to", required=True, choices=["regulator", "customers"])
    p.add_argument("--out", required=True, metavar="DIR", help=_("the folder for the letters"))
    p.set_defaults(func=with_session(cmd_notify))
    p = cmds.add_parser("close", parents=[common], help=_("close an incident"))
    p.add_argument("number", type=int, metavar="N")
    p.add_argument("--reason", required=True,
                   help=_("the closing note; with notifications outstanding, why none is "
                          "required"))
    p.set_defaults(func=with_session(cmd_close))
