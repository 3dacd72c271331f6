"""The failed-login note is hostile input, and it never keeps a mistyped password in clear."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app import accounts, clock
from app.accounts import attempts
from app.errors import LoginFailed, TooManyAttempts
from app.store import database

from .conftest import ADMIN_PW

SECRET = "Tr0ub4dor&3-typed-as-name"


def _note(db_path, entries) -> None:
    database.attempts_path(db_path).write_text(json.dumps(entries), "utf-8")


def _failed_actors(db_path) -> list[str]:
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            return conn.execute(text("SELECT actor FROM audit_event WHERE action = "
                                     "'login.failed' ORDER BY seq")).scalars().all()
    finally:
        accounts.logout(session)


@pytest.mark.parametrize("entries", [
    [{"at": "not a time", "username": "admin"}] * 5,
    [{"at": 17, "username": ["admin"]}, "x", None, [1, 2]],
    {"at": "2026-01-01T00:00:00Z", "username": "admin"},
    [{"at": "9999-12-31T23:59:59+14:00", "username": "admin"}] * 5,
])
def test_an_edited_note_never_makes_login_fail(db_path, entries):
    _note(db_path, entries)
    accounts.logout(accounts.login(db_path, "admin", ADMIN_PW))


def test_entries_from_the_future_set_no_delay(db_path):
    """Seen: five entries dated 2098 made the next try wait 72 years."""
    future = clock.stamp(clock.now_utc() + timedelta(days=365 * 72))
    _note(db_path, [{"at": future, "username": "admin"}] * 5)
    assert attempts.wait_seconds(db_path, "admin") == 0.0
    accounts.logout(accounts.login(db_path, "admin", ADMIN_PW))


def test_an_oversized_or_deeply_nested_note_is_ignored(db_path):
    database.attempts_path(db_path).write_text("[" * 200_000 + "]" * 200_000, "utf-8")
    assert attempts.read(db_path) == []
    _note(db_path, [{"at": clock.stamp(), "username": "admin"}] * 40_000)
    assert attempts.read(db_path) == []
    accounts.logout(accounts.login(db_path, "admin", ADMIN_PW))


def test_the_delay_is_capped_however_many_failures_are_noted(db_path):
    now = clock.now_utc()
    _note(db_path, [{"at": clock.stamp(now - timedelta(seconds=i)), "username": "admin"}
                    for i in range(900)])
    assert 0 < attempts.wait_seconds(db_path, "admin") <= attempts.MAX_DELAY_S
    with pytest.raises(TooManyAttempts) as caught:
        accounts.login(db_path, "admin", ADMIN_PW)
    assert caught.value.retry_after <= attempts.MAX_DELAY_S


def test_a_password_typed_as_the_username_is_not_kept_in_clear(db_path):
    for _i in range(3):
        with pytest.raises(LoginFailed):
            accounts.login(db_path, SECRET, "whatever")
    note = database.attempts_path(db_path).read_text("utf-8")
    assert SECRET not in note and SECRET.casefold() not in note
    assert "unknown user" in note and "#" not in note  # no fingerprint to test guesses on
    # Unknown names are counted together: the fourth try is delayed.
    with pytest.raises(TooManyAttempts):
        accounts.login(db_path, SECRET, "whatever")
    actors = _failed_actors(db_path)
    assert len(actors) == 3 and len(set(actors)) == 1
    assert actors[0] == "unknown user"


def test_a_known_username_is_still_named(db_path):
    with pytest.raises(LoginFailed):
        accounts.login(db_path, "Counter", "not-the-password")
    assert _failed_actors(db_path) == ["Counter"]


def test_a_clear_name_left_by_an_older_note_is_hidden_on_its_way_to_the_log(db_path):
    _note(db_path, [{"at": clock.stamp(), "username": SECRET}])
    actors = _failed_actors(db_path)
    assert actors == ["unknown user"]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=40) | st.sampled_from(["2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                              "0001-01-01T00:00:00", "admin", ""]),
    lambda inner: st.lists(inner, max_size=6)
    | st.dictionaries(st.sampled_from(["at", "username", "x"]), inner, max_size=3),
    max_leaves=30)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(note=_json, raw=st.binary(max_size=64))
def test_any_note_reads_without_error_and_bounds_the_delay(db_path, note, raw):
    path = database.attempts_path(db_path)
    for content in (json.dumps(note).encode(), raw):
        path.write_bytes(content)
        found = attempts.read(db_path)
        assert all(isinstance(a.at, str) and isinstance(a.username, str) for a in found)
        assert 0.0 <= attempts.wait_seconds(db_path, "admin") <= attempts.MAX_DELAY_S


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
