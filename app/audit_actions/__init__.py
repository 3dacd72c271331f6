"""The catalogue of audit actions: every action Custos writes to the access log, its label
in each language, how its details read as a sentence, its group for the log's filter,
whether the customer's own access copy lists it, and which alert rules watch it.

The access log, its exports, the access copy, the reports and the customer's access tab
read actions through here; the alert rules subscribe here (`watch`), so `app.audit` calls
whoever watches an action without knowing the oversight package. An action written that is
not in the catalogue is refused in tests (CUSTOS_UNKNOWN_ACTIONS=refuse) and noted in the
error log otherwise: the event itself is never lost.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from app.audit_actions import (
    assessments,
    breaches,
    customers,
    evidence,
    notice,
    partners,
    records,
    reviews,
    staff,
    system,
)
from app.audit_actions.model import LABELS, Action, Group
from app.audit_actions.sentences import brief, paragraph, sentences
from app.i18n import current_language, translate

ACTIONS: dict[str, Action] = {a.code: a for a in (*customers.ENTRIES, *records.ENTRIES,
                                                  *system.ENTRIES, *assessments.ENTRIES,
                                                  *evidence.ENTRIES, *reviews.ENTRIES,
                                                  *breaches.ENTRIES, *notice.ENTRIES,
                                                  *partners.ENTRIES, *staff.ENTRIES)}


class UnknownAction(ValueError):
    """An action missing from the catalogue (a programming error, caught by the tests)."""


_noted: set[str] = set()


def find(code: str) -> Action | None:
    return ACTIONS.get(code)


def check(code: str) -> None:
    """Called by audit.append for every event before it is written."""
    if code in ACTIONS:
        return
    if os.environ.get("CUSTOS_UNKNOWN_ACTIONS") == "refuse":
        raise UnknownAction(f"audit action {code!r} is not in app/audit_actions")
    if code not in _noted:  # once per action, not once per event
        _noted.add(code)
        logging.getLogger(__name__).warning("audit action %r is not in the catalogue", code)


def label(code: str, lang: str | None = None) -> str:
    """The action in words; an unknown action (never in a tested build) as its code."""
    found = ACTIONS.get(code)
    return translate(found.label, lang or current_language()) if found else code


def result(outcome: str, lang: str | None = None) -> str:
    msgid = LABELS["Result"].get(outcome)
    return translate(msgid, lang or current_language()) if msgid else outcome


def group_label(group: Group, lang: str | None = None) -> str:
    return group.label_in(lang or current_language())


def in_group(group: Group) -> list[Action]:
    return [a for a in ACTIONS.values() if a.group is group]


def selection_label(codes: Iterable[str], lang: str | None = None) -> str:
    """A filter's actions in words: one action's label, or the group holding exactly them."""
    chosen = set(codes)
    if len(chosen) == 1:
        return label(next(iter(chosen)), lang)
    for group in Group:
        if chosen == {a.code for a in in_group(group)}:
            return group_label(group, lang)
    return _list_separator(lang).join(sorted(label(c, lang) for c in chosen))


def _list_separator(lang: str | None) -> str:
    return "、" if (lang or current_language()) == "zh_CN" else ", "


def in_copy(code: str) -> bool:
    found = ACTIONS.get(code)
    return found is not None and found.in_copy


def describe(code: str, *, actor: str, customer_ref: str | None = None,
             purpose: str | None = None, detail: str | dict | None = None,
             lang: str | None = None, names: Mapping[str, str] | None = None) -> list[str]:
    """The event as sentences (main one first), in `lang`, staff named by `names`."""
    lang = lang or current_language()
    found = ACTIONS.get(code) or Action(code, Group.SYSTEM, code, "{who}: " + code)
    return sentences(found, actor=actor, customer_ref=customer_ref, purpose=purpose,
                     detail=detail, lang=lang, names=names or {})


def for_customer(code: str, detail: str | dict | None, lang: str) -> str:
    """The event as the customer's access copy lists it (in the customer's language)."""
    found = ACTIONS.get(code)
    return brief(found, detail, lang) if found else code


def describe_text(code: str, **event) -> str:
    """`describe` as one paragraph (a table cell, a spreadsheet cell)."""
    return paragraph(describe(code, **event), event.get("lang") or current_language())


# -- who watches which action (the alert rules subscribe at import) ----------------------

@dataclass(frozen=True)
class Event:
    seq: int
    at: str
    actor: str
    action: str
    purpose: str | None
    customer_ref: str | None
    detail: Mapping


Watcher = Callable[[object, Event, tuple[str, ...]], None]
_watchers: dict[str, Watcher] = {}


def watch(rules: Iterable[str], watcher: Watcher) -> None:
    """`watcher(conn, event, rules)` is called for each event an action of these rules."""
    for rule in rules:
        _watchers[rule] = watcher


def watched_rules() -> frozenset[str]:
    return frozenset(_watchers)


def notify(conn, event: Event) -> None:
    """Run the rules watching this event's action, in its own transaction."""
    found = ACTIONS.get(event.action)
    if found is None or not found.watched_by:
        return
    missing = [r for r in found.watched_by if r not in _watchers]
    if missing:
        raise RuntimeError(f"alert rules {missing} have no watcher: the entry point must "
                           "import app.oversight.alerts")
    by_watcher: dict[Watcher, list[str]] = {}
    for rule in found.watched_by:
        by_watcher.setdefault(_watchers[rule], []).append(rule)
    for watcher, rules in by_watcher.items():
        watcher(conn, event, tuple(rules))


__all__ = ["ACTIONS", "Action", "Event", "Group", "UnknownAction", "check", "describe",
           "describe_text", "find", "for_customer", "group_label", "in_copy", "in_group", "label", "notify",
           "result", "selection_label", "watch", "watched_rules"]
