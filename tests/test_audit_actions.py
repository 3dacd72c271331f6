"""The catalogue of audit actions: every action written anywhere in app/ has an entry (read
from the source), an unknown one is refused at runtime, and each entry reads as words in
both languages, with no program code left in the sentence."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from app import audit, audit_actions
from app.audit_actions import ACTIONS, Group
from app.i18n import translate
from app.imports.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
LOG_CALLS = {"append", "record"}


@functools.cache
def _modules(folder: str) -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text("utf-8"))) for p in sorted((ROOT / folder).rglob("*.py"))]


def _constants(modules) -> dict[str, str]:
    """Module-level NAME = "text" in app/ (ROLLBACK, KEYS_MADE, MISSED...)."""
    out = {}
    for _p, tree in modules:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                out.update({t.id: node.value.value for t in node.targets
                            if isinstance(t, ast.Name) and t.id.isupper()})
    return out


class Scan:
    """Every action a call in app/ writes: literal, constant, local choice or f-string."""

    def __init__(self) -> None:
        self.modules = _modules("app")
        self.constants = _constants(self.modules)
        self.imported = {str(p): {a.asname or a.name: str(ROOT / (n.module.replace(".", "/")
                                                                + ".py"))
                                  for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                                  and n.module and n.module.startswith("app.")
                                  for a in n.names}
                         for p, tree in self.modules}
        self._in_audit = False
        self.wrappers = self._wrappers()
        self.found: dict[str, str] = {}
        self.patterns: set[str] = set()
        self.unresolved: list[str] = []
        for path, tree in self.modules:
            for fn in ast.walk(tree):
                if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    self._function(path, fn)

    def _wrappers(self) -> dict[tuple[str, str], int]:
        """(module, function) -> the position of its `action` parameter, for the functions
        that hand their `action` on to audit.append/record or to another such function."""
        defs = {}
        for path, tree in self.modules:
            for fn in ast.walk(tree):
                if isinstance(fn, ast.FunctionDef):
                    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
                    if "action" in names:
                        defs[(str(path), fn.name)] = (fn, names.index("action"))
        out: dict[tuple[str, str], int] = {}
        while True:
            more = {key: index for key, (fn, index) in defs.items() if key not in out
                    and any(self._passes_action(call, key[0], out) for call in ast.walk(fn))}
            if not more:
                return out
            out.update(more)

    def _is_log(self, call: ast.Call) -> bool:
        if isinstance(call.func, ast.Name):  # inside app/audit.py itself, or the `log`
            # that `with audit.registered_read(db) as (conn, log)` hands out
            return (call.func.id == "append" and self._in_audit) or (
                call.func.id == "log" and any(k.arg == "action" for k in call.keywords))
        return isinstance(call.func, ast.Attribute) and call.func.attr in LOG_CALLS \
            and getattr(call.func.value, "id", "") == "audit"

    def _wrapper(self, wrappers: dict, module: str, call: ast.Call) -> int | None:
        """The `action` position of the function called: this module's or one it imports."""
        name = getattr(call.func, "id", "")
        home = self.imported.get(module, {}).get(name, module)
        return wrappers.get((home, name))

    def _passes_action(self, call, module: str, wrappers: dict) -> bool:
        if not isinstance(call, ast.Call):
            return False
        named = [k.value for k in call.keywords if k.arg == "action"]
        index = self._wrapper(wrappers, module, call)
        if index is not None and index < len(call.args):
            named.append(call.args[index])
        return (self._is_log(call) or index is not None) and any(
            isinstance(n, ast.Name) and n.id == "action" for n in named)

    def _values(self, node, assigned: dict, params: set[str], where: str) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return (self._values(node.body, assigned, params, where)
                    | self._values(node.orelse, assigned, params, where))
        if isinstance(node, ast.Attribute) and node.attr in self.constants:
            return {self.constants[node.attr]}
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return {self.constants[node.id]}
            if node.id in assigned:
                return set().union(*(self._values(v, {}, params, where)
                                     for v in assigned[node.id]))
            if node.id in params:
                return set()  # a wrapper's own parameter: its callers are scanned
        if isinstance(node, ast.JoinedStr):
            self.patterns.add(ast.unparse(node))
            return set()
        self.unresolved.append(f"{where}: {ast.unparse(node)}")
        return set()

    def _function(self, path: Path, fn) -> None:
        self._in_audit = path == ROOT / "app" / "audit.py"
        params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        assigned: dict[str, list] = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id, []).append(node.value)
        for call in ast.walk(fn):
            if not isinstance(call, ast.Call):
                continue
            index = self._wrapper(self.wrappers, str(path), call)
            if not self._is_log(call) and index is None:
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            nodes = [k.value for k in call.keywords if k.arg == "action"]
            if index is not None and index < len(call.args):
                nodes.append(call.args[index])
            for node in nodes:
                for code in self._values(node, assigned, params, where):
                    self.found.setdefault(code, where)


@pytest.fixture(scope="module")
def scan() -> Scan:
    return Scan()


