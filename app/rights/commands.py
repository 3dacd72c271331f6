"""`custos request|export|erase ...`: rights requests and their answers from scripts.

A copy of a customer's data goes: `request prepare` (counter or manager) → `request pages`
(a manager looks at it) → `request release` (that manager) → `export access-copy|portability`
(writes the released bytes; each export is an audit event).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.errors import Conflict, ValidationError
from app.i18n import LANGUAGES, _
from app.store.atomic import write_atomic

EXIT_OK = 0
OLD_SPELLINGS = {"zh": "zh_CN"}  # the copy language's values before --copy-lang


def language_value(text: str) -> str:
    """A language on the command line: zh_CN or en everywhere (zh, an old spelling, is read
    as zh_CN)."""
    value = OLD_SPELLINGS.get(text, text)
    if value not in LANGUAGES:
        raise argparse.ArgumentTypeError(_("choose zh_CN or en"))
    return value


def _copy_lang(p, note: str, *old_names: str, **kw) -> None:
    """--copy-lang: the customer's language, of the answers and copies (one name and one set
    of values for that meaning; --lang is the interface's). `note`: its old spelling."""
    p.add_argument("--copy-lang", *old_names, dest="copy_lang", type=language_value,
                   metavar="zh_CN|en",
                   help=_("the customer's language: of the answers and copies (zh, the old value, "
                          "is read as zh_CN). {note}")
                   .format(note=note), **kw)


def _request_for(session, customer_no: str, kind: str, given: str | None) -> str:
    """The request an export answers: the one named (the customer's own), or the customer's
    only open one of that kind."""
    from app.rights.requests import get_request, list_requests

    if given:
        if get_request(session, given).customer_no != customer_no.strip().upper():
            raise Conflict(_("Request {number} is not about customer {customer}.").format(
                number=given, customer=customer_no))
        return given
    open_ones = [r for r in list_requests(session, customer_no=customer_no) if r.kind == kind]
    if len(open_ones) != 1:
        raise Conflict(_("Customer {number} has {count} open requests of this kind; name one "
                         "with --request.").format(number=customer_no, count=len(open_ones)))
    return open_ones[0].request_no


def cmd_request_add(session, args) -> int:
    from app.rights.requests import take_request

    # The check was made at intake, as --identity-check says: the request starts verified.
    number = take_request(session, args.kind, args.customer_no, args.identity_check,
                          channel=args.channel, notes=args.notes, language=args.copy_lang,
                          verified=True)
    print(number)
    return EXIT_OK


def cmd_request_list(session, args) -> int:
    from app.rights.requests import list_requests

    for r in list_requests(session, open_only=True, overdue_only=args.overdue):
        print("\t".join((r.request_no, r.customer_no, r.kind, r.status, r.due_date,
                         "overdue" if r.overdue else "")))
    return EXIT_OK


def cmd_request_complete(session, args) -> int:
    from app.rights.requests import complete

    complete(session, args.request_no, outcome=args.outcome, late_reason=args.late_reason)
    return EXIT_OK


def cmd_request_refuse(session, args) -> int:
    from app.rights.requests import refuse

    refuse(session, args.request_no, args.reason, late_reason=args.late_reason)
    return EXIT_OK


def cmd_request_extend(session, args) -> int:
    from app.rights.requests import extend

    extend(session, args.request_no, args.days, args.reason, args.customer_told)
    return EXIT_OK


def cmd_request_prepare(session, args) -> int:
    """Counter staff or a manager prepare the copy; it stays in the database."""
    from app.rights.answers import prepare_access_copy, prepare_portability
    from app.rights.requests import get_request

    request = get_request(session, args.request_no)
    protect = args.pdf_password or args.password
    if request.kind == "access":
        # --lang here once meant the copy's language: still read so when --copy-lang is not
        # given (the deprecation the help text announces).
        prepared = prepare_access_copy(session, request.request_no,
                                       args.copy_lang or args.lang, protect=protect)
    elif request.kind == "portability":
        prepared = prepare_portability(session, request.request_no, protect=protect)
    else:
        raise Conflict(_("Request {number} is not a request for a copy of the data.").format(
            number=request.request_no))
    print(prepared.sha256)
    if prepared.password:
        print(_("Password (shown once; hand it over separately): {password}")
              .format(password=prepared.password), file=sys.stderr)
    print(_("Prepared for request {number}; a manager must look at its pages and release it "
            "before it is handed over.").format(number=request.request_no), file=sys.stderr)
    return EXIT_OK


