"""`custos customer ...`: finding and showing customers from scripts, masked as on screen."""

from __future__ import annotations

import sys

from app.i18n import _

EXIT_OK = 0


def cmd_customer_find(session, args) -> int:
    from app.customers.search import find_customers, summaries

    result = find_customers(session, args.query, limit=args.limit)
    for row in summaries(session, result.ids):
        print("\t".join((row.customer_no, row.name, row.id_masked, row.phone_masked,
                         row.status + (",restricted" if row.restricted else ""))))
    if result.more:
        print(_("More customers match; refine the search."), file=sys.stderr)
    return EXIT_OK


def cmd_customer_show(session, args) -> int:
    import json

    from app.customers.model import Purpose
    from app.customers.records import open_customer, printable_record

    known = {p.value for p in Purpose}
    purpose, text = (args.purpose, "") if args.purpose in known else ("other", args.purpose)
    record = open_customer(session, args.customer_no, purpose, text)
    if args.json:
        print(json.dumps(printable_record(record), ensure_ascii=False, indent=1))
        return EXIT_OK
    ident = record.identity
    shown = printable_record(record)
    for label, value in ((_("Customer"), ident.customer_no), (_("Name"), ident.name),
                         (_("ID number"), ident.id_number), (_("Phone"), ident.phone),
                         (_("Email"), ident.email), (_("Address"), ident.address),
                         (_("Status"), ident.status + (" (restricted)" if ident.restricted
                                                       else ""))):
        print(f"{label}\t{value}")
    for svc in shown["services"]:
        print("\t".join((_("Service"), svc["service_no"], svc["kind"], svc["plan_code"],
                         svc["status"])))
    for case in record.cases:
        print(f"{_('Case')}\t{case.case_no}\t{case.kind}\t{case.status}\t{case.summary}")
    return EXIT_OK



def register(sub, common, with_session) -> None:
    cust = sub.add_parser("customer", help=_("customer records")).add_subparsers(
        dest="customer_command", metavar="ACTION", required=True)
    p = cust.add_parser("find", parents=[common], help=_("find customers (masked)"))
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=with_session(cmd_customer_find))
    p = cust.add_parser("show", parents=[common], help=_("open a customer record (masked)"))
    p.add_argument("customer_no")
    p.add_argument("--purpose", required=True,
                   help=_("counter_service, complaint_handling, rights_request, archive, "
                          "management_review, or your own words"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=with_session(cmd_customer_show))

