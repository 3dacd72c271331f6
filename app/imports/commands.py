"""`custos import customers|services|consumption|cases FILE`: exit 1 if any row was rejected."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.errors import ValidationError
from app.i18n import _


def cmd_import(session, args) -> int:
    from app.imports.kinds import mapping_by_header
    from app.imports.reader import read_sheet
    from app.imports.run import run_import

    mapping = None
    if args.mapping:
        try:
            by_name = json.loads(Path(args.mapping).read_text("utf-8"))
        except (OSError, ValueError, RecursionError):
            raise ValidationError(_("The mapping file {name} is not readable JSON.").format(
                name=Path(args.mapping).name), field="mapping") from None
        headers = read_sheet(Path(args.file), set()).headers
        mapping = mapping_by_header(args.kind, by_name, headers, Path(args.mapping).name)
    result = run_import(session, args.kind, Path(args.file), mapping=mapping,
                        all_or_nothing=args.all_or_nothing)
    print(_("{read} rows read, {imported} imported, {present} already present, {rejected} "
            "rejected ({rate} rows/s).").format(read=result.read, imported=result.imported,
                                                present=result.already_present,
                                                rejected=len(result.rejected),
                                                rate=int(result.rows_per_second)))
    if result.rejected:
        print(str(result.error_book), file=sys.stderr)
        return 1
    return 0


def register(sub, common, with_session) -> None:
    p = sub.add_parser("import", parents=[common], help=_("import a spreadsheet (XLSX or CSV)"))
    p.add_argument("kind", choices=["customers", "services", "consumption", "cases"])
    p.add_argument("file")
    p.add_argument("--mapping", help=_("JSON: field -> column header"))
    p.add_argument("--all-or-nothing", action="store_true",
                   help=_("import nothing if any row is rejected"))
    p.set_defaults(func=with_session(cmd_import))
