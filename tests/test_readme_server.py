"""The README's "A branch server (PostgreSQL)", done as it says, on a throwaway cluster.

The cluster (scripts/pgcluster.py) already serves TLS and refuses TCP without it; the test
checks that the README's pg_hba.conf lines and settings say the same, puts the
certificates the README's openssl commands make in the cluster's place, runs the README's
SQL, its `custos init` line and its pg_dump/pg_restore lines, and between them works from
two windows at once: counter staff and an archive clerk, each in a process of its own.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import accounts
from app.accounts import access
from app.demo import sign_confidentiality
from app.security.roles import Role

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## A branch server (PostgreSQL)"
HOST = "custos-db.branch.example"     # the README's example server
PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-1", "dave": "dave-password-1",
             "carol": "carol-password-1"}
ROLES = {"bob": Role.COUNTER, "dave": Role.ARCHIVE, "carol": Role.MANAGER}


def section() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def block(containing: str) -> str:
    """The README section's one code block that contains `containing`."""
    found = [b for b in re.findall(r"```\w*\n(.*?)```", section(), re.S) if containing in b]
    assert len(found) == 1, containing
    return found[0]


def heredoc(text: str, tag: str) -> str:
    return text.split(f"<<'{tag}'\n", 1)[1].split(f"\n{tag}\n", 1)[0]


def owner_password() -> str:
    return re.search(r"PGUSER=custos_owner PGPASSWORD='([^']+)'", section()).group(1)


def hba_rules(text: str) -> list[tuple[str, str, str, str]]:
    """(type, database, user, method) of each pg_hba.conf line."""
    rules = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            rules.append((fields[0], fields[1], fields[2], fields[-1]))
    return rules


@pytest.fixture(scope="module")
def cluster():
    from scripts.pgcluster import Cluster, find_bindir

    if find_bindir() is None:
        pytest.skip("no PostgreSQL server binaries here")
    started = Cluster.start()
    yield started
    started.destroy()


# --- what the README tells branch IT to write, beside what the test cluster runs ----------

def test_the_readme_hba_lines_say_what_the_test_cluster_enforces(cluster):
    readme = hba_rules(block("hostnossl"))
    ours = {kind: method for kind, _db, _user, method
            in hba_rules((cluster.data_dir / "pg_hba.conf").read_text())}
    assert ("hostssl", "branch", "all", "scram-sha-256") in readme
    assert ("hostnossl", "all", "all", "reject") in readme
    assert ("local", "branch", "custos_owner", "scram-sha-256") in readme
    # Staff and the owner: SCRAM over TLS or the server's own socket, nothing over plain TCP.
    for kind, _db, user, method in readme:
        if user != "postgres":
            assert ours[kind] == method, kind
    assert ours == {"local": "scram-sha-256", "hostssl": "scram-sha-256",
                    "hostnossl": "reject"}


def test_the_readme_settings_are_the_test_clusters(cluster):
    settings = dict(line.split(" = ", 1) for line in heredoc(block("ssl = on"), "CONF")
                    .splitlines())
    assert settings.keys() == {"listen_addresses", "ssl", "ssl_cert_file", "ssl_key_file",
                               "password_encryption"}
    ours = cluster.settings()
    assert ours["ssl"] is True and settings["ssl"] == "on"
    assert {"listen_addresses", "ssl_cert_file", "ssl_key_file"} <= ours.keys()
    assert cluster.psql("SHOW password_encryption") == settings["password_encryption"]


# --- the README's steps, in order ----------------------------------------------------------

def make_certificates(cluster, folder: Path) -> Path:
    """The README's openssl commands, for the cluster's name; the server then serves that
    certificate. The CA file the PCs get is returned."""
    if not shutil.which("openssl"):
        return cluster.ca_file
    script = block("openssl req -x509").replace(HOST, cluster.host)
    subprocess.run(["bash", "-e", "-c", script], cwd=folder, check=True, capture_output=True)
    for name, mode in (("server.crt", 0o644), ("server.key", 0o600)):
        target = cluster.folder / "tls" / name
        shutil.copyfile(folder / name, target)
        os.chmod(target, mode)
        os.chown(target, cluster.uid, cluster.gid)
    cluster.reconfigure()          # a reload reads the certificate files again
    return folder / "ca.crt"


def custos(*args: str, password: str) -> subprocess.CompletedProcess:
    """`custos ARGS` on a PC that has been given the CA file once (CUSTOS_STATE_DIR)."""
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT,
                          env={**os.environ, "CUSTOS_PASSWORD": password},
                          capture_output=True, text=True, timeout=300)


def readme_init(cluster, folder: Path, address: str) -> str:
    """The README's `custos init` line, as written but for the server's name and port."""
    line = block("custos init").replace(f"{HOST}/", f"{cluster.host}:{cluster.port}/")
    assert address in line and "--ca ca.crt" in line
    shell = f'custos() {{ "{sys.executable}" -m app.cli "$@"; }}\n{line}'
    done = subprocess.run(["bash", "-e", "-c", shell], cwd=folder, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT),
                               "CUSTOS_PASSWORD": PASSWORDS["alice"]})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def add_staff(address: str, recovery_code: str) -> None:
    """What the administrator and the first manager do next (README: Access to customer
    data): accounts, their own passwords, their keys."""
    admin = accounts.login(address, "alice", PASSWORDS["alice"])
    try:
        for name, role in ROLES.items():
            accounts.add_user(admin, name, [role], f"temporary-{name}-1")
    finally:
        accounts.logout(admin)
    for name in ROLES:
        person = accounts.login(address, name, f"temporary-{name}-1")
        accounts.change_own_password(person, f"temporary-{name}-1", PASSWORDS[name])
        accounts.logout(person)
    admin = accounts.login(address, "alice", PASSWORDS["alice"])
    try:
        for name in ROLES:  # their signed confidentiality agreements first
            sign_confidentiality(admin, name)
        access.approve_with_recovery(admin, "carol", recovery_code)
    finally:
        accounts.logout(admin)
    manager = accounts.login(address, "carol", PASSWORDS["carol"])
    try:
        for name in ("bob", "dave"):
            access.approve_access(manager, name)
    finally:
        accounts.logout(manager)


