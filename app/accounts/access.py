"""Access to customer data: which accounts wait for it, and a manager's approval.

An administrator makes accounts and gives them roles, but holds no customer-data key, so
the new account's slot holds none either: it waits as "access pending". A manager, who
holds the keys, approves it, and the keys its roles read are sealed to its slot (its public
key: no password needed). Before anyone holds them (a new database has only its
administrator), the printed recovery code stands in for the manager: it holds every key.

A password reset by an administrator gives the account a new slot without keys, so it
waits again: an administrator who resets a clerk's password cannot read as that clerk.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app import audit
from app.accounts import attempts
from app.accounts.login import _roles_of, _throttle, _user_row
from app.errors import Conflict, LoginFailed, NotFound
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission, Role, domains_for
from app.security.session import Session
from app.store import keychecks, schema, sealing
from app.store.fields import DOMAINS, AccessPending, DomainKey, FieldKeys
from app.store.keyring import KeyRing

users_t = schema.user


@dataclass(frozen=True)
class PendingAccount:
    username: str
    display_name: str
    roles: frozenset[Role]
    missing: frozenset[str]  # domains its roles read that its slot does not hold


def _missing(ring: KeyRing, username: str, roles) -> frozenset[str]:
    return domains_for(roles) - ring.domains_of(username)


def _pending(session: Session) -> list[PendingAccount]:
    if not sealing.is_active(session.db):
        return []
    with session.db.read() as conn:
        ring = session.db.load_ring(conn)
        rows = conn.execute(select(users_t).where(users_t.c.disabled == 0)
                            .order_by(func.lower(users_t.c.username))).all()
        out = []
        for r in rows:
            roles = _roles_of(conn, r.id)
            missing = _missing(ring, r.username, roles)
            if missing and ring.slot_for(r.username) is not None:
                out.append(PendingAccount(r.username, r.display_name, roles, missing))
    return out


@requires(Permission.ACCESS_GRANT)
def pending_accounts(session: Session) -> list[PendingAccount]:
    """Accounts waiting for a manager to approve their access to customer data."""
    return _pending(session)


@requires(Permission.ACCOUNTS_MANAGE)
def pending_for_admin(session: Session) -> list[PendingAccount]:
    """The same list, for the administrator's account screen (who is still waiting)."""
    return _pending(session)


def _grant(session: Session, username: str, keys: FieldKeys, via: str) -> frozenset[str]:
    from app.compliance.staff import require_agreement

    require_agreement(session, username, via)  # agreements are never deleted: no race
    db = session.db
    with db.write() as conn:  # the write lock also serialises edits of the ring
        row = _user_row(conn, username)
        if row is None or row.disabled:
            raise NotFound(_("There is no active user named {user}.").format(user=username))
        ring = db.load_ring(conn)
        if ring.slot_for(row.username) is None or ring.is_disabled(row.username):
            raise NotFound(_("There is no active user named {user}.").format(user=username))
        roles = _roles_of(conn, row.id)
        if Role.ADMIN in roles:
            raise Conflict(_("{user} is an administrator: an administrator's account never "
                             "holds customer-data keys. Use a separate account for work with "
                             "customers.").format(user=row.username))
        if row.must_change_password:
            raise Conflict(_("{user} must first log in and choose their own password: the "
                             "keys are sealed to the password only they know.")
                           .format(user=row.username))
        wanted = domains_for(roles)
        missing = wanted - ring.domains_of(row.username)
        if not missing:
            raise Conflict(_("{user} already has access to the customer data their roles "
                             "read.").format(user=row.username))
        if missing - keys.domains:
            raise AccessPending(_("You do not hold the keys {user} needs; a manager must "
                                  "approve this account.").format(user=row.username))
        grants = [k for k in keys.held() if k.domain in wanted]
        audit.append(conn, db, actor=session.username, action="access.granted",
                     detail={"user": row.username, "domains": sorted(wanted), "via": via})
        db.save_ring(ring.with_grants(row.username, grants), conn)
    return wanted


