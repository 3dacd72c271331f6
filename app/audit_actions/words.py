"""Words for the codes that audit details hold and no model enum labels already: what a
search was read as, which field was corrected, why a screen locked, and the like."""

from __future__ import annotations

from app.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "SearchKind": {
        "name": N_("name"), "initials": N_("initials"), "pinyin": N_("pinyin"),
        "customer_no": N_("customer number"), "id_number": N_("ID number"),
        "id_tail": N_("end of the ID number"), "phone": N_("phone number"),
        "phone_tail": N_("end of the phone number"), "service_no": N_("service number"),
    },
    "IdentityField": {
        "name": N_("Name"), "id_type": N_("ID document"), "id_number": N_("ID number"),
        "phone": N_("Phone"), "email": N_("Email"), "province": N_("Province"),
        "city": N_("City"), "district": N_("District"), "street": N_("Street"),
    },
    "CaseField": {
        "summary": N_("Summary"), "details": N_("Details"), "due_date": N_("Due date"),
        "kind": N_("Kind"), "channel": N_("Channel"), "service_id": N_("Service"),
    },
    "CopyHow": {
        "printed": N_("printed"), "exported": N_("saved to a file"), "shown": N_("shown"),
        "saved": N_("saved to a file"),
    },
    "FileSearch": {
        "customer_no": N_("customer number"), "file_no": N_("file number"),
        "box_or_name": N_("box or name"),
    },
    "LockReason": {"manual": N_("locked by hand"), "idle": N_("left idle")},
    "KeyDomain": {"names": N_("customer names"), "identity": N_("identity and records")},
    "GrantedVia": {"manager": N_("a manager"), "recovery code": N_("the recovery code")},
    "Setting": {
        "idle_lock_minutes": N_("Lock after idle minutes"), "branch_name": N_("Branch name"),
        "branch_address": N_("Branch address"), "privacy_contact": N_("Privacy contact"),
        "request_due_days": N_("Days to answer a request"),
        "training_every_months": N_("Months between two trainings"),
        "backup_destinations": N_("Backup folders"), "backup_daily_time": N_("Daily backup time"),
        "backup_keep_daily": N_("Daily backups kept"),
        "backup_keep_weekly": N_("Weekly backups kept"),
        "backup_keep_monthly": N_("Monthly backups kept"),
        "backup_verify_weekly": N_("Weekly test restore"),
    },
    "RetentionCount": {
        "consumption": N_("consumption months"), "closed_identity": N_("closed customers"),
        "cases": N_("cases"), "access_log": N_("access-log events"),
    },
    "Unit": {"months": N_("{count} months"), "years": N_("{count} years")},
    "AlertRule": {
        "many_customers": N_("many customers opened"), "after_hours": N_("after hours"),
        "many_reveals": N_("many ID numbers revealed"), "bulk_export": N_("bulk export"),
        "failed_logins": N_("failed logins"), "purpose_other": N_("purpose 'Other'"),
        "number_guessing": N_("number guessing"), "rollback": N_("older database"),
        "breach_due_soon": N_("breach deadline near"),
        "breach_overdue": N_("breach deadline passed"),
        "training_due": N_("training overdue"),
    },
    "Report": {
        "cases": N_("Monthly service-case report"), "requests": N_("Rights-requests report"),
        "archive": N_("Archive report"), "access": N_("Access-log summary"),
        "permissions": N_("Permission review"), "compliance": N_("Compliance summary"),
    },
    "Language": {"zh_CN": N_("Chinese"), "en": N_("English")},
    "Format": {"pdf": N_("PDF"), "xlsx": N_("XLSX")},
    "RestoreRefusal": {"another database": N_("it is a backup of another database")},
}

# Detail keys worth a sentence of their own, with the words that name them. Keys left out
# (hashes, internal ids, flags) are the program's, not the reader's.
FACTS: dict[str, str] = {
    "reason": N_("Reason"), "note": N_("Note"), "evidence": N_("Evidence"),
    "channel": N_("Channel"), "assignee": N_("Handled by"), "due_date": N_("Due"),
    "due_from": N_("Due before"), "due_to": N_("Due now"), "satisfaction": N_("Satisfaction"),
    "borrower_kind": N_("Borrower"), "borrower": N_("Borrowed by"),
    "condition": N_("Condition"), "received_by": N_("Received by"), "method": N_("Method"),
    "destroyed_on": N_("Destroyed on"), "certificate_no": N_("Certificate"),
    "to_unit": N_("To"), "transferred_on": N_("Transferred on"), "renewals": N_("Renewals"),
    "late": N_("Answered"), "override": N_("Keeping date set by hand"), "box": N_("Box"),
    "retain_until": N_("Kept until"), "kind": N_("Kind"), "query": N_("Query (masked)"),
    "results": N_("Found"), "rows": N_("Rows"), "count": N_("Count"), "file": N_("File name"),
    "format": N_("Format"), "language": N_("Language"), "result": N_("Result"),
    "events": N_("Events"), "first_broken": N_("First broken event"),
    "consents": N_("Consents given"), "before": N_("Before"), "after": N_("After"),
    "fields": N_("Fields"), "how": N_("Handed over as"), "via": N_("Granted through"),
    "counts": N_("Counted"), "held": N_("Kept under legal hold"), "until": N_("Until"),
    "since": N_("Since"), "retry_after": N_("Seconds to wait"),
    "periods": N_("Months"), "period": N_("Month"), "replaced": N_("Replaced"),
    "imported": N_("Taken in"), "already_present": N_("Already present"),
    "rejected": N_("Rejected"), "by": N_("By"), "backup_created_at": N_("Backup made at"),
    "user": N_("Account"), "rule": N_("Alert rule"), "status": N_("Status"),
    "as": N_("Searched by"), "was": N_("Was"), "report": N_("Report"),
    "files": N_("Files"), "customers": N_("Customers"), "actor": N_("User"),
    "action": N_("Action"), "actions": N_("Action"), "purpose": N_("Purpose"), "customer_no": N_("Customer"),
    "since_date": N_("Since"), "roles": N_("Roles"), "domains": N_("Keys"),
    "key": N_("Setting"), "category": N_("Data category"), "ended_before": N_("Ended before"),
    "notifications": N_("Reminders"), "to": N_("To"), "from": N_("From"),
    "file_no": N_("Paper file"), "case_no": N_("Case"), "request": N_("Request"),
    "service_no": N_("Service"), "batch_no": N_("Batch"), "field": N_("Field"),
    "slots": N_("Accounts"), "seen_at": N_("Seen on"), "permission": N_("Permission"),
}

# Keys whose stored value is a code: shown only where the action says how to word it.
CODED = frozenset({"kind", "channel", "status", "from", "to", "field", "purpose", "method",
                   "condition", "was", "borrower_kind", "how", "via", "rule", "report",
                   "format", "category", "language", "as", "by", "fields", "before", "after",
                   "counts", "consents", "user", "roles", "domains", "key", "action",
                   "permission", "late", "override", "erased", "assignee", "borrower", "actions",
                   "received_by", "actor", "since", "files", "customers"})
