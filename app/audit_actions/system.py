"""Catalogue entries: logins, accounts, keys, backups, retention, the log itself, reports,
exports, imports, settings and the database."""

from __future__ import annotations

from app.audit_actions.model import Action, Group
from app.i18n import N_

G = Group
FAILED_LOGINS = ("failed_logins",)

SIGN_IN = (
    Action("login", G.SIGN_IN, N_("Logged in"), N_("{who} logged in.")),
    Action("login.recovery", G.SIGN_IN, N_("Logged in with the recovery code"),
           N_("{who} logged in with the recovery code.")),
    Action("login.failed", G.SIGN_IN, N_("Failed login"),
           N_("Someone failed to log in as {who}."), watched_by=FAILED_LOGINS),
    Action("logout", G.SIGN_IN, N_("Logged out"), N_("{who} logged out.")),
    Action("session.locked", G.SIGN_IN, N_("Screen locked"),
           N_("{who}'s screen was locked ({reason})."), values={"reason": "LockReason"}),
    Action("session.unlocked", G.SIGN_IN, N_("Screen unlocked"), N_("{who} unlocked the screen.")),
    Action("unlock.failed", G.SIGN_IN, N_("Failed unlock"),
           N_("A wrong password was typed on {who}'s locked screen."),
           watched_by=FAILED_LOGINS),
    Action("recovery.used", G.SIGN_IN, N_("Recovery code used"),
           N_("{who} used the recovery code to set a new password for {user}."),
           values={"user": "staff"}),
    Action("user.password_changed", G.SIGN_IN, N_("Own password changed"),
           N_("{who} changed their own password.")),
)

ACCOUNTS = (
    Action("user.created", G.ACCOUNTS, N_("Account created"),
           N_("{who} created the account {user} ({roles})."),
           values={"user": "staff", "roles": "roles"}),
    Action("user.roles_changed", G.ACCOUNTS, N_("Roles changed"),
           N_("{who} changed the roles of {user} from {before} to {after}."),
           values={"user": "staff", "before": "roles", "after": "roles"}),
    Action("user.disabled", G.ACCOUNTS, N_("Account disabled"),
           N_("{who} disabled the account of {user}."), values={"user": "staff"}),
    Action("user.enabled", G.ACCOUNTS, N_("Account enabled"),
           N_("{who} enabled the account of {user} again."), values={"user": "staff"}),
    Action("user.password_reset", G.ACCOUNTS, N_("Password reset"),
           N_("{who} reset the password of {user}."), values={"user": "staff"}),
    Action("access.granted", G.ACCOUNTS, N_("Access to customer data granted"),
           N_("{who} gave {user} the keys to {domains}."),
           values={"user": "staff", "domains": "KeyDomain", "via": "GrantedVia"}),
    Action("permission.denied", G.ACCOUNTS, N_("Action not permitted"),
           N_("{who} tried to {permission}, which their role does not allow."),
           values={"permission": "permission"}),
)

KEYS = (
    Action("keys.rotated", G.KEYS, N_("Database key changed"),
           N_("{who} changed the database key ({slots} accounts re-sealed).")),
    Action("keys.recovery_replaced", G.KEYS, N_("Recovery code replaced"),
           N_("{who} replaced the recovery code.")),
    Action("keys.data_rotation", G.KEYS, N_("Customer-data key change begun"),
           N_("{who} began changing the customer-data keys.")),
    Action("keys.data_rotated", G.KEYS, N_("Customer-data keys changed"),
           N_("{who} finished changing the customer-data keys.")),
    Action("fields.keys_made", G.KEYS, N_("Customer-data keys made"),
           N_("{who} made the customer-data keys.")),
    Action("fields.keys_record_missing", G.KEYS, N_("Customer-data keys not on record"),
           N_("{who} could not seal the customer data: the record of its keys is missing.")),
    Action("fields.sealed", G.KEYS, N_("Customer data sealed"),
           N_("{who} sealed the customer data field by field.")),
    Action("fields.sealing", G.KEYS, N_("Sealing of customer data begun"),
           N_("{who} began sealing the customer data under the current keys ({rows} "
              "records).")),
    Action("fields.sealing_done", G.KEYS, N_("Sealing of customer data finished"),
           N_("{who} finished sealing the customer data ({rows} records).")),
    Action("fields.key_refused", G.KEYS, N_("Customer-data key refused"),
           N_("A customer-data key in {who}'s key-ring slot did not match the record and "
              "was not used.")),
    Action("signing_key.registered", G.KEYS, N_("Signing key registered"),
           N_("{who} registered the signing key of {user}."), values={"user": "staff"}),
    Action("signing_key.revoked", G.KEYS, N_("Signing key revoked"),
           N_("{who} revoked the signing key of {user}."), values={"user": "staff"}),
)