@requires(Permission.ACCESS_GRANT)
def approve_access(session: Session, username: str) -> frozenset[str]:
    """Seal the keys of `username`'s roles to its slot, from this manager's own keys."""
    return _grant(session, username, session.db.fields, via="manager")


@requires(Permission.ACCOUNTS_MANAGE)
def approve_with_recovery(session: Session, username: str, code: str) -> frozenset[str]:
    """The first manager of a new database (nobody holds the keys yet): the recovery code,
    kept off the computer, approves instead. Throttled like a login."""
    db = session.db
    _throttle(db.path, attempts.RECOVERY)
    try:
        opened = db.load_ring().open_recovery(code)
    except LoginFailed:
        attempts.note_failure(db.path, attempts.RECOVERY)
        raise
    with db.read() as conn:  # only proven keys are passed on (store/keychecks.py)
        proven = keychecks.trusted(conn, db.db_id, opened.domain_keys)[0]
    keys = FieldKeys(proven, active=True)
    try:
        return _grant(session, username, keys, via="recovery code")
    finally:
        keys.wipe()


def grant_for_roles(ring: KeyRing, username: str, roles, keys: list[DomainKey]) -> KeyRing:
    """A ring where `username` holds the keys its roles read (from `keys`): for the upgrade
    of an older database and for accounts made by whoever holds the keys (the demo)."""
    if Role.ADMIN in {Role(r) for r in roles}:
        return ring  # administrators hold no customer-data key, even one who also serves
    wanted = domains_for(roles)
    return ring.with_grants(username, [k for k in keys if k.domain in wanted])


def drop_unneeded(ring: KeyRing, username: str, roles) -> KeyRing:
    """After a role change: the slot keeps only the keys its roles still read. (A copy of
    the old slot still opens them: rotate the keys to make such copies useless.)"""
    extra = ring.domains_of(username) - domains_for(roles)
    return ring.without_grants(username, extra) if extra else ring


def ensure_sealed(session: Session, progress=None) -> None:
    """At login: a database from before role keys gets them, and its pass runs (or goes on
    after being killed) when this account holds both keys. See store/sealing.py."""

    db = session.db
    if not sealing.ENABLED or sealing.is_done(db):
        return
    with db.rotation_lock():
        ring = db.load_ring()
        with db.read() as conn:
            recorded = keychecks.keys_recorded(conn)
            sealed_already = sealing.holds_sealed_values(conn)
        if recorded:
            worker = db.fields if db.fields.domains == frozenset(DOMAINS) else None
            made = None
        elif sealed_already:
            # Sealed values but no record of their keys: the record was removed. Making new
            # keys here would hand them to whoever logged in; refuse, on record.
            audit.record(db, actor=session.username, action="fields.keys_record_missing",
                         outcome="refused")
            return
        else:
            made = sealing.new_domain_keys()
            with db.write() as conn:
                # Grants left by a first attempt killed before it committed sealed nothing.
                for slot in ring.slots:
                    if slot.grants and slot.kind in ("user", "recovery"):
                        ring = ring.without_grants(slot.user if slot.kind == "user" else None)
                users = conn.execute(select(users_t).where(users_t.c.disabled == 0)).all()
                for u in users:  # they read all of it before: nobody gains anything
                    ring = grant_for_roles(ring, u.username, _roles_of(conn, u.id), made)
                ring = ring.with_grants(None, made)
                audit.append(conn, db, actor=session.username, action=keychecks.KEYS_MADE,
                             detail={"accounts": len(users),
                                     **keychecks.roots_detail(made, db.db_id)})
                keychecks.record_roots(conn, made, db.db_id)
                db.save_ring(ring, conn)
            worker = FieldKeys(made, active=True)
        if worker is None:
            return  # the next login of a counter clerk or a manager goes on
        sealing.seal_all(db, worker, progress)
        audit.record(db, actor=session.username, action="fields.sealed")
        if made is not None:
            worker.wipe()
            wanted = domains_for(session.roles)
            db.fields = FieldKeys([k for k in made if k.domain in wanted], active=True)
        db.fields.active = True