def window() -> None:
    """One person's window, in a process of its own: logs in (CUSTOS_DB, CUSTOS_USER,
    CUSTOS_PASSWORD), says "ready", then does one thing per line of stdin, answering
    each with one line of JSON."""
    from app.archive import registry
    from app.customers import editing, search
    from app.synthetic import person

    session = accounts.login(os.environ["CUSTOS_DB"], os.environ["CUSTOS_USER"],
                             os.environ["CUSTOS_PASSWORD"])
    print("ready", flush=True)
    for line in sys.stdin:
        verb, _, arg = line.strip().partition(" ")
        if verb == "customer":              # counter staff: a new customer, seeded by arg
            p = person(random.Random(int(arg)))
            answer = [editing.create_customer(session, editing.NewCustomer(
                name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
                original_checked=True, consents={"contract": True})), p.name]
        elif verb == "find":                # by name, as the archive room does
            found = search.find_customers(session, arg)
            answer = [s.customer_no for s in search.summaries(session, found.ids)]
        elif verb == "file":                # the archive clerk registers a paper file
            answer = registry.register_file(session, "service_agreement", customer_no=arg,
                                            box="B-01")
        else:                               # "files": the customer's paper files
            answer = [f.file_no for f in registry.files_of_customer(session, arg)]
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    accounts.logout(session)


class Window:
    def __init__(self, address: str, user: str) -> None:
        env = {**os.environ, "CUSTOS_DB": address, "CUSTOS_USER": user,
               "CUSTOS_PASSWORD": PASSWORDS[user], "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tests.test_readme_server import window; window()"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            encoding="utf-8")

    def ready(self) -> None:
        assert self.process.stdout.readline().strip() == "ready"

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def answer(self):
        line = self.process.stdout.readline()
        assert line, "the window ended"
        return json.loads(line)

    def ask(self, line: str):
        self.send(line)
        return self.answer()

    def close(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=120)


def two_windows(address: str) -> str:
    """Counter staff and the archive clerk, logged in at once: the counter adds a customer,
    the archive room finds it by name and registers its paper file, then both write at the
    same moment. Returns the customer's number."""
    counter, archive = Window(address, "bob"), Window(address, "dave")
    try:
        counter.ready()
        archive.ready()
        number, name = counter.ask("customer 1")
        assert number in archive.ask(f"find {name}")
        first = archive.ask(f"file {number}")
        for seed in (2, 3, 4):              # both at once: the writers queue on the server
            counter.send(f"customer {seed}")
            archive.send(f"file {number}")
        added = [counter.answer()[0] for _ in range(3)]
        files = [first] + [archive.answer() for _ in range(3)]
        assert len(set(added + [number])) == 4 and len(set(files)) == 4
        assert sorted(counter.ask(f"files {number}")) == sorted(files)
    finally:
        codes = [counter.close(), archive.close()]
    assert codes == [0, 0]
    return number


def readme_backup_and_restore(cluster, folder: Path) -> None:
    """The README's pg_dump line as the owner, then its restore lines as the superuser (here
    by password over the cluster's socket, where the README says `runuser -u postgres`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=str(cluster.socket_dir), PGPORT=str(cluster.port),
               PATH=f"{cluster.bindir}{os.pathsep}{env['PATH']}")

    def run(script: str, **extra: str) -> None:
        done = subprocess.run(["bash", "-e", "-c", script], cwd=folder, env={**env, **extra},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    run(block("pg_dump -Fc"))
    made = list(folder.glob("branch-*.dump"))
    assert len(made) == 1
    restore = block("pg_restore").replace("runuser -u postgres -- ", "")
    run(restore.replace("branch-2025-06-30.dump", made[0].name),
        PGUSER=cluster.superuser, PGPASSWORD=cluster.superuser_password)


def test_branch_it_sets_up_the_server_as_the_readme_says(cluster, tmp_path):
    assert cluster.running
    ca_file = make_certificates(cluster, tmp_path)
    if ca_file != tmp_path / "ca.crt":
        shutil.copyfile(ca_file, tmp_path / "ca.crt")
    cluster.psql(heredoc(block("CREATE ROLE custos_owner"), "SQL"))
    address = f"postgresql://{cluster.host}:{cluster.port}/branch"

    recovery_code = readme_init(cluster, tmp_path, address)
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5})+", recovery_code)
    # The CA file was given once: from now on the address alone, and no owner password.
    assert "PGPASSWORD" not in os.environ
    add_staff(address, recovery_code)
    number = two_windows(address)

    verified = custos("audit", "verify", "--db", address, "--user", "alice",
                      password=PASSWORDS["alice"])
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("intact, ")

    readme_backup_and_restore(cluster, tmp_path)
    assert cluster.psql("SELECT datname, datacl IS NOT NULL FROM pg_database WHERE datname "
                        "LIKE 'branch%' ORDER BY 1") == "branch|t\nbranch_damaged|t"
    counter = accounts.login(address, "bob", PASSWORDS["bob"])
    try:
        from app.archive import registry

        assert len(registry.files_of_customer(counter, number)) == 4
    finally:
        accounts.logout(counter)
    verified = custos("audit", "verify", "--db", address, "--user", "alice",
                      password=PASSWORDS["alice"])
    assert verified.returncode == 0, verified.stderr
