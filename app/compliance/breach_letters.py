"""The letters about a personal-data breach, as PDF: to the regulator and to each affected
customer, in Chinese then English (one part each, on its own pages).

Each says what happened, which data, what it means, what the branch did, and whom to
contact (the branch's data-protection contact from its settings). The regulator is told how
many customers are affected, never who; a customer is addressed by name.
"""

from __future__ import annotations

from functools import partial

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from app import clock
from app.compliance.breaches import CATEGORIES, Breach
from app.i18n import translate
from app.pdf import PageFrame, Paragraph, Spacer, build, esc, key_values, styles

LANGUAGES = ("zh_CN", "en")


def _categories(b: Breach, lang: str) -> str:
    sep = "、" if lang == "zh_CN" else ", "
    return sep.join(translate(CATEGORIES[c], lang) for c in b.categories if c in CATEGORIES) \
        or translate("Not yet established", lang)


def _or_pending(text: str, lang: str) -> str:
    return text or translate("Not yet established", lang)


def _today() -> str:
    return clock.local_text(clock.stamp())[:10]


def _contact(branch: dict[str, str], lang: str) -> str:
    return branch.get("privacy_contact") or translate(
        "the branch manager, at the branch's counter", lang)


def _regulator_part(b: Breach, branch: dict[str, str], handler: str, lang: str) -> list:
    tr, st = partial(translate, language=lang), styles()
    return [
        Paragraph(esc(tr("Notification of a personal-data breach")), st["title"]),
        Paragraph(esc(tr("To the authority responsible for personal-information protection"))
                  , st["body"]),
        Spacer(1, 3 * mm),
        key_values([
            (tr("Branch"), f"{branch.get('branch_name', '')} {branch.get('branch_address', '')}"
             .strip()),
            (tr("Date of this report"), _today()),
            (tr("Breach number"), b.number),
            (tr("Detected at"), clock.local_text(b.detected_at)),
            (tr("Summary"), b.summary),
            (tr("What happened"), _or_pending(b.what_happened, lang)),
            (tr("Categories of data"), _categories(b, lang)),
            (tr("Customers affected"), b.customers),
            (tr("Likely consequences"), _or_pending(b.consequences, lang)),
            (tr("Measures taken"), _or_pending(b.measures, lang)),
            (tr("Handled by"), handler),
            (tr("Contact"), _contact(branch, lang)),
        ]),
        Spacer(1, 4 * mm),
        Paragraph(esc(tr("The customers concerned are being informed. We will send further "
                         "information as soon as it is known.") if b.customers else
                      tr("We will send further information as soon as it is known.")),
                  st["body"]),
    ]


def _customer_part(b: Breach, name: str, customer_no: str, branch: dict[str, str],
                   lang: str) -> list:
    tr, st = partial(translate, language=lang), styles()
    sections = [
        (tr("What happened"), [b.summary, b.what_happened]),
        (tr("Which of your data"), [_categories(b, lang)]),
        (tr("What it means for you"), [b.consequences, tr(
            "Be careful with calls, messages or emails that claim to come from us and ask "
            "for passwords, verification codes or payments: we never ask for them.")]),
        (tr("What we have done"), [_or_pending(b.measures, lang)]),
        (tr("Whom to contact"), [tr("For any question, or to exercise your rights over your "
                                    "data, contact {contact}.").format(
            contact=_contact(branch, lang)), branch.get("branch_address", "")]),
    ]
    story: list = [
        Paragraph(esc(tr("Notice of a personal-data breach")), st["title"]),
        Paragraph(esc(tr("Date: {date}").format(date=_today())), st["small"]),
        Spacer(1, 2 * mm),
        Paragraph(esc(tr("Dear {name} (customer {number}),").format(
            name=name, number=customer_no)), st["body"]),
        Spacer(1, 2 * mm),
        Paragraph(esc(tr("On {date} we found an incident affecting personal data that we hold "
                         "about you. We are writing to tell you what happened and what you "
                         "can do.").format(date=clock.local_text(b.detected_at)[:10])),
                  st["body"]),
    ]
    for heading, texts in sections:
        story.append(Paragraph(esc(heading), st["h2"]))
        story += [Paragraph(esc(t), st["body"]) for t in texts if t]
    story += [Spacer(1, 6 * mm), Paragraph(esc(tr("We apologise for this incident.")),
                                          st["body"]),
              Paragraph(esc(branch.get("branch_name", "")), st["body"])]
    return story


def _both(parts) -> list:
    story: list = []
    for lang in LANGUAGES:
        if story:
            story.append(PageBreak())
        story += parts(lang)
    return story


def _frame(branch: dict[str, str], number: int, generated_by: str) -> PageFrame:
    title = "个人信息安全事件 / Personal-data breach"
    return PageFrame(branch.get("branch_name", ""), title, generated_by,
                     clock.local_text(clock.stamp()), "zh_CN", f"#{number}")


def regulator_letter(b: Breach, branch: dict[str, str], handler: str,
                     generated_by: str) -> bytes:
    return build(_both(partial(_regulator_part, b, branch, handler)),
                 _frame(branch, b.number, generated_by))


def customer_letter(b: Breach, name: str, customer_no: str, branch: dict[str, str],
                    generated_by: str) -> bytes:
    return build(_both(partial(_customer_part, b, name, customer_no, branch)),
                 _frame(branch, b.number, generated_by))
