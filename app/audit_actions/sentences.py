"""An audit event read as sentences in a chosen language: who did what to which customer,
then the facts of its detail (reason, note, purpose...), every code turned into words.

A value the catalogue cannot put into words is left out rather than shown as a code; a
sentence missing one of its values falls back to "who: what"."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial

from app import clock
from app.audit_actions.model import Action
from app.audit_actions.words import CODED, FACTS
from app.audit_actions.words import LABELS as WORDS
from app.i18n import N_, translate

Convert = Callable[[object, str, Mapping[str, str]], str | None]
SEALED = "(sealed)"  # app.store.fields.open_detail, for a reader without the key
_PLACEHOLDER_FREE = ("who", "customer")


def _separator(lang: str) -> str:
    return "、" if lang == "zh_CN" else ", "


def word(kind: str, value: object, lang: str) -> str | None:
    """The label of a code in the catalogue's own tables or the models'; None if unknown."""
    from app.rights import labels

    msgid = WORDS.get(kind, {}).get(str(value))
    if msgid:
        return translate(msgid, lang)
    text = labels.label(kind, str(value), lang)
    return text if text and text != str(value) else None


def _words(kind: str, value: object, lang: str) -> str | None:
    items = value if isinstance(value, list) else [value]
    out = [word(kind, v, lang) for v in items]
    return _separator(lang).join(out) if out and None not in out else None  # type: ignore[arg-type]


def _staff(value, lang, names):
    return names.get(str(value), str(value)) if value else None


def _roles(value, lang, _names):
    from app.security.roles import _ROLE_LABELS, Role

    try:
        return _separator(lang).join(translate(_ROLE_LABELS[Role(r)], lang) for r in value) \
            or translate("no role", lang)
    except (ValueError, TypeError):
        return None


def _permission(value, lang, _names):
    from app.security.roles import _PERMISSION_LABELS, Permission

    try:
        return translate(_PERMISSION_LABELS[Permission(value)], lang)
    except ValueError:
        return None


def _when(value, _lang, _names):
    return clock.local_text(value) if isinstance(value, str) and value.endswith("Z") else (
        str(value) if value else None)


def _count(value, _lang, _names):
    return str(len(value)) if isinstance(value, list | dict) else str(value)


def _consents(value, lang, _names):
    given = [word("ConsentPurpose", k, lang) or k for k, v in dict(value).items() if v]
    return _separator(lang).join(given) if given else translate("none", lang)


def _field_values(value, lang, _names):
    return _separator(lang).join(f"{word('IdentityField', k, lang) or k} {v}"
                                 for k, v in dict(value).items())


def _place(value, _lang, _names):
    return " / ".join(str(v) for v in dict(value).values() if v)


def _period(value, lang, _names):
    count, _sep, unit = str(value).partition(" ")
    msgid = WORDS["Unit"].get(unit)
    return translate(msgid, lang).format(count=count) if msgid else None


def _counts(value, lang, _names):
    parts = [f"{word('RetentionCount', k, lang)} {n}" for k, n in dict(value).items()
             if word("RetentionCount", k, lang)]
    return _separator(lang).join(parts) or None


def _late(value, lang, _names):
    return translate("late", lang) if value else translate("on time", lang)


def _yes_no(value, lang, _names):
    return translate("yes", lang) if value else translate("no", lang)


def _action(value, lang, _names):
    from app.audit_actions import find, selection_label

    if isinstance(value, list):
        return selection_label(value, lang) if all(find(v) for v in value) else None
    found = find(str(value))
    return translate(found.label, lang) if found else None


SPECIAL: dict[str, Convert] = {
    "staff": _staff, "roles": _roles, "permission": _permission, "when": _when,
    "count": _count, "consents": _consents, "field_values": _field_values, "place": _place,
    "period": _period, "RetentionCount": _counts, "late": _late, "yes_no": _yes_no,
    "action": _action, "text": lambda v, _l, _n: str(v),
}


def value_text(action: Action, key: str, value: object, lang: str,
               names: Mapping[str, str]) -> str | None:
    """One detail value in words, or None when it is a code with no words."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if value == SEALED:
        return translate(N_("(sealed: your role cannot read it)"), lang)
    how = action.values.get(key)
    if how is None:
        return None if key in CODED or isinstance(value, dict | list | bool) else str(value)
    special = SPECIAL.get(how)
    return special(value, lang, names) if special else _words(how, value, lang)


def _detail(raw: str | dict | None) -> dict:
    if isinstance(raw, dict):
        return raw
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def sentences(action: Action, *, actor: str, customer_ref: str | None, purpose: str | None,
              detail: str | dict | None, lang: str, names: Mapping[str, str]) -> list[str]:
    """The event as sentences: the main one first, then one per fact."""
    tr = partial(translate, language=lang)
    data = _detail(detail)
    values = {k: value_text(action, k, v, lang, names) for k, v in data.items()}
    fill = {k: v for k, v in values.items() if v is not None}
    fill.update(who=names.get(actor, actor) or actor, customer=customer_ref or "")
    template = tr(action.sentence)
    used = set(_PLACEHOLDER_FREE)
    try:
        main = template.format(**fill) if (customer_ref or "{customer}" not in template) \
            else None
    except KeyError:
        main = None
    if main is None:
        main = tr("{who}: {action}.").format(who=fill["who"], action=tr(action.label))
        if customer_ref:
            main += " " * (lang != "zh_CN") + tr("Customer: {customer}.").format(
                customer=customer_ref)
    else:
        used |= {k for k in fill if "{" + k + "}" in action.sentence}
    out = [main]
    if purpose:
        out.append(tr("Purpose of access: {purpose}.").format(
            purpose=_purpose(purpose, lang)))
    for key, text in values.items():
        if text is not None and key in FACTS and key not in used:
            out.append(tr("{fact}: {value}.").format(fact=tr(FACTS[key]),
                                                     value=text.rstrip(".。 ")))
    return out


# What names the thing an event was about, for the customer's copy: no staff, no codes.
SUBJECTS = ("field", "case_no", "request", "service_no", "file_no", "kind")


def brief(action: Action, detail: str | dict | None, lang: str) -> str:
    """The event for the customer's own copy: what was done and to what, without people."""
    data = _detail(detail)
    subject = [v for k in SUBJECTS if k in data
               and (v := value_text(action, k, data[k], lang, {})) is not None]
    what = translate(action.label, lang)
    return translate("{action}: {subject}", lang).format(
        action=what, subject=_separator(lang).join(subject)) if subject else what


def _purpose(purpose: str, lang: str) -> str:
    from app.rights import labels

    return labels.label("Purpose", purpose, lang)


def paragraph(lines: list[str], lang: str) -> str:
    return ("" if lang == "zh_CN" else " ").join(lines)
