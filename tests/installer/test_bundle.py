"""The PyInstaller bundle (build/dist/custos/) works on its own: the CLI, reports, the window.

Every check runs the frozen `custos` executable, never the checkout's Python, so a module,
library or data file the spec forgot fails here. Skipped unless CUSTOS_TEST_BUNDLE=1 or a
bundle is already built; `make installer-test` builds it (~40 s) and runs these.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_DIR = ROOT / "build" / "dist" / "custos"
BUNDLE = BUNDLE_DIR / ("custos.exe" if sys.platform == "win32" else "custos")
INTERNAL = BUNDLE_DIR / "_internal"
ASKED = os.environ.get("CUSTOS_TEST_BUNDLE") == "1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (ASKED or BUNDLE.exists()),
                       reason="no bundle: `make installer-test` builds and tests it"),
]

DEMO_PASSWORDS = {"counter": "counter-demo-1", "archive": "archive-demo-1",
                  "manager": "manager-demo-1", "admin": "admin-demo-1"}
# What a Python failure looks like on stderr, whether raised or caught by the CLI's net.
FAILURE_SIGNS = ("Traceback", "Failed to execute script", "unexpected error",
                 "意外错误", "Could not load the Qt platform plugin")
STARTUP_SECONDS = 5


def _environment(home: Path) -> dict[str, str]:
    """The user's environment, less anything Custos reads, with a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTOS_", "XDG_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    return env


