"""The processing register: for each data category, why it is held, on what basis, who
receives it, transfers abroad, how long it is kept, where it comes from, and automated
decisions. It is the source of every information notice and access copy: both print
`register_facts`, so the two cannot disagree.

Defaults ship below (written for a mainland telecom branch); managers edit them. Texts are
kept in both languages because the customer chooses the language of their copy.
"""

from __future__ import annotations

from sqlalchemy import select

from app import audit, clock
from app.errors import ValidationError
from app.i18n import _, translate
from app.rights import labels
from app.rights.model import Category, LegalBasis, RegisterEntry, Source
from app.rights.tables import processing_register as reg
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect

_NONE_ABROAD = {"zh_CN": "无。数据存储和处理均在中国境内进行。",
                "en": "None. The data is stored and processed in mainland China only."}
_NO_AUTOMATION = {"zh_CN": "无仅凭自动化处理作出的决定。",
                  "en": "No decision is taken by automated means alone."}

DEFAULTS: dict[str, dict] = {
    Category.IDENTITY: dict(
        purposes={"zh_CN": "识别客户身份、履行实名登记义务、签订和履行服务协议。",
                  "en": "Identifying you, real-name registration required by law, concluding "
                        "and performing the service agreement."},
        legal_basis=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        recipients={"zh_CN": "本营业厅经授权的员工；依法提出要求的监管及执法机关。",
                    "en": "Authorised staff of this branch; regulators and law enforcement "
                          "on lawful request."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "服务关系存续期间及全部业务终止后3年。",
                   "en": "While you hold services, and 3 years after the last one ends."},
        source=Source.COLLECTED, automated=_NO_AUTOMATION),
    Category.SERVICES: dict(
        purposes={"zh_CN": "开通、变更和终止通信业务，管理号码资源和服务协议。",
                  "en": "Opening, changing and ending your services; managing numbers and "
                        "service agreements."},
        legal_basis=(LegalBasis.CONTRACT,),
        recipients={"zh_CN": "本营业厅经授权的员工；号码携转等业务中的其他运营商。",
                    "en": "Authorised staff; other operators when you port your number."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "服务关系存续期间及业务终止后3年。",
                   "en": "While the service runs, and 3 years after it ends."},
        source=Source.BOTH, automated=_NO_AUTOMATION),
    Category.CONSUMPTION: dict(
        purposes={"zh_CN": "计费、出账、收费，处理账单疑问和投诉。",
                  "en": "Billing, invoicing and collecting payment; handling questions and "
                        "complaints about bills."},
        legal_basis=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        recipients={"zh_CN": "计费服务提供方（受托处理）；税务机关（依法）。",
                    "en": "The billing provider (as processor); tax authorities where the "
                          "law requires."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "自账期起24个月；会计凭证依法保存。",
                   "en": "24 months from the billing month; accounting records as the law "
                         "requires."},
        source=Source.GENERATED, automated=_NO_AUTOMATION),
    Category.CASES: dict(
        purposes={"zh_CN": "受理和处理咨询、故障申报、投诉与建议，改进服务。",
                  "en": "Handling your inquiries, fault reports, complaints and suggestions; "
                        "improving the service."},
        # Complaints: the telecom regulator's rules oblige the branch to take and answer them.
        legal_basis=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        recipients={"zh_CN": "本营业厅经授权的员工；处理申诉的通信管理部门。",
                    "en": "Authorised staff; the telecom regulator when a complaint is "
                          "escalated."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "办结后3年。", "en": "3 years after the case is closed."},
        source=Source.BOTH, automated=_NO_AUTOMATION),
    Category.PAPER_FILES: dict(
        purposes={"zh_CN": "保存业务受理凭证（协议、证件复印件、登记表）以备核查。",
                  "en": "Keeping the paper records of your transactions (agreements, ID "
                        "copies, registration forms) for verification."},
        legal_basis=(LegalBasis.LEGAL_OBLIGATION, LegalBasis.CONTRACT),
        recipients={"zh_CN": "档案管理员及经批准借阅的员工。",
                    "en": "Archive clerks and staff whose loan was approved."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "按档案类别保存2至5年，期满按规定销毁并留存销毁记录。",
                   "en": "2 to 5 years by kind of document, then destroyed on record."},
        source=Source.COLLECTED, automated=_NO_AUTOMATION),
    Category.CONSENTS: dict(
        purposes={"zh_CN": "记录您的同意及撤回，以便依您的选择处理数据。",
                  "en": "Recording your consents and withdrawals, so that your choices are "
                        "respected."},
        legal_basis=(LegalBasis.LEGAL_OBLIGATION,),
        recipients={"zh_CN": "本营业厅经授权的员工。", "en": "Authorised staff of this branch."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "服务关系存续期间及其后3年。",
                   "en": "While you are a customer, and 3 years after."},
        source=Source.COLLECTED, automated=_NO_AUTOMATION),
    Category.ACCESS_LOG: dict(
        purposes={"zh_CN": "登记员工对客户资料的每一次查询和操作，保障数据安全。",
                  "en": "Registering every look-up and change of customer data by staff, to "
                        "keep the data safe."},
        legal_basis=(LegalBasis.LEGAL_OBLIGATION,),
        recipients={"zh_CN": "店长/经理；依法提出要求的监管机关。",
                    "en": "Branch managers; regulators on lawful request."},
        transfers=_NONE_ABROAD,
        retention={"zh_CN": "3年。", "en": "3 years."},
        source=Source.GENERATED, automated=_NO_AUTOMATION),
}


