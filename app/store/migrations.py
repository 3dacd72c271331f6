"""Numbered schema migrations, frozen as SQL text.

Step N brings a database from `PRAGMA user_version` N-1 to N and is never edited once
released: a database written by any earlier version upgrades through every step in order.
The Core tables used by queries live beside each feature (schema.py, customers/tables.py);
a test checks that migrating an empty database yields exactly those tables and columns.
"""

from __future__ import annotations

V1_FOUNDATION = """
CREATE TABLE meta (
    "key" TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE setting (
    "key" TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE user (
    id INTEGER NOT NULL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_login_at TEXT,
    password_changed_at TEXT
);
CREATE TABLE user_role (
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE TABLE audit_event (
    seq INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    customer_ref TEXT,
    purpose TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_by_actor ON audit_event (actor, at);
CREATE INDEX audit_by_customer ON audit_event (customer_ref, at);
CREATE INDEX audit_by_action ON audit_event (action, at);
CREATE INDEX audit_by_time ON audit_event (at);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

V2_CUSTOMERS = """
CREATE TABLE customer (
    id INTEGER NOT NULL PRIMARY KEY,
    customer_no TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'person',
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number TEXT NOT NULL,
    id_rev TEXT NOT NULL,
    birth_date TEXT,
    gender TEXT,
    phone TEXT NOT NULL,
    email TEXT,
    province TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    verified_how TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    restricted_at TEXT,
    restricted_by TEXT,
    restriction_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customer_by_id_number ON customer (id_number);
CREATE INDEX customer_by_id_rev ON customer (id_rev);
CREATE INDEX customer_by_phone ON customer (phone);
CREATE INDEX customer_by_name ON customer (name);
CREATE INDEX customer_by_pinyin ON customer (name_pinyin);
CREATE INDEX customer_by_initials ON customer (name_initials);
CREATE TABLE plan (
    code TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    monthly_fee_fen INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE service (
    id INTEGER NOT NULL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    service_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    plan_code TEXT NOT NULL REFERENCES plan (code),
    account_no TEXT NOT NULL,
    agreement_no TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at TEXT NOT NULL
);
CREATE INDEX service_by_customer ON service (customer_id);
CREATE INDEX service_by_no ON service (service_no);
CREATE TABLE consumption (
    service_id INTEGER NOT NULL REFERENCES service (id),
    period TEXT NOT NULL,
    voice_minutes INTEGER NOT NULL,
    sms_count INTEGER NOT NULL,
    data_mb INTEGER NOT NULL,
    billed_fen INTEGER NOT NULL,
    PRIMARY KEY (service_id, period)
) WITHOUT ROWID;
CREATE TABLE payment (
    id INTEGER NOT NULL PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service (id),
    paid_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    period TEXT
);
CREATE INDEX payment_by_service ON payment (service_id, paid_on);
CREATE TABLE service_case (
    id INTEGER NOT NULL PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    service_id INTEGER REFERENCES service (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    assignee TEXT,
    due_date TEXT NOT NULL,
    resolution TEXT,
    satisfaction INTEGER,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT,
    closed_at TEXT
);
CREATE INDEX case_by_customer ON service_case (customer_id, created_at);
CREATE INDEX case_by_status ON service_case (status, due_date);
CREATE INDEX case_by_assignee ON service_case (assignee, status);
CREATE TABLE consent_event (
    id INTEGER NOT NULL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    channel TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_by_customer ON consent_event (customer_id, purpose, id);
INSERT INTO plan (code, kind, name_zh, name_en, monthly_fee_fen) VALUES
    ('M19', 'mobile', '畅享19元套餐', 'Basic 19', 1900),
    ('M39', 'mobile', '畅享39元套餐', 'Smart 39', 3900),
    ('M59', 'mobile', '畅享59元套餐', 'Smart 59', 5900),
    ('M99', 'mobile', '畅享99元套餐', 'Plus 99', 9900),
    ('M129', 'mobile', '尊享129元套餐', 'Premium 129', 12900),
    ('B100', 'broadband', '100M宽带', 'Broadband 100M', 4900),
    ('B300', 'broadband', '300M宽带', 'Broadband 300M', 7900),
    ('B1000', 'broadband', '千兆宽带', 'Broadband 1000M', 12900),
    ('F10', 'fixed_line', '固定电话基本月租', 'Fixed line basic', 1000);
CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER consent_event_no_delete BEFORE DELETE ON consent_event
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
"""

V3_ARCHIVE = """
CREATE TABLE paper_file (
    id INTEGER NOT NULL PRIMARY KEY,
    file_no TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    customer_id INTEGER REFERENCES customer (id),
    description TEXT NOT NULL DEFAULT '',
    room TEXT NOT NULL DEFAULT '',
    cabinet TEXT NOT NULL DEFAULT '',
    shelf TEXT NOT NULL DEFAULT '',
    box TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    retain_until TEXT NOT NULL,
    retain_override_reason TEXT,
    status TEXT NOT NULL DEFAULT 'in_archive',
    sensitive INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX paper_file_by_customer ON paper_file (customer_id);
CREATE INDEX paper_file_by_status ON paper_file (status, retain_until);
CREATE INDEX paper_file_by_box ON paper_file (box);
CREATE TRIGGER paper_file_destroyed_is_final BEFORE UPDATE ON paper_file
WHEN OLD.status = 'destroyed'
BEGIN SELECT RAISE(ABORT, 'a destroyed file''s record can no longer be changed'); END;
CREATE TRIGGER paper_file_never_deleted BEFORE DELETE ON paper_file
BEGIN SELECT RAISE(ABORT, 'paper-file records are kept; mark them destroyed instead'); END;
CREATE TABLE loan (
    id INTEGER NOT NULL PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES paper_file (id),
    borrower_kind TEXT NOT NULL,
    borrower TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    due_date TEXT NOT NULL,
    needs_approval INTEGER NOT NULL DEFAULT 0,
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT,
    lent_at TEXT,
    lent_by TEXT,
    renewals INTEGER NOT NULL DEFAULT 0,
    returned_at TEXT,
    received_by TEXT,
    condition TEXT,
    condition_note TEXT,
    closed_note TEXT,
    escalation INTEGER NOT NULL DEFAULT 0,
    anonymised_at TEXT
);
CREATE INDEX loan_by_file ON loan (file_id, requested_at);
CREATE INDEX loan_by_status ON loan (status, due_date);
CREATE INDEX loan_by_borrower ON loan (borrower, requested_at);
CREATE TABLE file_transfer (
    id INTEGER NOT NULL PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES paper_file (id),
    to_unit TEXT NOT NULL,
    receiver TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    transferred_on TEXT
);
CREATE INDEX file_transfer_by_file ON file_transfer (file_id);
CREATE TABLE destruction_batch (
    id INTEGER NOT NULL PRIMARY KEY,
    batch_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT,
    method TEXT,
    certificate_no TEXT,
    destroyed_on TEXT,
    witness_1 TEXT,
    witness_2 TEXT,
    recorded_by TEXT,
    recorded_at TEXT
);
CREATE TABLE destruction_item (
    batch_id INTEGER NOT NULL REFERENCES destruction_batch (id),
    file_id INTEGER NOT NULL REFERENCES paper_file (id),
    PRIMARY KEY (batch_id, file_id)
);
CREATE INDEX destruction_item_by_file ON destruction_item (file_id);
CREATE TRIGGER destruction_batch_done_is_final BEFORE UPDATE ON destruction_batch
WHEN OLD.status = 'destroyed'
BEGIN SELECT RAISE(ABORT, 'a recorded destruction can no longer be changed'); END;
CREATE TABLE notification (
    id INTEGER NOT NULL PRIMARY KEY,
    audience TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    acknowledge_note TEXT
);
CREATE INDEX notification_open ON notification (audience, acknowledged_at, created_at);
"""

V4_RIGHTS = """
CREATE TABLE processing_register (
    category TEXT NOT NULL PRIMARY KEY,
    purposes_zh TEXT NOT NULL,
    purposes_en TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    recipients_zh TEXT NOT NULL,
    recipients_en TEXT NOT NULL,
    transfers_zh TEXT NOT NULL,
    transfers_en TEXT NOT NULL,
    retention_zh TEXT NOT NULL,
    retention_en TEXT NOT NULL,
    source TEXT NOT NULL,
    automated_zh TEXT NOT NULL,
    automated_en TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE rights_request (
    id INTEGER NOT NULL PRIMARY KEY,
    request_no TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    identity_check TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'zh_CN',
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL,
    due_date TEXT NOT NULL,
    extended_to TEXT,
    extension_reason TEXT,
    extended_by TEXT,
    verified_by TEXT,
    verified_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    outcome TEXT,
    refusal_reason TEXT,
    late_reason TEXT
);
CREATE INDEX rights_request_open ON rights_request (status, due_date);
CREATE INDEX rights_request_by_customer ON rights_request (customer_id, received_at);
CREATE TABLE request_artefact (
    id INTEGER NOT NULL PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES rights_request (id),
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    language TEXT NOT NULL,
    protected INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    released_by TEXT,
    released_at TEXT
);
CREATE INDEX request_artefact_by_request ON request_artefact (request_id);
ALTER TABLE customer ADD COLUMN legal_hold_reason TEXT;
ALTER TABLE customer ADD COLUMN legal_hold_until TEXT;
ALTER TABLE customer ADD COLUMN legal_hold_by TEXT;
ALTER TABLE customer ADD COLUMN legal_hold_at TEXT;
ALTER TABLE customer ADD COLUMN erased_at TEXT;
"""

V5_RETENTION = """
CREATE TABLE retention_rule (
    category TEXT NOT NULL PRIMARY KEY,
    keep INTEGER NOT NULL,
    unit TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE retention_run (
    id INTEGER NOT NULL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    run_by TEXT NOT NULL,
    applied INTEGER NOT NULL,
    result TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE audit_purge_gate (
    upto INTEGER NOT NULL
);
DROP TRIGGER audit_event_no_delete;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
WHEN OLD.seq > COALESCE((SELECT max(upto) FROM audit_purge_gate), 0)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

V6_OVERSIGHT = """
CREATE TABLE alert (
    id INTEGER NOT NULL PRIMARY KEY,
    rule TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    window_key TEXT NOT NULL,
    evidence TEXT NOT NULL,
    summary TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    note TEXT,
    UNIQUE (rule, actor, window_key)
);
CREATE INDEX alert_open ON alert (acknowledged_at, created_at);
CREATE INDEX audit_by_actor_action ON audit_event (actor, action, at);
CREATE TABLE import_mapping (
    kind TEXT NOT NULL PRIMARY KEY,
    mapping TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
"""

V7_REPORT_INDEXES = """
CREATE INDEX case_by_resolved ON service_case (resolved_at);
CREATE INDEX loan_by_lent ON loan (lent_at);
CREATE INDEX loan_by_returned ON loan (returned_at);
"""

V8_CASES_BY_MONTH = """
CREATE INDEX case_by_created ON service_case (created_at, kind);
CREATE INDEX case_by_status_due ON service_case (status, due_date, kind, created_at);
DROP INDEX case_by_status;
"""

# A prepared access copy or portability file is kept here, inside the encrypted database,
# until a manager has looked at it and released it (app/rights/held.py); its views are
# recorded with the checksum seen, and its hand-overs on the artefact row.
V9_HELD_COPIES = """
CREATE TABLE artefact_content (
    artefact_id INTEGER NOT NULL PRIMARY KEY REFERENCES request_artefact (id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL REFERENCES rights_request (id),
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    password TEXT,
    prepared_by TEXT NOT NULL,
    prepared_at TEXT NOT NULL
);
CREATE INDEX artefact_content_by_request ON artefact_content (request_id);
CREATE TABLE artefact_view (
    id INTEGER NOT NULL PRIMARY KEY,
    artefact_id INTEGER NOT NULL REFERENCES request_artefact (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    viewed_by TEXT NOT NULL,
    viewed_at TEXT NOT NULL
);
CREATE INDEX artefact_view_by_artefact ON artefact_view (artefact_id, viewed_by);
ALTER TABLE request_artefact ADD COLUMN handed_over_by TEXT;
ALTER TABLE request_artefact ADD COLUMN handed_over_at TEXT;
"""

# Events from here on are signed by the acting account; the ones already written stay
# chain-only and keep verifying as such (below the 'audit_signed_from' mark).
V10_SIGNED_AUDIT = """
ALTER TABLE audit_event ADD COLUMN signer TEXT;
ALTER TABLE audit_event ADD COLUMN signature TEXT;
INSERT OR REPLACE INTO meta ("key", value) SELECT 'audit_signed_from', CAST(COALESCE(
    (SELECT MAX(seq) FROM audit_event),
    (SELECT CAST(substr(value, 1, instr(value, ':') - 1) AS INTEGER) FROM meta
     WHERE "key" = 'audit_base'),
    0) + 1 AS TEXT);
"""

# "The last four digits of your number?": the tails of phones and service numbers as index
# expressions, so a 4-digit search is a range scan and nothing new is stored (no column to
# keep up to date on each write). search.py uses exactly these expressions. IF NOT EXISTS:
# a database rewound to an older version in tests (or by hand) may still hold them.
V11_PHONE_TAILS = """
CREATE INDEX IF NOT EXISTS customer_by_phone_tail ON customer (substr(phone, -4));
CREATE INDEX IF NOT EXISTS service_by_number_tail ON service (substr(service_no, -4));
"""

# Search tokens (blind indexes) for sealed customer fields (store/fields.py,
# customers/tokens.py). The fields themselves are sealed, and the plaintext indexes dropped,
# by the sealing pass at the first login after this step (store/sealing.py): it needs the
# keys, which SQL does not have.
V13_ROW_VERSIONS = """
ALTER TABLE customer ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customer ADD COLUMN updated_by TEXT;
ALTER TABLE service_case ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE service_case ADD COLUMN updated_by TEXT;
ALTER TABLE rights_request ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE rights_request ADD COLUMN updated_at TEXT;
ALTER TABLE rights_request ADD COLUMN updated_by TEXT;
"""

V12_SEARCH_TOKENS = """
CREATE TABLE IF NOT EXISTS customer_token (
    token INTEGER NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    PRIMARY KEY (token, customer_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS customer_token_by_customer ON customer_token (customer_id);
"""

# Step 14, the branch's compliance file (issue 16), written part by part. Each part keeps
# to its own constant below (so the parts never touch), and the step is their sum.
# 14a. personal-data breaches (app/compliance/breaches.py)
V14_BREACHES = """
CREATE TABLE breach (
    id INTEGER NOT NULL PRIMARY KEY,
    detected_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    what_happened TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    consequences TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    handler TEXT,
    state TEXT NOT NULL DEFAULT 'open',
    regulator_due TEXT NOT NULL,
    customers_due TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    close_reason TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT
);
CREATE INDEX breach_by_state ON breach (state, detected_at);
CREATE TABLE breach_customer (
    breach_id INTEGER NOT NULL REFERENCES breach (id),
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    PRIMARY KEY (breach_id, customer_id)
);
CREATE INDEX breach_customer_by_customer ON breach_customer (customer_id);
CREATE TABLE breach_notice (
    id INTEGER NOT NULL PRIMARY KEY,
    breach_id INTEGER NOT NULL REFERENCES breach (id),
    recipient TEXT NOT NULL,
    customer_id INTEGER REFERENCES customer (id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE INDEX breach_notice_by_breach ON breach_notice (breach_id, recipient);
CREATE TRIGGER breach_notice_no_update BEFORE UPDATE ON breach_notice
BEGIN SELECT RAISE(ABORT, 'the record of breach notifications is append-only'); END;
CREATE TRIGGER breach_notice_no_delete BEFORE DELETE ON breach_notice
BEGIN SELECT RAISE(ABORT, 'the record of breach notifications is append-only'); END;
"""

# 14b. impact assessments (app/compliance/assessments.py)
# (one per processing activity; kept at least three years)
# ---
# Versions per activity (a register category's key, or a new activity's name); a version
# is never changed nor deleted (PIPL Art. 56: kept three years at least, retention never
# touches it): it is approved once, and superseded once, by a later approved version.
V14_ASSESSMENTS = """
CREATE TABLE impact_assessment (
    id INTEGER NOT NULL PRIMARY KEY,
    activity TEXT NOT NULL,
    version INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    necessity TEXT NOT NULL,
    data_items TEXT NOT NULL,
    risks TEXT NOT NULL,
    measures TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    review_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    sole_manager INTEGER NOT NULL DEFAULT 0,
    superseded_by INTEGER,
    superseded_at TEXT,
    UNIQUE (activity, version)
);
CREATE INDEX impact_assessment_by_review ON impact_assessment (review_by);
CREATE TRIGGER impact_assessment_kept BEFORE DELETE ON impact_assessment
BEGIN SELECT RAISE(ABORT, 'impact assessments are kept; a new version supersedes one'); END;
CREATE TRIGGER impact_assessment_content_is_final BEFORE UPDATE OF activity, version,
    purpose, necessity, data_items, risks, measures, conclusion, assessed_by, assessed_on,
    review_by, recorded_at ON impact_assessment
BEGIN SELECT RAISE(ABORT, 'an impact assessment can no longer be changed'); END;
CREATE TRIGGER impact_assessment_settled_once BEFORE UPDATE ON impact_assessment
WHEN (OLD.approved_at IS NOT NULL AND (NEW.approved_at IS NOT OLD.approved_at
                                       OR NEW.approved_by IS NOT OLD.approved_by
                                       OR NEW.sole_manager IS NOT OLD.sole_manager))
  OR (OLD.superseded_by IS NOT NULL AND (NEW.superseded_by IS NOT OLD.superseded_by
                                         OR NEW.superseded_at IS NOT OLD.superseded_at))
BEGIN SELECT RAISE(ABORT, 'an approval or a replacement is recorded once'); END;
"""

# 14c. partners, supervision checks, disclosures, export approvals
# (app/compliance/partners.py)
# ---
V14_PARTNERS = """
CREATE TABLE partner (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    purpose_en TEXT NOT NULL DEFAULT '',
    data_items TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE partner_agreement (
    id INTEGER NOT NULL PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partner (id),
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX partner_agreement_by_partner ON partner_agreement (partner_id, valid_until);
CREATE TABLE partner_check (
    id INTEGER NOT NULL PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partner (id),
    checked_on TEXT NOT NULL,
    finding TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX partner_check_by_partner ON partner_check (partner_id, checked_on);
CREATE TABLE disclosure (
    id INTEGER NOT NULL PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    partner_id INTEGER NOT NULL REFERENCES partner (id),
    data_items TEXT NOT NULL,
    purpose TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    consent_event_id INTEGER REFERENCES consent_event (id),
    disclosed_by TEXT NOT NULL,
    disclosed_at TEXT NOT NULL
);
CREATE INDEX disclosure_by_customer ON disclosure (customer_id, disclosed_at);
CREATE INDEX disclosure_by_time ON disclosure (disclosed_at);
CREATE TABLE export_approval (
    id INTEGER NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    rows_expected INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    approved INTEGER,
    decision_note TEXT NOT NULL DEFAULT '',
    used_at TEXT,
    rows_written INTEGER,
    file_name TEXT
);
CREATE INDEX export_approval_by_requester ON export_approval (requested_by, kind, used_at);
CREATE TRIGGER partner_agreement_no_change BEFORE UPDATE ON partner_agreement
BEGIN SELECT RAISE(ABORT, 'partner agreements are kept as recorded'); END;
CREATE TRIGGER partner_check_no_change BEFORE UPDATE ON partner_check
BEGIN SELECT RAISE(ABORT, 'supervision checks are kept as recorded'); END;
CREATE TRIGGER disclosure_no_update BEFORE UPDATE ON disclosure
BEGIN SELECT RAISE(ABORT, 'the disclosure register is append-only'); END;
CREATE TRIGGER disclosure_no_delete BEFORE DELETE ON disclosure
BEGIN SELECT RAISE(ABORT, 'the disclosure register is append-only'); END;
"""

# 14d. staff: confidentiality agreements and training (app/compliance/staff.py)
# An account's signed agreement (its file's name and SHA-256, not the file) and the training
# sessions with their attendees are kept as recorded: never changed nor deleted.
V14_STAFF = """
CREATE TABLE staff_agreement (
    id INTEGER NOT NULL PRIMARY KEY,
    username TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX staff_agreement_by_user ON staff_agreement (username, signed_on);
CREATE TABLE training_session (
    id INTEGER NOT NULL PRIMARY KEY,
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX training_session_by_day ON training_session (held_on);
CREATE TABLE training_attendee (
    session_id INTEGER NOT NULL REFERENCES training_session (id),
    username TEXT NOT NULL,
    PRIMARY KEY (session_id, username)
);
CREATE INDEX training_attendee_by_user ON training_attendee (username);
CREATE TRIGGER staff_agreement_no_update BEFORE UPDATE ON staff_agreement
BEGIN SELECT RAISE(ABORT, 'confidentiality agreements are kept as recorded'); END;
CREATE TRIGGER staff_agreement_no_delete BEFORE DELETE ON staff_agreement
BEGIN SELECT RAISE(ABORT, 'confidentiality agreements are kept as recorded'); END;
CREATE TRIGGER training_session_no_update BEFORE UPDATE ON training_session
BEGIN SELECT RAISE(ABORT, 'training records are kept as recorded'); END;
CREATE TRIGGER training_session_no_delete BEFORE DELETE ON training_session
BEGIN SELECT RAISE(ABORT, 'training records are kept as recorded'); END;
CREATE TRIGGER training_attendee_no_update BEFORE UPDATE ON training_attendee
BEGIN SELECT RAISE(ABORT, 'training records are kept as recorded'); END;
CREATE TRIGGER training_attendee_no_delete BEFORE DELETE ON training_attendee
BEGIN SELECT RAISE(ABORT, 'training records are kept as recorded'); END;
"""

# 14e. permission reviews (app/compliance/reviews.py)
# A review is started by a manager, holds one decision per account (keep, new roles,
# disable) and is signed off; a decision that changes an account is carried out by an
# administrator (done_by/done_at). A signed review is never changed nor deleted: only its
# decisions' done_by/done_at are written once (the triggers below; server: their twins).
V14_REVIEWS = """
CREATE TABLE permission_review (
    id INTEGER NOT NULL PRIMARY KEY,
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL,
    signed_at TEXT,
    signed_by TEXT,
    signature_seq INTEGER
);
CREATE TABLE review_decision (
    id INTEGER NOT NULL PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES permission_review (id),
    username TEXT NOT NULL,
    roles_before TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('keep', 'roles', 'disable')),
    roles_after TEXT,
    note TEXT NOT NULL,
    own_account INTEGER NOT NULL DEFAULT 0,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    done_by TEXT,
    done_at TEXT,
    UNIQUE (review_id, username)
);
CREATE INDEX review_decision_open ON review_decision (done_at, decision);
CREATE TRIGGER permission_review_signed_is_final BEFORE UPDATE ON permission_review
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed permission review can no longer be changed'); END;
CREATE TRIGGER permission_review_never_deleted BEFORE DELETE ON permission_review
BEGIN SELECT RAISE(ABORT, 'permission reviews are kept'); END;
CREATE TRIGGER review_decision_signed_is_final BEFORE UPDATE ON review_decision
WHEN (SELECT signed_at FROM permission_review WHERE id = OLD.review_id) IS NOT NULL
AND (OLD.done_at IS NOT NULL OR NEW.review_id IS NOT OLD.review_id
     OR NEW.username IS NOT OLD.username OR NEW.roles_before IS NOT OLD.roles_before
     OR NEW.decision IS NOT OLD.decision OR NEW.roles_after IS NOT OLD.roles_after
     OR NEW.note IS NOT OLD.note OR NEW.own_account IS NOT OLD.own_account
     OR NEW.decided_by IS NOT OLD.decided_by OR NEW.decided_at IS NOT OLD.decided_at)
BEGIN SELECT RAISE(ABORT, 'a signed permission review can no longer be changed'); END;
CREATE TRIGGER review_decision_signed_not_deleted BEFORE DELETE ON review_decision
WHEN (SELECT signed_at FROM permission_review WHERE id = OLD.review_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed permission review can no longer be changed'); END;
"""

# 14f. backup evidence: destinations on-site/off-site, verify and restore tests on record
# (app/compliance/evidence.py)
# ---
V14_EVIDENCE = """
"""

# 14g. the information notice, objections to profiling (app/rights/notice.py)
# ---
# ---
V14_NOTICE = """
"""

# ---
# ---
# ---
V14_COMPLIANCE = (V14_BREACHES + V14_ASSESSMENTS + V14_PARTNERS + V14_STAFF + V14_REVIEWS
                  + V14_EVIDENCE + V14_NOTICE)

# (version reached, what it adds, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "accounts, settings and the audit log", V1_FOUNDATION),
    (2, "customers, plans, services, consumption, payments, cases, consents", V2_CUSTOMERS),
    (3, "paper files, loans, transfers, destruction, notifications", V3_ARCHIVE),
    (4, "processing register, rights requests, legal hold, erasure", V4_RIGHTS),
    (5, "retention rules and runs; the audit log's oldest events may expire", V5_RETENTION),
    (6, "anomaly alerts; remembered import mappings", V6_OVERSIGHT),
    (7, "indexes for the monthly reports", V7_REPORT_INDEXES),
    (8, "case counts by month, state and kind from indexes alone (dashboard, case report)",
     V8_CASES_BY_MONTH),
    (9, "prepared copies held until a manager has viewed and released them", V9_HELD_COPIES),
    (10, "audit events signed by the acting account's own key", V10_SIGNED_AUDIT),
    (11, "phone and service number tails (last 4 digits) for search", V11_PHONE_TAILS),
    (12, "search tokens for customer fields sealed under role keys", V12_SEARCH_TOKENS),
    (13, "row versions: a save made on a stale copy of a record is refused", V13_ROW_VERSIONS),
    (14, "the branch's compliance file: breaches, impact assessments, partners and "
         "disclosures, staff agreements and training, permission reviews, backup evidence",
     V14_COMPLIANCE),
]

LATEST = MIGRATIONS[-1][0]


def statements(script: str) -> list[str]:
    """Split a script into statements; trigger bodies keep their inner semicolons."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and (not text.upper().startswith("CREATE TRIGGER")
                                   or text.upper().endswith("END;")):
            out.append(text)
            current = []
    if current and "\n".join(current).strip():
        out.append("\n".join(current).strip())
    return out
