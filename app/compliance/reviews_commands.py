"""`custos review ...`: permission reviews from scripts — the schedule, start, decide, sign,
print, and the administrator's carrying out of the decisions."""

from __future__ import annotations

from pathlib import Path

from app.clock import local_text
from app.i18n import _

EXIT_OK = 0


def cmd_list(session, args) -> int:
    from app.compliance.reviews import list_reviews, schedule

    plan = schedule(session)
    print(_("Next review due: {date}").format(date=plan.due.isoformat()))
    for r in list_reviews(session):
        state = (_("signed {time} by {user}").format(time=local_text(r.signed_at),
                                                     user=r.signed_by)
                 if r.signed_at else _("open: {count} undecided").format(
                     count=len(r.undecided)))
        print("\t".join((str(r.id), local_text(r.started_at), r.started_by, state,
                         str(len(r.changes)))))
    return EXIT_OK


def cmd_start(session, args) -> int:
    from app.compliance.reviews import start_review

    print(start_review(session))
    return EXIT_OK


def cmd_decide(session, args) -> int:
    from app.compliance.reviews import decide

    roles = [r.strip() for r in args.roles.split(",") if r.strip()] if args.roles else None
    decision = "roles" if args.roles else "disable" if args.disable else "keep"
    decide(session, args.review, args.account, decision, args.note, roles=roles)
    return EXIT_OK


def cmd_sign(session, args) -> int:
    from app.compliance.reviews import sign

    review = sign(session, args.review)
    print(_("Review {number} signed: {changes} changes wait for an administrator.").format(
        number=review.id, changes=len(review.changes)))
    return EXIT_OK


def cmd_show(session, args) -> int:
    from app.compliance.reviews import review_details
    from app.compliance.reviews_pdf import write_review_pdf

    if args.out:
        print(write_review_pdf(session, args.review, Path(args.out)))
        return EXIT_OK
    for line in review_details(session, args.review).lines:
        print("\t".join((line.username, ",".join(line.roles), line.decision or "-",
                         ",".join(line.roles_after), line.note,
                         "own" if line.own_account else "", line.done_at or "")))
    return EXIT_OK


def cmd_tasks(session, args) -> int:
    from app.compliance.reviews import open_tasks

    for t in open_tasks(session):
        print("\t".join((str(t.review), t.username, t.decision, ",".join(t.roles_after),
                         t.note)))
    return EXIT_OK


def cmd_done(session, args) -> int:
    from app.compliance.reviews import carry_out

    carry_out(session, args.review, args.account)
    return EXIT_OK


def cmd_schedule(session, args) -> int:
    from app.compliance.reviews import set_every_months

    set_every_months(session, args.months)
    return EXIT_OK


def cmd_alert_list(session, args) -> int:
    from app.oversight.review import list_alerts

    for a in list_alerts(session, open_only=not args.all):
        print("\t".join((str(a.id), local_text(a.created_at), a.actor, a.rule, a.description,
                         a.acknowledged_by or "")))
    return EXIT_OK


def cmd_alert_ack(session, args) -> int:
    from app.oversight.review import acknowledge_alert

    acknowledge_alert(session, args.alert, args.note)
    return EXIT_OK


def register_alerts(sub, common, with_session) -> None:
    """`custos alert list|ack`: the rule on alerts about oneself holds here as in the GUI."""
    alert = sub.add_parser("alert", help=_("anomaly alerts")).add_subparsers(
        dest="alert_command", metavar="ACTION", required=True)
    p = alert.add_parser("list", parents=[common], help=_("alerts waiting for a manager"))
    p.add_argument("--all", action="store_true", help=_("acknowledged ones too"))
    p.set_defaults(func=with_session(cmd_alert_list))
    p = alert.add_parser("ack", parents=[common],
                         help=_("acknowledge an alert with what you found"))
    p.add_argument("alert", type=int)
    p.add_argument("--note", required=True)
    p.set_defaults(func=with_session(cmd_alert_ack))


def register(sub, common, with_session) -> None:
    register_alerts(sub, common, with_session)
    review = sub.add_parser("review", help=_("permission reviews")).add_subparsers(
        dest="review_command", metavar="ACTION", required=True)
    simple = (("list", cmd_list, _("the reviews and when the next is due")),
              ("start", cmd_start, _("start a permission review (a manager)")),
              ("tasks", cmd_tasks, _("decisions waiting for an administrator")))
    for name, func, text in simple:
        review.add_parser(name, parents=[common], help=text).set_defaults(
            func=with_session(func))
    p = review.add_parser("decide", parents=[common],
                          help=_("record the decision on one account"))
    p.add_argument("review", type=int)
    p.add_argument("account", metavar="USER")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", action="store_true")
    choice.add_argument("--roles", metavar="ROLE,ROLE",
                        help=_("the roles the account keeps: counter, archive, manager, admin"))
    choice.add_argument("--disable", action="store_true")
    p.add_argument("--note", required=True)
    p.set_defaults(func=with_session(cmd_decide))
    for name, func, text in (("sign", cmd_sign, _("sign off a review (every account "
                                                  "decided)")),
                             ("show", cmd_show, _("the decisions, or the review as PDF"))):
        p = review.add_parser(name, parents=[common], help=text)
        p.add_argument("review", type=int)
        if name == "show":
            p.add_argument("--out", help="FILE.pdf")
        p.set_defaults(func=with_session(func))
    p = review.add_parser("done", parents=[common],
                          help=_("carry out a signed decision (an administrator)"))
    p.add_argument("review", type=int)
    p.add_argument("account", metavar="USER")
    p.set_defaults(func=with_session(cmd_done))
    p = review.add_parser("schedule", parents=[common],
                          help=_("how many months apart reviews fall due"))
    p.add_argument("--months", type=int, required=True)
    p.set_defaults(func=with_session(cmd_schedule))