def cmd_request_review(session, args) -> int:
    """A manager's review of an objection to profiling; writes the answer letter."""
    from app.rights.profiling import answer_profiling_objection

    write_atomic(Path(args.out), answer_profiling_objection(session, args.request_no,
                                                            args.note, args.copy_lang))
    print(args.out)
    return EXIT_OK


def cmd_notice(session, args) -> int:
    """The information notice; with --request it is that request's answer."""
    from app.rights.answers import information_notice

    write_atomic(Path(args.out), information_notice(session, args.copy_lang, args.request))
    print(args.out)
    return EXIT_OK


def cmd_request_pages(session, args) -> int:
    """A manager's look at the copy waiting for release: page images (or the files)."""
    from app.rights.copies import review_copy
    from app.rights.pages import write_pages

    copy = review_copy(session, args.request_no, args.checksum)
    for path in write_pages(copy.kind, copy.request_no, copy.data, copy.password,
                            Path(args.out)):
        print(path)
    print(copy.sha256, file=sys.stderr)
    return EXIT_OK


def cmd_request_release(session, args) -> int:
    from app.rights.requests import get_request, release_artefact

    pending = [a for a in get_request(session, args.request_no).artefacts
               if not a.released_at and a.kind in ("access_copy", "portability")]
    if args.checksum:
        pending = [a for a in pending if a.sha256 == args.checksum.strip().lower()]
    if not pending:
        raise Conflict(_("Request {number} has no prepared copy waiting for release.")
                       .format(number=args.request_no))
    release_artefact(session, args.request_no, pending[-1].sha256)
    print(pending[-1].sha256)
    return EXIT_OK


def _export(session, args, kind: str) -> int:
    """Writes the released copy (the hand-over is an audit event); nothing is prepared here."""
    from app.rights.copies import handover_copy

    if getattr(args, "copy_lang", None) or getattr(args, "pdf_password", False) \
            or getattr(args, "password", False):
        raise ValidationError(_("The language and the password are chosen when the copy is "
                                "prepared: custos request prepare REQUEST_NO."))
    number = _request_for(session, args.customer_no, kind, args.request)
    copy = handover_copy(session, number, how="exported")
    write_atomic(Path(args.out), copy.data)
    print(copy.sha256)
    return EXIT_OK


def cmd_access_copy(session, args) -> int:
    return _export(session, args, "access")


def cmd_portability(session, args) -> int:
    return _export(session, args, "portability")


def cmd_erase(session, args) -> int:
    from app.rights.erasure import erase_customer, erasure_plan
    from app.rights.requests import get_request

    if get_request(session, args.request).customer_no != args.customer_no.strip().upper():
        raise Conflict(_("Request {number} is not about customer {customer}.").format(
            number=args.request, customer=args.customer_no))
    plan = erasure_plan(session, args.request)
    for item in plan.erase:
        print(f"erase\t{item.count}\t{_(item.what)}")
    for item in plan.keep:
        print(f"keep\t{item.count}\t{_(item.what)}\t{_(item.rule)}\t{item.until}")
    if plan.blocked:
        raise Conflict(plan.blocked)
    if not args.confirm:
        print(_("Nothing was erased: add --confirm to erase."), file=sys.stderr)
        return 1
    erase_customer(session, args.request, confirm=True, late_reason=args.late_reason)
    print(_("Customer {number} was erased.").format(number=plan.customer_no), file=sys.stderr)
    return EXIT_OK