BACKUPS = (
    Action("backup.created", G.BACKUPS, N_("Backup made"),
           N_("{who} made the backup {file}.")),
    Action("backup.verified", G.BACKUPS, N_("Backup test-restored"),
           N_("{who} test-restored the backup {file}.")),
    Action("backup.restore", G.BACKUPS, N_("Restore begun"),
           N_("{who} began restoring the backup {file}."),
           values={"backup_created_at": "when", "by": "staff", "reason": "RestoreRefusal"}),
    Action("backup.restored", G.BACKUPS, N_("Backup restored"),
           N_("{who} restored the backup {file}."),
           values={"backup_created_at": "when", "by": "staff"}),
    Action("retention.rule_changed", G.RETENTION, N_("Retention rule changed"),
           N_("{who} changed how long {category} is kept, from {before} to {after}."),
           values={"category": "Category", "before": "period", "after": "period"}),
    Action("retention.applied", G.RETENTION, N_("Retention applied"),
           N_("{who} deleted the data whose keeping time had ended."),
           values={"counts": "RetentionCount"}),
    Action("retention.dry_run", G.RETENTION, N_("Retention previewed"),
           N_("{who} previewed what retention would delete."),
           values={"counts": "RetentionCount"}),
)

OVERSIGHT = (
    Action("audit.verified", G.OVERSIGHT, N_("Log integrity checked"),
           N_("{who} checked the integrity of {events} events of the access log.")),
    Action("audit.reviewed", G.OVERSIGHT, N_("Access log searched"),
           N_("{who} searched the access log ({rows} events found)."),
           values={"actor": "staff", "action": "action", "actions": "action", "purpose": "Purpose",
                   "since": "text"}),
    Action("audit.rollback_suspected", G.OVERSIGHT, N_("Older database suspected"),
           N_("The database opened by {who} is older than one seen on {seen_at}: it may "
              "have been replaced by an older copy."), values={"seen_at": "when"}),
    Action("alert.acknowledged", G.OVERSIGHT, N_("Alert acknowledged"),
           N_("{who} acknowledged the alert about {user} ({rule})."),
           values={"user": "staff", "rule": "AlertRule"}),
    Action("alert.deadline", G.OVERSIGHT, N_("Deadline alerts raised"),
           N_("{who} saw {count} deadline(s) of the compliance file pass; an alert was "
              "raised for each.")),
    Action("alert.thresholds_changed", G.OVERSIGHT, N_("Alert thresholds changed"),
           N_("{who} changed the alert thresholds.")),
    Action("report.printed", G.OVERSIGHT, N_("Report printed"),
           N_("{who} printed the {report} for {period}."), values={"report": "Report"}),
    Action("export.audit", G.OVERSIGHT, N_("Access log exported"),
           N_("{who} exported {rows} events of the access log."), watched_by=("bulk_export",)),
    Action("export.search", G.OVERSIGHT, N_("Customer list exported"),
           N_("{who} exported a list of {rows} customers."), watched_by=("bulk_export",)),
    Action("export.marketing", G.OVERSIGHT, N_("Marketing list exported"),
           N_("{who} exported the marketing contact list ({rows} customers)."),
           watched_by=("bulk_export",)),
)

IMPORTS = tuple(
    Action(f"import.{kind}", G.IMPORTS, label,
           N_("{who} imported {file}: {imported} of {rows} rows taken in."))
    for kind, label in (("customers", N_("Customers imported")),
                        ("services", N_("Services imported")),
                        ("consumption", N_("Consumption imported from a file")),
                        ("cases", N_("Cases imported"))))

SYSTEM = (
    Action("setting.changed", G.SYSTEM, N_("Setting changed"),
           N_("{who} changed the setting {key} from {before} to {after}."),
           values={"key": "Setting", "before": "text", "after": "text"}),
    Action("database.created", G.SYSTEM, N_("Database created"),
           N_("{who} created this database.")),
    Action("demo.passwords_kept", G.ACCOUNTS, N_("Demo accounts keep their passwords"),
           N_("{who} let the demo accounts keep their printed passwords (no change asked "
              "at their first login).")),
    Action("database.migrated", G.SYSTEM, N_("Database moved to the branch server"),
           N_("{who} moved {rows} rows from {from} to the branch server."),
           values={"from": "text"}),
    Action("demo.generated", G.SYSTEM, N_("Demo data made"),
           N_("{who} filled the demo database with {customers} made-up customers."),
           values={"customers": "count"}),
)

ENTRIES = SIGN_IN + ACCOUNTS + KEYS + BACKUPS + OVERSIGHT + IMPORTS + SYSTEM
