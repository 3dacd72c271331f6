"""`custos partner ...`, `custos disclose ...` and `custos bulk-export ...`: the register of
external recipients, disclosures to them, and approvals of bulk exports, from scripts."""

from __future__ import annotations

from pathlib import Path

from app.i18n import _

EXIT_OK = 0


def cmd_partner_add(session, args) -> int:
    from app.compliance.partners import add_partner

    add_partner(session, args.name, args.purpose, Path(args.agreement), args.valid_from,
                args.valid_until, purpose_en=args.purpose_en, scope=args.scope,
                items=args.items)
    return EXIT_OK


def cmd_partner_agreement(session, args) -> int:
    from app.compliance.partners import record_agreement

    record_agreement(session, args.name, Path(args.agreement), args.valid_from,
                     args.valid_until, scope=args.scope)
    return EXIT_OK


def cmd_partner_check(session, args) -> int:
    from app.compliance.partners import record_check

    record_check(session, args.name, args.finding, args.date or "")
    return EXIT_OK


def cmd_partner_list(session, args) -> int:
    from app.compliance.partners import list_partners

    for v in list_partners(session):
        state = _("in force") if v.in_force else _("NOT IN FORCE")
        print("\t".join((v.name, state, f"{v.valid_from}..{v.valid_until}", v.purpose,
                         ",".join(v.items), v.sha256[:16], v.last_check_on or "-",
                         str(v.disclosures))))
    return EXIT_OK


def cmd_partner_print(session, args) -> int:
    from app.compliance.partner_register import register_pdf
    from app.i18n import current_language
    from app.store.atomic import write_atomic

    write_atomic(Path(args.out), register_pdf(session, current_language()))
    return EXIT_OK


def cmd_disclose(session, args) -> int:
    from app.compliance.disclosures import disclose

    print(disclose(session, args.customer_no, args.partner, args.purpose,
                   legal_basis=args.legal_basis or "", items=args.items))
    return EXIT_OK


def cmd_export_request(session, args) -> int:
    from app.compliance.export_approvals import request_export

    print(request_export(session, args.kind, args.reason, rows=args.rows))
    return EXIT_OK


def cmd_export_approve(session, args) -> int:
    from app.compliance.export_approvals import approve_export

    approve_export(session, args.number, note=args.note)
    return EXIT_OK


def cmd_export_decline(session, args) -> int:
    from app.compliance.export_approvals import decline_export

    decline_export(session, args.number, args.note)
    return EXIT_OK


def cmd_export_list(session, args) -> int:
    from app.compliance.export_approvals import list_approvals

    for a in list_approvals(session):
        print("\t".join((str(a.number), a.kind, a.state, a.requested_by, a.requested_at[:16],
                         a.decided_by or "-", str(a.rows_expected),
                         "" if a.rows_written is None else str(a.rows_written), a.reason)))
    return EXIT_OK


def cmd_export_marketing(session, args) -> int:
    from app.rights.marketing import export_marketing_contacts

    count = export_marketing_contacts(session, Path(args.out))
    print(_("{count} customers written to {file}.").format(count=count, file=args.out))
    return EXIT_OK


def cmd_export_limit(session, args) -> int:
    from app.compliance.export_approvals import set_export_limit

    set_export_limit(session, args.rows)
    return EXIT_OK


def _partner(sub, common, with_session) -> None:
    group = sub.add_parser("partner", help=_("external recipients of customer data")
                           ).add_subparsers(dest="partner_command", metavar="ACTION",
                                            required=True)
    p = group.add_parser("add", parents=[common], help=_("register a partner and its agreement"))
    p.add_argument("name")
    p.add_argument("--purpose", required=True, help=_("why it receives data (in Chinese)"))
    p.add_argument("--purpose-en", default="", help=_("the same in English"))
    p.add_argument("--items", default="name,phone",
                   help=_("data items it receives: name,id_number,phone,address,email,"
                          "services,consumption,payments"))
    _agreement_args(p)
    p.set_defaults(func=with_session(cmd_partner_add))
    p = group.add_parser("agreement", parents=[common],
                         help=_("record a renewed or new agreement"))
    p.add_argument("name")
    _agreement_args(p)
    p.set_defaults(func=with_session(cmd_partner_agreement))
    p = group.add_parser("check", parents=[common], help=_("record a supervision check"))
    p.add_argument("name")
    p.add_argument("--finding", required=True)
    p.add_argument("--date", help=_("YYYY-MM-DD (today if left out)"))
    p.set_defaults(func=with_session(cmd_partner_check))
    p = group.add_parser("list", parents=[common],
                         help=_("partners, their agreements and last checks"))
    p.set_defaults(func=with_session(cmd_partner_list))
    p = group.add_parser("print", parents=[common],
                         help=_("the register as a PDF, in the language of --lang"))
    p.add_argument("--out", required=True, help=_("FILE.pdf"))
    p.set_defaults(func=with_session(cmd_partner_print))


def _agreement_args(p) -> None:
    p.add_argument("--agreement", required=True, metavar="FILE",
                   help=_("the signed agreement (its SHA-256 is kept, not the file)"))
    p.add_argument("--from", dest="valid_from", required=True, help="YYYY-MM-DD")
    p.add_argument("--until", dest="valid_until", required=True, help="YYYY-MM-DD")
    p.add_argument("--scope", default="", help=_("the confidentiality clause's scope"))


def _export(sub, common, with_session) -> None:
    group = sub.add_parser("bulk-export", help=_("bulk exports of customer data and their "
                                            "approval")).add_subparsers(
        dest="bulk_command", metavar="ACTION", required=True)
    p = group.add_parser("request", parents=[common], help=_("ask a manager to approve an export"))
    p.add_argument("kind", choices=["marketing", "audit", "search"])
    p.add_argument("--reason", required=True)
    p.add_argument("--rows", type=int, default=0, help=_("how many rows, as far as known"))
    p.set_defaults(func=with_session(cmd_export_request))
    p = group.add_parser("approve", parents=[common], help=_("approve an export (a manager)"))
    p.add_argument("number", type=int)
    p.add_argument("--note", default="")
    p.set_defaults(func=with_session(cmd_export_approve))
    p = group.add_parser("decline", parents=[common], help=_("decline an export (a manager)"))
    p.add_argument("number", type=int)
    p.add_argument("--note", required=True)
    p.set_defaults(func=with_session(cmd_export_decline))
    p = group.add_parser("list", parents=[common], help=_("export approvals, newest first"))
    p.set_defaults(func=with_session(cmd_export_list))
    p = group.add_parser("marketing", parents=[common],
                         help=_("write the marketing contact list (needs an approval)"))
    p.add_argument("--out", required=True, help=_("FILE.xlsx"))
    p.set_defaults(func=with_session(cmd_export_marketing))
    p = group.add_parser("limit", parents=[common],
                         help=_("the size from which a list export needs approval"))
    p.add_argument("rows", type=int)
    p.set_defaults(func=with_session(cmd_export_limit))


def register(sub, common, with_session) -> None:
    _partner(sub, common, with_session)
    p = sub.add_parser("disclose", parents=[common],
                       help=_("record a disclosure of a customer's data to a partner"))
    p.add_argument("customer_no")
    p.add_argument("--partner", required=True)
    p.add_argument("--purpose", required=True)
    p.add_argument("--legal-basis", default="",
                   help=_("the legal basis, when the customer has not consented (a manager)"))
    p.add_argument("--items", default=None, help=_("data items (the partner's if left out)"))
    p.set_defaults(func=with_session(cmd_disclose))
    _export(sub, common, with_session)