# The data items of each category: what Custos stores, field by field (what the access copy
# and the portable file show). Fixed by the program, not edited in the register.
ITEMS: dict[str, dict[str, str]] = {
    Category.IDENTITY: {
        "zh_CN": "姓名、姓名拼音、证件类型和证件号码、出生日期、性别、手机号码、电子邮箱、"
                 "联系地址、身份核验记录（核验方式和时间）、入网时间、客户状态、限制处理记录。",
        "en": "Name, name in pinyin, ID document type and number, date of birth, gender, mobile "
              "number, email, postal address, identity check (how and when), customer since, "
              "customer status, restriction of processing."},
    Category.SERVICES: {
        "zh_CN": "业务号码、业务类型、资费套餐、账户号、服务协议编号、开通和终止日期、业务状态。",
        "en": "Service number, kind of service, plan, account number, agreement number, start "
              "and end dates, service status."},
    Category.CONSUMPTION: {
        "zh_CN": "每月通话分钟数、短信条数、数据流量、账单金额；缴费日期、缴费渠道、金额和所属账期。",
        "en": "Monthly voice minutes, SMS count, data volume and billed amount; payments: "
              "date, channel, amount and billing month."},
    Category.CASES: {
        "zh_CN": "工单编号、类型（咨询、故障、投诉、建议）、受理和办结时间、状态、内容摘要、"
                 "处理结果、满意度评价。",
        "en": "Case number, kind (inquiry, fault, complaint, suggestion), opening and closing "
              "times, status, summary, resolution, satisfaction rating."},
    Category.PAPER_FILES: {
        "zh_CN": "档案编号、凭证类型（协议、证件复印件、登记表）、接收日期、存放位置、借阅记录、"
                 "保存期限和销毁记录。",
        "en": "File number, kind of document (agreement, ID copy, registration form), date "
              "received, storage place, loans, retention date and destruction record."},
    Category.CONSENTS: {
        "zh_CN": "每项同意或撤回：用途（服务协议、营销联系、与合作方共享、分析与画像）、决定、"
                 "渠道、时间和备注。",
        "en": "Each consent or withdrawal: purpose (service contract, marketing contact, sharing "
              "with partners, analytics and profiling), decision, channel, time and note."},
    Category.ACCESS_LOG: {
        "zh_CN": "员工每次查询或修改您资料的时间、员工岗位、操作内容和登记的用途。",
        "en": "Each look-up or change of your data by staff: time, their role, what was done "
              "and the purpose they registered."},
}