def register(sub, common, with_session) -> None:
    from app.rights.model import RequestKind

    kinds = [k.value for k in RequestKind]
    req = sub.add_parser("request", help=_("customers' rights requests")).add_subparsers(
        dest="request_command", metavar="ACTION", required=True)
    p = req.add_parser("add", parents=[common], help=_("take a request at the counter"))
    p.add_argument("kind", choices=kinds)
    p.add_argument("customer_no")
    p.add_argument("--identity-check", required=True,
                   help=_("how the customer's identity was verified"))
    p.add_argument("--channel", default="counter", choices=["counter", "phone", "online",
                                                             "letter"])
    p.add_argument("--notes", default="")
    _copy_lang(p, _("--customer-lang, its old name, is still accepted for a while."),
               "--customer-lang", default="zh_CN")
    p.set_defaults(func=with_session(cmd_request_add))
    p = req.add_parser("list", parents=[common], help=_("open requests, soonest due first"))
    p.add_argument("--overdue", action="store_true")
    p.set_defaults(func=with_session(cmd_request_list))
    for name, func, text in (("complete", cmd_request_complete, _("complete a request")),
                             ("refuse", cmd_request_refuse, _("refuse a request, with reason")),
                             ("extend", cmd_request_extend, _("extend the deadline once")),
                             ("release", cmd_request_release,
                              _("release the prepared copy"))):
        p = req.add_parser(name, parents=[common], help=text)
        p.add_argument("request_no")
        if name in ("complete", "refuse"):
            p.add_argument("--late-reason", default="")
        if name == "complete":
            p.add_argument("--outcome", default="")
        if name == "release":
            p.add_argument("--checksum", help=_("the copy to release, if not the latest"))
        if name in ("refuse", "extend"):
            p.add_argument("--reason", required=True)
        if name == "extend":
            p.add_argument("--days", type=int, required=True)
            p.add_argument("--customer-told", action="store_true")
        p.set_defaults(func=with_session(func))

    # On the copy commands --lang once meant the copy's language, with the values zh|en: it
    # is the interface's now, as everywhere, and still accepts zh.
    scripted = argparse.ArgumentParser(add_help=False)
    for action in common._actions:
        if action.dest in ("db", "ca", "user"):
            scripted._add_action(action)
    scripted.add_argument("--lang", type=language_value, metavar="zh_CN|en",
                          help=_("language of the interface"))
    p = req.add_parser("prepare", parents=[scripted],
                       help=_("prepare the copy of an access or portability request"))
    p.add_argument("request_no")
    _copy_lang(p, _("Without it, the request's. --lang, its old name here, is still read "
                    "as it for a while."))
    p.add_argument("--password", action="store_true",
                   help=_("protect the copy with a password, shown once (PDF or ZIP, AES-256)"))
    p.add_argument("--pdf-password", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=with_session(cmd_request_prepare))
    p = req.add_parser("review", parents=[common],
                       help=_("a manager's review of an objection to profiling, with its "
                              "answer letter"))
    p.add_argument("request_no")
    p.add_argument("--note", required=True, help=_("what you reviewed and found"))
    p.add_argument("--out", required=True, help=_("the answer letter (PDF)"))
    _copy_lang(p, _("Without it, the request's."))
    p.set_defaults(func=with_session(cmd_request_review))
    p = sub.add_parser("notice", parents=[common],
                       help=_("the information notice (PDF), from the processing register"))
    p.add_argument("--out", required=True)
    p.add_argument("--request", help=_("the information request it answers"))
    _copy_lang(p, "", default="zh_CN")
    p.set_defaults(func=with_session(cmd_notice))
    p = req.add_parser("pages", parents=[common],
                       help=_("a manager's look at the copy waiting for release"))
    p.add_argument("request_no")
    p.add_argument("--out", required=True, help=_("folder for the page images"))
    p.add_argument("--checksum", help=_("the copy to show, if not the latest"))
    p.set_defaults(func=with_session(cmd_request_pages))
    exp = sub.add_parser("export", help=_("copies for the customer")).add_subparsers(
        dest="export_command", metavar="WHAT", required=True)
    p = exp.add_parser("access-copy", parents=[scripted], help=_("the data-access copy (PDF)"))
    p.add_argument("customer_no")
    p.add_argument("--out", required=True)
    # Chosen at `request prepare` now; still accepted here, to answer with that sentence.
    p.add_argument("--copy-lang", dest="copy_lang", type=language_value,
                   help=argparse.SUPPRESS)
    p.add_argument("--pdf-password", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--request")
    p.set_defaults(func=with_session(cmd_access_copy))
    p = exp.add_parser("portability", parents=[scripted], help=_("portable data (ZIP)"))
    p.add_argument("customer_no")
    p.add_argument("--out", required=True)
    p.add_argument("--password", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--request")
    p.set_defaults(func=with_session(cmd_portability))

    p = sub.add_parser("erase", parents=[common], help=_("erase a customer (irreversible)"))
    p.add_argument("customer_no")
    p.add_argument("--request", required=True)
    p.add_argument("--confirm", action="store_true")
    p.add_argument("--late-reason", default="")
    p.set_defaults(func=with_session(cmd_erase))
