"""Failing disks during export and import, and malformed workbooks: a clean sentence,
the live database untouched, and no partial output left looking complete."""

from __future__ import annotations

import errno
import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.compliance.export_approvals import set_export_limit
from app.customers.tables import customer
from app.errors import CustosError, StoreError
from app.exports.xlsx import export_list
from app.imports.run import run_import
from app.security.roles import Role


def test_export_on_a_full_disk_leaves_nothing(login, tmp_path, monkeypatch):
    counter = login(Role.COUNTER)
    set_export_limit(login(Role.MANAGER), 5000)  # 3,000 rows go without approval
    out = tmp_path / "out"
    out.mkdir()
    rows = [(f"C{i:09d}", "name", "110101********1234", "138****5678") for i in range(3000)]
    monkeypatch.setattr("app.store.atomic.os.fdopen",
                        lambda fd, mode: _Failing(fd))
    with pytest.raises(StoreError, match="No space left"):
        export_list(counter, "search", "Customers", ["a", "b", "c", "d"], rows, out / "x.xlsx")
    assert list(out.iterdir()) == []


class _Failing(io.RawIOBase):
    """A file that takes 1 KiB and then reports a full disk."""

    def __init__(self, fd: int) -> None:
        import os

        self.fd, self.n, self._os = fd, 0, os

    def write(self, data) -> int:
        self.n += len(data)
        if self.n > 1024:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self._os.write(self.fd, data)

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        self._os.close(self.fd)
        super().close()


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "证件号码", "手机号码"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", ["truncated zip", "wrong types", "huge cells", "formulas",
                                  "zip without a workbook"])
def test_malformed_workbooks_get_a_sentence_and_change_nothing(login, tmp_path, case):
    manager = login(Role.MANAGER)
    path = tmp_path / "bad.xlsx"
    good = _workbook([["张伟", "11010519491231002X", "13800138000"]])
    if case == "truncated zip":
        path.write_bytes(good[: len(good) // 2])
    elif case == "wrong types":
        path.write_bytes(_workbook([[12.5, True, None], [None, 3.14, "x"]]))
    elif case == "huge cells":
        path.write_bytes(_workbook([["名" * 30000, "1" * 30000, "9" * 30000]]))
    elif case == "formulas":
        path.write_bytes(_workbook([["=1+1", "=A1&B1", "=HYPERLINK(\"x\")"]]))
    else:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "not a workbook")
    try:
        result = run_import(manager, "customers", path)
    except CustosError as error:
        assert "\n" not in str(error) and str(error).endswith(".")
    else:
        assert result.imported == 0 and result.rejected
    with manager.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(customer)).scalar() == 0


def test_an_import_whose_error_workbook_cannot_be_written(login, tmp_path, monkeypatch):
    manager = login(Role.MANAGER)
    path = tmp_path / "rows.xlsx"
    path.write_bytes(_workbook([["坏数据", "110101199001011234", "13800138000"]]))
    monkeypatch.setattr("app.imports.run.write_atomic",
                        lambda *_a, **_k: (_ for _ in ()).throw(
                            OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(StoreError, match="nothing was imported"):
        run_import(manager, "customers", path)
    with manager.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(customer)).scalar() == 0
    assert not list(tmp_path.glob("*.errors.xlsx"))
