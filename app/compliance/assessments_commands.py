"""`custos pia list|add|approve|show`: impact assessments from scripts.

    custos pia list [--all]
    custos pia add ACTIVITY --purpose TEXT --necessity TEXT --items A,B,… \\
        --risks "DESCRIPTION|LIKELIHOOD|SEVERITY" [--risks …] --measures TEXT \\
        --conclusion TEXT [--date YYYY-MM-DD] [--review-by YYYY-MM-DD]
    custos pia approve N
    custos pia show N [--out FILE.pdf]
"""

from __future__ import annotations

from datetime import date

from app.errors import ValidationError
from app.i18n import _


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD."), field=field) from None


def cmd_list(session, args) -> int:
    from app.compliance.assessments import activity_standings, list_assessments

    if args.all:
        for a in list_assessments(session):
            print("\t".join((str(a.id), a.activity, str(a.version), a.assessed_on,
                             a.review_by, a.state(), a.approved_by or "")))
        return 0
    for s in activity_standings(session):
        shown = s.current or s.pending
        print("\t".join((s.activity, s.label, s.standing.label,
                         str(shown.id) if shown else "", shown.review_by if shown else "")))
    return 0


def cmd_add(session, args) -> int:
    from app.compliance.assessment_model import Draft, parse_risk, split_items
    from app.compliance.assessments import record_assessment

    items = tuple(i for text in args.items for i in split_items(text))
    made = record_assessment(session, Draft(
        args.activity, args.purpose, args.necessity, items,
        tuple(parse_risk(r) for r in args.risks), args.measures, args.conclusion,
        _day(args.date, "assessed_on"), _day(args.review_by, "review_by")))
    print(made.id)
    return 0


def cmd_approve(session, args) -> int:
    from app.compliance.assessments import approve_assessment

    done = approve_assessment(session, args.number)
    print(_("Impact assessment {number} approved; review by {day}.").format(
        number=done.id, day=done.review_by))
    return 0


def cmd_show(session, args) -> int:
    from app.compliance.assessments import get_assessment
    from app.compliance.assessments_pdf import assessment_pdf

    if args.out:
        assessment_pdf(session, args.number, args.out)
        print(args.out)
        return 0
    a = get_assessment(session, args.number)
    for name, value in ((_("Activity"), a.activity_label()), (_("Version"), a.version),
                        (_("State"), a.state()), (_("Assessed by"), a.assessed_by),
                        (_("Assessment date"), a.assessed_on),
                        (_("Approved by"), a.approved_by or ""), (_("Review by"), a.review_by),
                        (_("Purpose"), a.purpose), (_("Necessity"), a.necessity),
                        (_("Data items"), ", ".join(a.items)),
                        (_("Risks to customers"), "; ".join(
                            f"{r.text} ({r.level.label})" for r in a.risks)),
                        (_("Measures"), a.measures), (_("Conclusion"), a.conclusion)):
        print(f"{name}: {value}")
    return 0


def register(sub, common, with_session) -> None:
    pia = sub.add_parser("pia", help=_("impact assessments of processing activities")) \
        .add_subparsers(dest="pia_command", metavar="ACTION", required=True)
    p = pia.add_parser("list", parents=[common],
                       help=_("each activity of the register: is its assessment current?"))
    p.add_argument("--all", action="store_true", help=_("every version kept instead"))
    p.set_defaults(func=with_session(cmd_list))
    p = pia.add_parser("add", parents=[common], help=_("record an impact assessment"))
    p.add_argument("activity", metavar="ACTIVITY",
                   help=_("the register's activity (identity, services, …) or a new "
                          "activity's name"))
    p.add_argument("--purpose", required=True)
    p.add_argument("--necessity", required=True)
    p.add_argument("--items", required=True, action="append",
                   help=_("the data items, separated by commas"))
    p.add_argument("--risks", required=True, action="append", metavar="RISK|L|S",
                   help=_("a risk to customers, its likelihood and severity (low, medium, "
                          "high); once per risk"))
    p.add_argument("--measures", required=True)
    p.add_argument("--conclusion", required=True)
    p.add_argument("--date", help=_("the assessment date, YYYY-MM-DD (today by default)"))
    p.add_argument("--review-by", dest="review_by",
                   help=_("YYYY-MM-DD (a year after the assessment by default)"))
    p.set_defaults(func=with_session(cmd_add))
    p = pia.add_parser("approve", parents=[common],
                       help=_("approve an assessment (another manager than its assessor)"))
    p.add_argument("number", metavar="N")
    p.set_defaults(func=with_session(cmd_approve))
    p = pia.add_parser("show", parents=[common], help=_("show an assessment, or save it as PDF"))
    p.add_argument("number", metavar="N")
    p.add_argument("--out", metavar="FILE.pdf")
    p.set_defaults(func=with_session(cmd_show))
