"""The words of an impact assessment (个人信息保护影响评估): risk levels, an activity's
standing, what a manager writes (a Draft) and what is kept (an Assessment), and the checks a
draft passes before it is recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.errors import ValidationError
from app.i18n import N_, Labelled, _, current_language, translate
from app.rights.model import Category
from app.text import printable

MAX_TEXT = 4000
MAX_ITEMS = 60


class Level(Labelled):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Standing(Labelled):
    """Where an activity stands: only CURRENT means a current assessment."""
    CURRENT = "current"
    AWAITING = "awaiting_approval"
    OVERDUE = "review_overdue"
    NONE = "none"


LABELS: dict[str, dict[str, str]] = {
    "Level": {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")},
    "Standing": {
        "current": N_("Current"),
        "awaiting_approval": N_("Awaiting approval"),
        "review_overdue": N_("Review overdue"),
        "none": N_("Not assessed"),
    },
}

_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
# What a person may type for a level, besides its code (both languages' words).
_SPOKEN = {"低": Level.LOW, "中": Level.MEDIUM, "高": Level.HIGH}


def level(text: str) -> Level:
    word = (text or "").strip().lower()
    for lvl in Level:
        if word in (lvl.value, lvl.label_in("en").lower(), lvl.label_in("zh_CN")):
            return lvl
    if word in _SPOKEN:
        return _SPOKEN[word]
    raise ValidationError(_("A likelihood or severity is low, medium or high."),
                          field="risks")


@dataclass(frozen=True)
class Risk:
    text: str
    likelihood: str
    severity: str

    @property
    def level(self) -> Level:
        """Likelihood × severity on a 3×3 grid: 6 or more is high, 3 or more medium."""
        score = _RANK[Level(self.likelihood)] * _RANK[Level(self.severity)]
        return Level.HIGH if score >= 6 else Level.MEDIUM if score >= 3 else Level.LOW


def parse_risk(text: str) -> Risk:
    """`description|likelihood|severity` (the command line's --risks)."""
    parts = [p.strip() for p in (text or "").split("|")]
    if len(parts) != 3:
        raise ValidationError(_("Give a risk as DESCRIPTION|LIKELIHOOD|SEVERITY, for example "
                                "\"records read without need|medium|high\"."), field="risks")
    return Risk(parts[0], level(parts[1]).value, level(parts[2]).value)


def split_items(text: str) -> tuple[str, ...]:
    """Data items typed in one line: separated by commas (either language's) or 、 ; ."""
    return tuple(p.strip() for p in re.split(r"[,，、;；\n]", text or "") if p.strip())


@dataclass(frozen=True)
class Draft:
    """An assessment as a manager writes it; `activity` as typed (a register key or label,
    or a new activity's name)."""
    activity: str
    purpose: str
    necessity: str
    items: tuple[str, ...]
    risks: tuple[Risk, ...]
    measures: str
    conclusion: str
    assessed_on: date | None = None  # today when not given
    review_by: date | None = None    # a year after assessed_on when not given


@dataclass(frozen=True)
class Assessment:
    id: int
    activity: str
    version: int
    purpose: str
    necessity: str
    items: tuple[str, ...]
    risks: tuple[Risk, ...]
    measures: str
    conclusion: str
    assessed_by: str
    assessed_on: str
    review_by: str
    recorded_at: str
    approved_by: str | None = None
    approved_at: str | None = None
    sole_manager: bool = False
    superseded_by: int | None = None
    superseded_at: str | None = None
    names: dict[str, str] = field(default_factory=dict, compare=False)  # username → name

    @property
    def in_register(self) -> bool:
        return self.activity in {c.value for c in Category}

    def activity_label(self, lang: str | None = None) -> str:
        return activity_label(self.activity, lang)

    @property
    def risk_level(self) -> Level:
        ranked = sorted((r.level for r in self.risks), key=_RANK.__getitem__)
        return ranked[-1] if ranked else Level.LOW

    def state(self, lang: str | None = None) -> str:
        """Approved, awaiting approval or superseded, in words."""
        lang = lang or current_language()
        if self.superseded_by:
            return translate(N_("Superseded by no. {number}"), lang).format(
                number=self.superseded_by)
        if self.approved_at:
            return translate(N_("Approved"), lang)
        return translate(N_("Awaiting approval"), lang)


def activity_label(activity: str, lang: str | None = None) -> str:
    try:
        return Category(activity).label_in(lang or current_language())
    except ValueError:
        return activity


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def _text(value: str, name: str, missing: str) -> str:
    text = printable(value, name, multiline=True).strip()
    if not text:
        raise ValidationError(missing, field=name)
    if len(text) > MAX_TEXT:
        raise ValidationError(_("At most {count} characters here.").format(count=MAX_TEXT),
                              field=name)
    return text


def checked_texts(draft: Draft) -> dict[str, str]:
    return {
        "purpose": _text(draft.purpose, "purpose", _("Say what the processing is for.")),
        "necessity": _text(draft.necessity, "necessity",
                           _("Say why the processing and its data are necessary.")),
        "measures": _text(draft.measures, "measures",
                          _("Name the measures that reduce the risks.")),
        "conclusion": _text(draft.conclusion, "conclusion",
                            _("Write the assessment's conclusion.")),
    }


def checked_items(items: tuple[str, ...]) -> list[str]:
    out = [" ".join(printable(i, "items").split()) for i in items]
    out = [i for i in out if i]
    if not out:
        raise ValidationError(_("Name the data items the activity processes."), field="items")
    if len(out) > MAX_ITEMS or any(len(i) > 200 for i in out):
        raise ValidationError(_("At most {count} data items of 200 characters each.").format(
            count=MAX_ITEMS), field="items")
    return out


def checked_risks(risks: tuple[Risk, ...]) -> list[dict]:
    if not risks:
        raise ValidationError(_("Name at least one risk to customers."), field="risks")
    out = []
    for risk in risks:
        text = _text(risk.text, "risks", _("Describe each risk to customers."))
        out.append({"risk": text, "likelihood": level(risk.likelihood).value,
                    "severity": level(risk.severity).value})
    return out


def checked_dates(draft: Draft, today: date) -> tuple[date, date]:
    assessed = draft.assessed_on or today
    if assessed > today:
        raise ValidationError(_("The assessment date cannot be in the future."),
                              field="assessed_on")
    review = draft.review_by or one_year_after(assessed)
    if review <= assessed:
        raise ValidationError(_("The review date must come after the assessment date."),
                              field="review_by")
    return assessed, review