@functools.cache
def _export_list_whats() -> frozenset[str]:
    out = set()
    for _p, tree in _modules("app") + _modules("ui") + _modules("tests"):
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "export_list" \
                    and len(call.args) > 1 and isinstance(call.args[1], ast.Constant):
                out.add(call.args[1].value)
    return frozenset(out)


def test_every_action_written_in_app_has_an_entry(scan):
    assert len(scan.found) > 100, "the scan found too few actions to be reading the source"
    assert scan.unresolved == [], "an action the scan cannot read: " + "; ".join(
        scan.unresolved)
    missing = {code: where for code, where in scan.found.items() if code not in ACTIONS}
    assert missing == {}, f"actions written without a catalogue entry: {missing}"


def test_formatted_actions_are_expanded_into_entries(scan):
    assert scan.patterns == {"f'export.{what}'", "f'import.{kind}'"}, (
        "a new f-string action: give each of its values an entry and expand it here")
    expanded = {f"import.{k}" for k in KINDS} | {f"export.{w}" for w in _export_list_whats()}
    assert expanded - set(ACTIONS) == set()


def test_every_entry_is_written_somewhere(scan):
    written = set(scan.found) | {f"import.{k}" for k in KINDS} | {
        f"export.{w}" for w in _export_list_whats()}
    ours = {code for code in ACTIONS if not code.startswith("test.")}  # conftest's set-up
    assert ours - written == set(), "entries no code writes any more"


def test_an_unknown_action_is_refused_before_it_is_written(login):
    manager = login("manager")
    with manager.db.read() as conn:
        before = audit.head(conn)
    with pytest.raises(audit_actions.UnknownAction):
        audit.record(manager.db, actor="manager", action="customer.peeked")
    with manager.db.read() as conn:
        assert audit.head(conn) == before


def test_each_entry_has_a_group_and_sentence_placeholders_it_can_fill():
    for code, action in ACTIONS.items():
        assert isinstance(action.group, Group)
        names = set(re.findall(r"\{(\w+)\}", action.sentence))
        assert "who" in names, code
        assert not names - {"who", "customer"} - _DETAIL_KEYS, code


# Keys any detail is written with (a dict key or a keyword in app/): a sentence's other
# placeholders must be among them.
_SOURCE = "".join(p.read_text("utf-8") for p in (ROOT / "app").rglob("*.py"))
_DETAIL_KEYS = set(re.findall(r"[\"'](\w+)[\"']\s*:", _SOURCE)) | set(
    re.findall(r"(\w+)=", _SOURCE))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_reveal_reads_as_a_sentence_with_its_reason(lang):
    lines = audit_actions.describe(
        "customer.revealed", actor="counter", customer_ref="C000000012",
        purpose="counter_service", detail={"field": "id_number", "reason": "客户要求核对"},
        lang=lang, names={"counter": "王芳"})
    text = " ".join(lines)
    assert lines[0] == translate("{who} showed the full {field} of customer {customer}.",
                                 lang).format(who="王芳", field=translate("ID number", lang),
                                              customer="C000000012")
    assert "客户要求核对" in text and translate("Counter service", lang) in text
    for code in ("id_number", "counter_service", "counter", "{", "reason"):
        assert code not in text


def test_codes_in_details_become_words_or_are_left_out():
    text = audit_actions.describe_text(
        "case.moved", actor="manager", customer_ref="C000000001", purpose=None,
        detail={"case_no": "K2026-000001", "from": "open", "to": "resolved",
                "satisfaction": 4, "note": ""}, lang="zh_CN", names={"manager": "李娜"})
    assert "李娜" in text and "K2026-000001" in text
    assert "open" not in text and "resolved" not in text
    stale = audit_actions.describe_text(  # the demo's old detail shape: no case number
        "case.updated", actor="ghost", customer_ref="C000000001", detail={"no": "000123"},
        lang="zh_CN", names={})
    assert stale.startswith("ghost") and "case.updated" not in stale and "000123" not in stale


def test_the_result_and_the_groups_are_words():
    assert audit_actions.result("ok", "zh_CN") != "ok"
    assert audit_actions.result("denied", "en") == "Not permitted"
    assert all(audit_actions.in_group(g) for g in Group)


def test_the_demo_history_writes_only_catalogued_actions():
    from app import demo_audit

    written = {a for table in (demo_audit.COUNTER, demo_audit.ARCHIVE, demo_audit.MANAGER)
               for a, *_rest in table} | {"login", "logout", "backup.created", "backup.verified"}
    assert written - set(ACTIONS) == set()


@pytest.mark.parametrize("entry", ["app.cli", "ui.app"])
def test_every_entry_point_subscribes_the_alert_rules(entry):
    """The command line and the window (and the tests, conftest.py) import the rules."""
    import json
    import subprocess
    import sys

    script = (f"import json, {entry}\nfrom app import audit_actions\n"
              "print(json.dumps(sorted(audit_actions.watched_rules())))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    watched = {rule for a in ACTIONS.values() for rule in a.watched_by}
    assert watched and watched <= set(json.loads(out))
