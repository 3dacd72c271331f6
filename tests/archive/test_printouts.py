"""The archive's PDFs: each one builds, says what it should (in Chinese too), embeds every
font, and is an audit event."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest

from app import i18n
from app.archive import destruction, loans, printouts, registry
from app.errors import NotFound, PermissionDenied, ValidationError


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _fonts_embedded(path) -> list[tuple[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    # name type encoding emb sub uni object ID: 'emb' is the fifth column from the end
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def _check(path) -> str:
    fonts = _fonts_embedded(path)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    return _text(path)


@pytest.fixture
def world(archive, manager, paper):
    """Files in a box, one lent, an expired pair destroyed on record."""
    numbers = [paper(box="B-7", received_on="2024-05-01") for _ in range(3)]
    loan_id = loans.lend(archive, numbers[0], "counter", "核对合同签名")
    old = [paper(box="B-0", received_on="2017-04-01") for _ in range(2)]
    batch = destruction.propose_destruction(archive, old)
    destruction.approve_destruction(manager, batch, "保存期满")
    destruction.record_destruction(archive, batch, "outsourced", "2025-03-03", "李华", "赵敏",
                                   certificate_no="XH-0042")
    return {"numbers": numbers, "loan_id": loan_id, "batch": batch, "old": old}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_printout(archive, world, tmp_path, language, actions):
    i18n.set_language(language)
    name = registry.get_file(archive, world["numbers"][0]).customer_name
    labels = tmp_path / "labels.pdf"
    printouts.label_sheet_pdf(archive, world["numbers"] * 9, labels)  # duplicates printed once
    text = _check(labels)
    assert all(n in text for n in world["numbers"])
    box = tmp_path / "box.pdf"
    printouts.box_list_pdf(archive, "b-7", box)
    text = _check(box)
    assert all(n in text for n in world["numbers"]) and name in text and "B-7" in text
    slip = tmp_path / "slip.pdf"
    printouts.borrow_slip_pdf(archive, world["loan_id"], slip)
    text = _check(slip)
    assert world["numbers"][0] in text and name in text and "核对合同签名" in text
    record = tmp_path / "record.pdf"
    printouts.destruction_record_pdf(archive, world["batch"].lower(), record)
    text = _check(record)
    assert world["batch"] in text and all(n in text for n in world["old"])
    assert "李华" in text and "XH-0042" in text
    assert name not in text  # customers by number only on a record kept for good
    if language == "zh_CN":
        for path in (labels, box, slip, record):
            assert "营业厅" in _text(path)  # the default branch name, translated
    assert [a for a in actions(archive) if a.endswith("_printed")] == [
        "file.label_printed", "file.box_list_printed", "loan.slip_printed",
        "destruction.record_printed"]


def test_label_sheet_holds_24_a_page(archive, tmp_path):
    numbers = registry.register_batch(archive, [{"kind": "other", "box": "L"}] * 25)
    out = BytesIO()
    data = printouts.label_sheet_pdf(archive, numbers, out)
    assert out.getvalue() == data and data.startswith(b"%PDF")
    path = tmp_path / "labels.pdf"
    path.write_bytes(data)
    pages = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(path), "-"],
                            check=True, capture_output=True, text=True).stdout
             for p in (1, 2)]
    assert [sum(n in page for n in numbers) for page in pages] == [24, 1]
    assert numbers[24] in pages[1]


def test_printouts_refuse_bad_input_and_write_nothing(archive, tmp_path, snapshot):
    before = snapshot(archive)
    out = tmp_path / "x.pdf"
    with pytest.raises(ValidationError):
        printouts.label_sheet_pdf(archive, [], out)
    with pytest.raises(NotFound, match="No paper file has the number PF0"):
        printouts.label_sheet_pdf(archive, ["PF0"], out)
    with pytest.raises(NotFound, match="There are no files in box EMPTY."):
        printouts.box_list_pdf(archive, "empty", out)
    with pytest.raises(NotFound):
        printouts.borrow_slip_pdf(archive, 12345, out)
    with pytest.raises(NotFound, match="There is no destruction batch DS1."):
        printouts.destruction_record_pdf(archive, "DS1", out)
    assert not out.exists()
    assert snapshot(archive) == before
    number = registry.register_file(archive, "other", box="Z")
    before = snapshot(archive)
    with pytest.raises(ValidationError, match="cannot be saved as x.pdf"):
        printouts.label_sheet_pdf(archive, [number], tmp_path / "missing" / "x.pdf")
    assert snapshot(archive) == before  # no print logged that did not happen


def test_printout_roles(counter, manager, world, tmp_path):
    for session in (counter, manager):
        with pytest.raises(PermissionDenied):
            printouts.label_sheet_pdf(session, world["numbers"], tmp_path / "l.pdf")
        with pytest.raises(PermissionDenied):
            printouts.destruction_record_pdf(session, world["batch"], tmp_path / "d.pdf")
    assert not list(tmp_path.glob("*.pdf"))
