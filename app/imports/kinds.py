"""What each import kind reads: its fields (with the column names branches use for them) and
how one row becomes validated values — through the same validators as the forms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.customers import idnumbers
from app.customers.editing import validated_identity
from app.customers.model import CaseKind, Channel, IdType, ServiceKind
from app.customers.services import iso_date, iso_period, service_number, whole_number
from app.errors import ValidationError
from app.i18n import N_, _
from app.imports.reader import as_date


@dataclass(frozen=True)
class Field:
    key: str
    label: str                  # msgid
    aliases: tuple[str, ...]    # header texts that mean this field (lower case)
    required: bool = True


KINDS: dict[str, tuple[Field, ...]] = {
    "customers": (
        Field("name", N_("Name"), ("name", "姓名", "客户姓名", "客户名称")),
        Field("id_type", N_("ID document"), ("id type", "证件类型"), False),
        Field("id_number", N_("ID number"), ("id number", "id_number", "证件号码", "身份证号",
                                             "身份证号码")),
        Field("phone", N_("Phone"), ("phone", "mobile", "手机", "手机号码", "联系电话", "电话")),
        Field("email", N_("Email"), ("email", "邮箱", "电子邮箱"), False),
        Field("province", N_("Province"), ("province", "省", "省份"), False),
        Field("city", N_("City"), ("city", "市", "城市"), False),
        Field("district", N_("District"), ("district", "区", "区县", "区/县"), False),
        Field("street", N_("Street address"), ("street", "address", "地址", "详细地址"), False),
        Field("marketing", N_("Marketing consent"), ("marketing", "营销同意", "同意营销"), False),
    ),
    "services": (
        Field("customer", N_("Customer (number or ID number)"),
              ("customer", "customer no", "客户编号", "证件号码", "身份证号")),
        Field("kind", N_("Kind"), ("kind", "type", "业务类型", "类型")),
        Field("service_no", N_("Number"), ("service no", "number", "号码", "业务号码",
                                           "宽带账号")),
        Field("plan_code", N_("Plan"), ("plan", "plan code", "套餐", "套餐代码")),
        Field("start_date", N_("Start"), ("start", "start date", "开通日期", "入网日期")),
    ),
    "consumption": (
        Field("service_no", N_("Number"), ("service no", "number", "号码", "业务号码")),
        Field("period", N_("Month"), ("period", "month", "账期", "月份")),
        Field("voice_minutes", N_("Voice (min)"), ("voice", "minutes", "通话分钟", "通话时长")),
        Field("sms_count", N_("SMS"), ("sms", "短信", "短信条数")),
        Field("data_mb", N_("Data (MB)"), ("data", "data mb", "流量", "流量(mb)", "流量mb")),
        Field("billed", N_("Billed (¥)"), ("billed", "amount", "金额", "账单金额", "金额(元)",
                                           "应收金额")),
    ),
    "cases": (
        Field("customer", N_("Customer (number or ID number)"),
              ("customer", "customer no", "客户编号", "证件号码")),
        Field("kind", N_("Kind"), ("kind", "type", "工单类型", "类型")),
        Field("channel", N_("Channel"), ("channel", "渠道", "受理渠道"), False),
        Field("summary", N_("Summary"), ("summary", "摘要", "主题", "内容摘要")),
        Field("details", N_("Details"), ("details", "详情", "详细内容"), False),
        Field("opened", N_("Opened"), ("opened", "date", "受理日期", "日期")),
        Field("reference", N_("Case number"), ("case no", "reference", "工单号"), False),
    ),
}

_YES = {"1", "y", "yes", "true", "是", "同意", "√", "x"}
_KIND_WORDS = {"移动": "mobile", "手机": "mobile", "移动电话": "mobile", "宽带": "broadband",
               "固话": "fixed_line", "固定电话": "fixed_line"}
_CASE_WORDS = {"服务": "service", "服务记录": "service", "故障": "fault", "故障申报": "fault",
               "咨询": "inquiry", "投诉": "complaint", "建议": "suggestion"}
_CHANNEL_WORDS = {"柜台": "counter", "营业厅": "counter", "电话": "phone", "网上": "online",
                  "在线": "online", "信函": "letter"}


def _enum(value: str, enum, words: dict[str, str], field: str, sentence: str) -> str:
    value = value.strip()
    low = words.get(value, value.lower().replace(" ", "_"))
    for member in enum:
        if low in (member.value, member.label.lower()):
            return member.value
    raise ValidationError(sentence, field=field)


def yuan_to_fen(text: str, field: str) -> int:
    try:
        amount = Decimal(text.replace(",", "").replace("¥", "").replace("￥", "").strip())
    except InvalidOperation:
        raise ValidationError(_("The amount must be a number of yuan, for example 59.00."),
                              field=field) from None
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), field=field)
    return int((amount * 100).to_integral_value())


def customer_values(row: dict[str, str]) -> dict:
    id_type = row.get("id_type", "").strip()
    if id_type:
        id_type = _enum(id_type, IdType, {"居民身份证": "resident_id", "身份证": "resident_id",
                                          "护照": "passport"}, "id_type",
                        _("Unknown type of identity document."))
    values = validated_identity({**row, "id_type": id_type or idnumbers.RESIDENT_ID})
    values["marketing"] = row.get("marketing", "").strip().lower() in _YES
    return values


def service_values(row: dict[str, str]) -> dict:
    kind = _enum(row.get("kind", ""), ServiceKind, _KIND_WORDS, "kind",
                 _("Unknown kind of service."))
    return {"customer": row.get("customer", "").strip().upper(), "kind": kind,
            "service_no": service_number(ServiceKind(kind), row.get("service_no", "")),
            "plan_code": row.get("plan_code", "").strip().upper(),
            "start_date": iso_date(as_date(row.get("start_date", "")), "start_date").isoformat()}


def consumption_values(row: dict[str, str]) -> dict:
    period = row.get("period", "").strip()
    if len(period) == 6 and period.isdigit():
        period = f"{period[:4]}-{period[4:]}"
    elif len(period) >= 8:
        period = as_date(period)[:7]
    return {"service_no": row.get("service_no", "").strip(),
            "period": iso_period(period),
            "voice_minutes": whole_number(row.get("voice_minutes", ""), "voice_minutes",
                                          "Voice minutes"),
            "sms_count": whole_number(row.get("sms_count", ""), "sms_count", "Text messages"),
            "data_mb": whole_number(row.get("data_mb", ""), "data_mb", "Data (MB)"),
            "billed_fen": yuan_to_fen(row.get("billed", ""), "billed")}


def case_values(row: dict[str, str]) -> dict:
    summary = " ".join(row.get("summary", "").split())
    if not summary:
        raise ValidationError(_("Write a short summary of the case."), field="summary")
    channel = row.get("channel", "").strip()
    return {"customer": row.get("customer", "").strip().upper(),
            "kind": _enum(row.get("kind", ""), CaseKind, _CASE_WORDS, "kind",
                          _("Unknown kind of case.")),
            "channel": _enum(channel, Channel, _CHANNEL_WORDS, "channel",
                             _("Unknown channel.")) if channel else "counter",
            "summary": summary[:200], "details": row.get("details", "").strip()[:4000],
            "opened": iso_date(as_date(row.get("opened", "")), "opened").isoformat(),
            "reference": row.get("reference", "").strip().upper()}


CONVERTERS = {"customers": customer_values, "services": service_values,
              "consumption": consumption_values, "cases": case_values}


def suggest_mapping(kind: str, headers: list[str]) -> dict[str, int]:
    """field key -> column index, from the header texts."""
    found: dict[str, int] = {}
    lowered = [h.strip().lower() for h in headers]
    for f in KINDS[kind]:
        for alias in f.aliases:
            if alias in lowered and lowered.index(alias) not in found.values():
                found[f.key] = lowered.index(alias)
                break
    return found


def mapping_by_header(kind: str, data: object, headers: list[str], name: str
                      ) -> dict[str, int]:
    """field key -> column index, from a mapping written by a person (field -> header text,
    e.g. a JSON file named `name`): its shape, its fields and its columns are checked first."""
    if not (isinstance(data, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())):
        raise ValidationError(_("The mapping file {name} must pair each field name with a "
                                "column header, both as text, e.g. {example}.").format(
                                    name=name, example='{"name": "姓名"}'), field="mapping")
    known = {f.key for f in KINDS[kind]}
    unknown = sorted(k for k in data if k not in known)
    if unknown:
        raise ValidationError(_("The mapping file {name} names fields that {kind} do not have: "
                                "{fields}. Known fields: {known}.").format(
                                    name=name, kind=kind, fields=", ".join(unknown),
                                    known=", ".join(f.key for f in KINDS[kind])),
                              field="mapping")
    missing = [v for v in data.values() if v not in headers]
    if missing:
        raise ValidationError(_("The mapping names columns the file does not have: "
                                "{columns}.").format(columns=", ".join(missing)))
    return {k: headers.index(v) for k, v in data.items()}