def _run(env: dict[str, str], *args: str, password: str | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    if password is not None:
        env = {**env, "CUSTOS_PASSWORD": password}
    return subprocess.run([str(BUNDLE), *args], env=env, capture_output=True,
                          encoding="utf-8", errors="replace", timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


def _no_failure(stderr: str) -> None:
    for sign in FAILURE_SIGNS:
        assert sign not in stderr, stderr


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: build it with `make installer`")
    return BUNDLE


@pytest.fixture(scope="module")
def home(tmp_path_factory, bundle) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def env(home) -> dict[str, str]:
    return _environment(home)


@pytest.fixture(scope="module")
def demo(home, env) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A 50-customer demo database made by the bundle, and what making it printed."""
    path = home / "d.custos"
    return path, _run(env, "demo", "--db", str(path), "--customers", "50")


def test_demo_database_prints_one_account_per_role(demo):
    path, made = demo
    assert made.returncode == 0, made.stderr
    rows = [line.split("\t") for line in made.stdout.splitlines()]
    assert {tuple(row) for row in rows} == {(role, role, password)
                                            for role, password in DEMO_PASSWORDS.items()}
    assert path.exists() and Path(f"{path}.keys").exists()


def test_counter_finds_customers_masked(demo, env):
    path, _made = demo
    found = []
    for query in ("zhang", "wang", "li", "chen", "王"):
        result = _run(env, "customer", "find", query, "--db", str(path), "--user", "counter",
                      password=DEMO_PASSWORDS["counter"])
        assert result.returncode == 0, result.stderr
        _no_failure(result.stderr)
        found += result.stdout.splitlines()
    # Pinyin queries reach Chinese names through the search index the bundle built.
    assert found, "no demo customer found by any common surname"
    assert all("*" in line for line in found), "identifiers must come out masked"


def test_manager_prints_a_chinese_pdf_report_with_the_embedded_font(demo, env, home):
    path, _made = demo
    out = home / "r.pdf"
    result = _run(env, "--lang", "zh_CN", "report", "cases",
                  "--period", date.today().strftime("%Y-%m"), "--out", str(out),
                  "--db", str(path), "--user", "manager", password=DEMO_PASSWORDS["manager"])
    assert result.returncode == 0, result.stderr
    _no_failure(result.stderr)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    # The CJK font comes from resources/fonts inside the bundle, embedded as a subset.
    assert b"WenQuanYi" in data


def test_manager_prints_an_xlsx_report(demo, env, home):
    path, _made = demo
    out = home / "r.xlsx"
    result = _run(env, "report", "cases", "--period", date.today().strftime("%Y-%m"),
                  "--out", str(out), "--db", str(path), "--user", "manager",
                  password=DEMO_PASSWORDS["manager"])
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as book:
        assert "xl/workbook.xml" in book.namelist()


def test_admin_backs_up_verifies_and_checks_the_audit_log(demo, env, home):
    path, _made = demo
    folder = home / "backups"
    folder.mkdir()
    admin = ("--db", str(path), "--user", "admin")
    taken = _run(env, "backup", "--to", str(folder), *admin, password=DEMO_PASSWORDS["admin"])
    assert taken.returncode == 0, taken.stderr
    (backup,) = folder.iterdir()
    verified = _run(env, "backup", "verify", str(backup), *admin,
                    password=DEMO_PASSWORDS["admin"])
    assert verified.returncode == 0, verified.stderr
    audit = _run(env, "audit", "verify", *admin, password=DEMO_PASSWORDS["admin"])
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.startswith("intact, ")


def test_the_chinese_catalogue_is_read_from_the_bundle(env):
    result = _run(env, "--lang", "zh_CN", "--help")
    assert result.returncode == 0, result.stderr
    assert "通信营业厅" in result.stdout


def _start_and_terminate(args: list[str], env: dict[str, str], home: Path,
                         ready=lambda: True) -> str:
    """Start the window offscreen, see it stay up, ask it to end; returns its stderr."""
    err_path = home / f"gui-{time.monotonic_ns()}.err"
    with err_path.open("w+", encoding="utf-8", errors="replace") as err:
        process = subprocess.Popen([str(BUNDLE), *args], env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 60
            while not ready() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert ready(), "the window never got ready"
            time.sleep(STARTUP_SECONDS)
            assert process.poll() is None, (
                f"the program ended by itself (code {process.returncode}) instead of "
                f"showing the login window:\n{err_path.read_text('utf-8', 'replace')}")
            process.terminate()
            try:
                code = process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail("the program did not end within 15 s of SIGTERM")
            # 0 once the program handles SIGTERM by quitting; killed by it until then.
            # (Windows has no SIGTERM: terminate() is TerminateProcess, exit code 1.)
            assert code in ((0, 1) if sys.platform == "win32" else (0, -signal.SIGTERM)), code
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        err.seek(0)
        return err.read()


def test_the_window_opens_a_database_offscreen_and_ends_on_request(demo, env, home):
    path, _made = demo
    stderr = _start_and_terminate(["--db", str(path)], env, home)
    _no_failure(stderr)


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the demo database goes where XDG_DATA_HOME says only on Linux")
def test_demo_mode_makes_its_database_and_shows_the_login(env, home):
    demo_db = home / "data" / "Custos" / "demo" / "demo.custos"
    keys = Path(f"{demo_db}.keys")
    stderr = _start_and_terminate(["--demo"], env, home, ready=keys.exists)
    _no_failure(stderr)
    assert demo_db.exists()


def test_the_bundle_carries_what_custos_needs_and_not_what_it_does_not(bundle):
    files = {p.relative_to(INTERNAL).as_posix() for p in INTERNAL.rglob("*") if p.is_file()}
    for needed in ("resources/fonts/wqy-microhei.ttc", "resources/i18n/zh_CN.po",
                   "pypdfium2_raw/version.json"):
        assert needed in files, needed
    names = {Path(f).name for f in files}
    assert any(n.startswith(("libpdfium", "pdfium")) for n in names), "PDFium is missing"
    assert any(n.startswith("qtbase_zh_CN") for n in names), "Qt's Chinese texts are missing"
    assert any("qoffscreen" in n for n in names), "the offscreen platform plugin is missing"
    if sys.platform.startswith("linux"):
        assert any("qxcb" in n for n in names), "the X11 platform plugin is missing"
    for unused in ("Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Sql", "Qt6Test", "Qt6Designer",
                   "Qt63D", "Qt6Multimedia"):
        assert not any(unused in n for n in names), f"{unused} should not be bundled"
    assert "babel/locale-data/fr.dat" not in files, "babel's other locales should be dropped"
    assert not any(n.startswith("qtbase_de") for n in names), "Qt texts in other languages"
