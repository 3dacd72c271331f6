"""`make reliability`: the reliability suite at full strength, one line per part.

Kill tests (SIGKILL during backup — the raw snapshot and the backup-API fallback — key
rotation, restore, batch writes, import, retention and erasure), concurrent processes
(two imports at once, a key rotation during an import or a login), byte flips in
databases and backups, failing disks, hostile input (every validator and importer property
at 2,000 examples), export safety (any text through every exporter: no formula, no
failure), the permission matrix, the leak scan and audit tampering. `make test`
runs a reduced version of each. Writes bench/results/reliability.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIALS = os.environ.get("RELIABILITY_TRIALS", "200")

PARTS = [
    ("kill", ["tests/reliability/test_kill.py"], {"CUSTOS_KILL_TRIALS": TRIALS}),
    ("concurrency", ["tests/reliability/test_concurrency.py"],
     {"CUSTOS_CONCURRENCY_ROUNDS": str(max(3, int(TRIALS) // 20))}),
    ("corruption", ["tests/reliability/test_corruption.py"], {"CUSTOS_FLIP_TRIALS": TRIALS}),
    ("failing disk", ["tests/backup/test_backup.py", "tests/store/test_keyring.py",
                      "tests/store/test_failures.py",
                      "tests/imports/test_import.py", "tests/reliability/test_hostile.py",
                      "-k", "full_disk or atomic or cancel or error_workbook"], {}),
    ("hostile input", ["tests/customers/test_idnumbers.py", "tests/customers/test_phones.py",
                       "tests/imports", "tests/reliability/test_hostile.py",
                       "tests/reliability/test_hostile_files.py",
                       "tests/test_attempts.py", "tests/customers/test_free_text_forms.py",
                       "tests/customers/test_guessing.py",
                       "tests/customers/test_whole_numbers_only.py",
                       "-k", "not full_disk and not error_workbook"],
     {"HYPOTHESIS_PROFILE": "reliability"}),
    ("export safety", ["tests/reliability/test_export_safety.py", "tests/exports"],
     {"HYPOTHESIS_PROFILE": "reliability"}),
    ("permissions", ["tests/security"], {}),
    ("leak scan", ["tests/reliability/test_leaks.py", "tests/test_leaks.py",
                   "tests/ui/test_secrets_on_lock.py"], {}),
    ("audit tamper", ["tests/test_audit.py", "tests/test_audit_signing.py",
                      "tests/test_audit_anchor.py"], {}),
]


def run(name: str, args: list[str], env: dict[str, str], out: Path) -> dict:
    report = out / f"{name.replace(' ', '_')}.xml"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                    f"--junitxml={report}", *args], cwd=ROOT,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})
    seconds = time.perf_counter() - started
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures = int(suite.get("tests")), int(suite.get("failures")) + int(suite.get("errors"))
    return {"part": name, "tests": tests, "failures": failures, "seconds": round(seconds, 1),
            "trials": env.get("CUSTOS_KILL_TRIALS") or env.get("CUSTOS_FLIP_TRIALS")
            or ("2000 examples" if env.get("HYPOTHESIS_PROFILE") else "")}


def main() -> int:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "custos-reliability"
    work.mkdir(parents=True, exist_ok=True)
    rows = [run(name, args, env, work) for name, args, env in PARTS]
    print(f"\n{'part':16s} {'tests':>6s} {'failures':>9s} {'trials':>14s} {'seconds':>8s}")
    for r in rows:
        print(f"{r['part']:16s} {r['tests']:6d} {r['failures']:9d} {str(r['trials']):>14s} "
              f"{r['seconds']:8.1f}")
    (out / "reliability.json").write_text(json.dumps(
        {"when": time.strftime("%Y-%m-%d %H:%M"), "parts": rows}, indent=1))
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
