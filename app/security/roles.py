"""The four roles and the permission matrix from DESIGN.md, as one table.

A hidden button is a courtesy; this table, checked by `requires`, is the rule.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_, _


class Role(StrEnum):
    COUNTER = "counter"
    ARCHIVE = "archive"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.COUNTER: N_("Counter staff"),
    Role.ARCHIVE: N_("Archive clerk"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("Administrator"),
}


class Permission(StrEnum):
    CUSTOMER_FIND = "customer.find"
    CUSTOMER_OPEN = "customer.open"
    CUSTOMER_REVEAL = "customer.reveal"
    CUSTOMER_EDIT = "customer.edit"
    REQUEST_TAKE = "request.take"
    REQUEST_DECIDE = "request.decide"
    FILE_VIEW = "file.view"
    FILE_REQUEST_LOAN = "file.request_loan"
    FILE_MANAGE = "file.manage"
    FILE_APPROVE = "file.approve"
    DESTRUCTION_PROPOSE = "destruction.propose"
    DESTRUCTION_APPROVE = "destruction.approve"
    RETENTION_CONFIGURE = "retention.configure"
    LEGAL_HOLD = "legal_hold"
    OVERSIGHT = "oversight"
    IMPORT = "import"
    AUDIT_VERIFY = "audit.verify"
    ACCOUNTS_MANAGE = "accounts.manage"
    KEYS_MANAGE = "keys.manage"
    BACKUPS = "backups"
    SECURITY_SETTINGS = "settings.security"
    BRANCH_SETTINGS = "settings.branch"
    OWN_ACCOUNT = "own.account"
    ACCESS_GRANT = "access.grant"
    COMPLIANCE = "compliance"
    REVIEW_DECISIONS = "compliance.review_decisions"
    STAFF_RECORDS = "compliance.staff"

    @property
    def label(self) -> str:
        return _(_PERMISSION_LABELS[self])


C, A, M, D = Role.COUNTER, Role.ARCHIVE, Role.MANAGER, Role.ADMIN

# The matrix. Rows are permissions, the set is who holds them. Nothing else grants rights.
MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.CUSTOMER_FIND: frozenset({C, A, M}),       # archive: name + file no. only
    Permission.CUSTOMER_OPEN: frozenset({C, M}),
    Permission.CUSTOMER_REVEAL: frozenset({C, M}),        # with a reason, logged
    Permission.CUSTOMER_EDIT: frozenset({C, M}),          # customers, services, cases, consents
    Permission.REQUEST_TAKE: frozenset({C, M}),
    Permission.REQUEST_DECIDE: frozenset({M}),            # decide, release copies
    Permission.FILE_VIEW: frozenset({C, A, M}),
    Permission.FILE_REQUEST_LOAN: frozenset({C, A, M}),
    Permission.FILE_MANAGE: frozenset({A}),
    Permission.FILE_APPROVE: frozenset({M}),
    Permission.DESTRUCTION_PROPOSE: frozenset({A}),
    Permission.DESTRUCTION_APPROVE: frozenset({M}),
    Permission.RETENTION_CONFIGURE: frozenset({D}),
    Permission.LEGAL_HOLD: frozenset({M}),                # place and lift legal holds
    Permission.OVERSIGHT: frozenset({M}),                 # access log, alerts, reports
    Permission.IMPORT: frozenset({M}),                    # spreadsheets into the records
    Permission.AUDIT_VERIFY: frozenset({M, D}),           # admins: log integrity only
    Permission.ACCOUNTS_MANAGE: frozenset({D}),
    Permission.KEYS_MANAGE: frozenset({D}),
    Permission.BACKUPS: frozenset({D}),
    Permission.SECURITY_SETTINGS: frozenset({D}),
    Permission.BRANCH_SETTINGS: frozenset({M, D}),        # branch name, address, DP contact
    Permission.OWN_ACCOUNT: frozenset({C, A, M, D}),
    Permission.ACCESS_GRANT: frozenset({M}),              # seal data keys to a new account
    Permission.COMPLIANCE: frozenset({M}),                # the branch's compliance file
    # Permission reviews: the manager decides, the administrator carries the changes out.
    Permission.REVIEW_DECISIONS: frozenset({M, D}),
    # Staff agreements and training: the administrator who sets up an account records the
    # agreement it needs before its access is approved; a manager may too.
    Permission.STAFF_RECORDS: frozenset({M, D}),
}

# The customer-data domain keys (store/fields.py) each role's key-ring slot holds: the
# matrix above, as far as a key can enforce it outside the program.
ROLE_DOMAINS: dict[Role, frozenset[str]] = {
    C: frozenset({"names", "identity"}),
    M: frozenset({"names", "identity"}),
    A: frozenset({"names"}),
    D: frozenset(),
}

# Permissions that work on no customer data: usable while an account's access is pending.
KEYLESS = frozenset({
    Permission.RETENTION_CONFIGURE, Permission.AUDIT_VERIFY, Permission.ACCOUNTS_MANAGE,
    Permission.KEYS_MANAGE, Permission.BACKUPS, Permission.SECURITY_SETTINGS,
    Permission.BRANCH_SETTINGS, Permission.OWN_ACCOUNT, Permission.STAFF_RECORDS,
})


def domains_for(roles) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for role in roles:
        out |= ROLE_DOMAINS[Role(role)]
    return out

_PERMISSION_LABELS = {
    Permission.CUSTOMER_FIND: N_("find customers"),
    Permission.CUSTOMER_OPEN: N_("open a customer record"),
    Permission.CUSTOMER_REVEAL: N_("reveal a masked field"),
    Permission.CUSTOMER_EDIT: N_("create or edit customer records"),
    Permission.REQUEST_TAKE: N_("take rights requests"),
    Permission.REQUEST_DECIDE: N_("decide rights requests"),
    Permission.FILE_VIEW: N_("see paper files"),
    Permission.FILE_REQUEST_LOAN: N_("request a paper-file loan"),
    Permission.FILE_MANAGE: N_("manage paper files and loans"),
    Permission.FILE_APPROVE: N_("approve paper-file loans"),
    Permission.DESTRUCTION_PROPOSE: N_("propose destruction"),
    Permission.DESTRUCTION_APPROVE: N_("approve destruction"),
    Permission.RETENTION_CONFIGURE: N_("configure retention"),
    Permission.LEGAL_HOLD: N_("place or lift a legal hold"),
    Permission.OVERSIGHT: N_("review the access log, alerts and reports"),
    Permission.IMPORT: N_("import spreadsheets"),
    Permission.AUDIT_VERIFY: N_("verify the audit log"),
    Permission.ACCOUNTS_MANAGE: N_("manage accounts"),
    Permission.KEYS_MANAGE: N_("manage keys"),
    Permission.BACKUPS: N_("manage backups"),
    Permission.SECURITY_SETTINGS: N_("change security settings"),
    Permission.BRANCH_SETTINGS: N_("change the branch details"),
    Permission.OWN_ACCOUNT: N_("change your own password"),
    Permission.ACCESS_GRANT: N_("approve an account's access to customer data"),
    Permission.COMPLIANCE: N_("keep the branch's compliance file"),
    Permission.REVIEW_DECISIONS: N_("see permission reviews and their decisions"),
    Permission.STAFF_RECORDS: N_("record staff confidentiality agreements and training"),
}


def roles_allowed(permission: Permission) -> frozenset[Role]:
    return MATRIX[permission]


def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    return frozenset(p for p, allowed in MATRIX.items() if allowed & roles)
