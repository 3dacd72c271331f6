"""`custos report NAME --period YYYY-MM --out FILE.pdf|.xlsx`."""

from __future__ import annotations

from pathlib import Path

from app.i18n import _


def cmd_report(session, args) -> int:
    from app.reports.service import write_report

    print(write_report(session, args.name, args.period, Path(args.out)))
    return 0


def register(sub, common, with_session) -> None:
    p = sub.add_parser("report", parents=[common], help=_("print a managers' report"))
    p.add_argument("name", choices=["cases", "requests", "archive", "access", "permissions",
                                           "compliance"])
    p.add_argument("--period", required=True, help="YYYY-MM")
    p.add_argument("--out", required=True, help=_("FILE.pdf or FILE.xlsx"))
    p.set_defaults(func=with_session(cmd_report))
