"""`custos staff agreement|training|list|print|period`: staff confidentiality agreements
and training (regulation art. 15), from scripts."""

from __future__ import annotations

from pathlib import Path

from app.i18n import _

EXIT_OK = 0


def cmd_staff_agreement(session, args) -> int:
    from app.compliance.staff import record_agreement

    record_agreement(session, args.user_name, args.signed, Path(args.document))
    return EXIT_OK


def cmd_staff_training(session, args) -> int:
    from app.compliance.staff import record_training

    print(record_training(session, args.date, args.topic, args.attendees))
    return EXIT_OK


def cmd_staff_list(session, args) -> int:
    """One line per account. The words none, never and due are a contract scripts read:
    they stay English in every language, like the dates."""
    from app.compliance.staff import list_staff

    for line in list_staff(session):
        print("\t".join((line.username, line.display_name, ",".join(line.roles),
                         line.agreement_on or "none", line.last_training or "never",
                         "due" if line.overdue else "", "disabled" if line.disabled else ""))
              .rstrip("\t"))
    return EXIT_OK


def cmd_staff_print(session, args) -> int:
    from app.compliance.staff_register import register_pdf
    from app.i18n import current_language
    from app.store.atomic import write_atomic

    write_atomic(Path(args.out), register_pdf(session, current_language()))
    return EXIT_OK


def cmd_staff_period(session, args) -> int:
    from app.settings import set_training_months

    set_training_months(session, args.months)
    return EXIT_OK


def register(sub, common, with_session) -> None:
    group = sub.add_parser("staff", help=_("staff confidentiality agreements and training")
                           ).add_subparsers(dest="staff_command", metavar="ACTION",
                                            required=True)
    p = group.add_parser("agreement", parents=[common],
                         help=_("record the confidentiality agreement an account signed"))
    p.add_argument("user_name", metavar="USER")
    p.add_argument("--signed", required=True, help="YYYY-MM-DD")
    p.add_argument("--document", required=True, metavar="FILE",
                   help=_("the signed agreement (its SHA-256 is kept, not the file)"))
    p.set_defaults(func=with_session(cmd_staff_agreement))
    p = group.add_parser("training", parents=[common], help=_("record a training session"))
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--topic", required=True)
    p.add_argument("--attendees", required=True, metavar="USER,USER",
                   help=_("the accounts of those who attended, separated by commas"))
    p.set_defaults(func=with_session(cmd_staff_training))
    p = group.add_parser("list", parents=[common], help=_(
        "every account: its agreement, its last training, and whether training is due"))
    p.set_defaults(func=with_session(cmd_staff_list))
    p = group.add_parser("print", parents=[common],
                         help=_("the staff register as a PDF, in the language of --lang"))
    p.add_argument("--out", required=True, help=_("FILE.pdf"))
    p.set_defaults(func=with_session(cmd_staff_print))
    p = group.add_parser("period", parents=[common],
                         help=_("months after which a person's training falls due again"))
    p.add_argument("months", type=int)
    p.set_defaults(func=with_session(cmd_staff_period))