FACT_KEYS = ("items", "purposes", "legal_basis", "recipients", "transfers", "retention",
             "source", "automated")


def register_facts(entry: RegisterEntry, lang: str) -> dict[str, tuple[str, str]]:
    """key -> (label, text) of one category, in FACT_KEYS order: what the access copy and
    the information notice both print about it."""
    tr = lambda s: translate(s, lang)  # noqa: E731
    bases = ("；" if lang == "zh_CN" else "; ").join(
        labels.label("LegalBasis", b, lang) for b in entry.legal_basis)
    return {
        "items": (tr("Data items"), ITEMS[entry.category][lang]),
        "purposes": (tr("Purposes"), entry.purposes.get(lang, "")),
        "legal_basis": (tr("Legal basis"), bases),
        "recipients": (tr("Recipients"), entry.recipients.get(lang, "")),
        "transfers": (tr("Transfers abroad"), entry.transfers.get(lang, "")),
        "retention": (tr("Retention"), entry.retention.get(lang, "")),
        "source": (tr("Source"), labels.label("Source", entry.source, lang)),
        "automated": (tr("Automated decisions"), entry.automated.get(lang, "")),
    }


def _entry_from_default(category: str) -> RegisterEntry:
    d = DEFAULTS[category]
    return RegisterEntry(category, d["purposes"], tuple(b.value for b in d["legal_basis"]),
                         d["recipients"], d["transfers"], d["retention"], d["source"].value,
                         d["automated"], "", "")


def _entry_from_row(r) -> RegisterEntry:
    both = lambda prefix: {"zh_CN": getattr(r, f"{prefix}_zh"),  # noqa: E731
                           "en": getattr(r, f"{prefix}_en")}
    return RegisterEntry(r.category, both("purposes"), tuple(r.legal_basis.split(",")),
                         both("recipients"), both("transfers"), both("retention"), r.source,
                         both("automated"), r.updated_at, r.updated_by)


def load_register(conn) -> list[RegisterEntry]:
    """Edited rows where there are any, shipped defaults for the rest, in category order."""
    rows = {r.category: r for r in conn.execute(select(reg)).all()}
    return [_entry_from_row(rows[c]) if c in rows else _entry_from_default(c) for c in Category]


def register_entries(session: Session) -> list[RegisterEntry]:
    """Not guarded: the register is what every customer may read about us."""
    with session.db.read() as conn:
        return load_register(conn)


@requires(Permission.REQUEST_DECIDE)
def update_entry(session: Session, entry: RegisterEntry) -> None:
    try:
        category = Category(entry.category)
        bases = tuple(LegalBasis(b).value for b in entry.legal_basis)
        source = Source(entry.source).value
    except ValueError:
        raise ValidationError(_("Unknown category, legal basis or source."),
                              field="category") from None
    if not bases:
        raise ValidationError(_("Name at least one legal basis."), field="legal_basis")
    values = {"category": category.value, "legal_basis": ",".join(bases), "source": source,
              "updated_at": clock.stamp(), "updated_by": session.username}
    for name in ("purposes", "recipients", "transfers", "retention", "automated"):
        texts = getattr(entry, name)
        for lang, suffix in (("zh_CN", "zh"), ("en", "en")):
            text = " ".join((texts.get(lang) or "").split())
            if not text:
                raise ValidationError(_("Every text of the register is needed in Chinese "
                                        "and in English."), field=name)
            values[f"{name}_{suffix}"] = text
    with session.db.write() as conn:
        conn.execute(dialect.insert(conn, reg).values(**values).on_conflict_do_update(
            index_elements=["category"], set_={k: v for k, v in values.items()
                                               if k != "category"}))
        audit.append(conn, session.db, actor=session.username, action="register.updated",
                     detail={"category": category.value})
