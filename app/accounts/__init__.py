"""Accounts: creating a database, logging in and out, locking, users and their roles."""

from app.accounts.login import (
    DatabaseCreated,
    change_own_password,
    create_database,
    lock,
    login,
    logout,
    unlock,
)
from app.accounts.recovery import recover
from app.accounts.users import (
    UserInfo,
    add_user,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_roles,
)

__all__ = [
    "DatabaseCreated", "UserInfo", "add_user", "change_own_password", "create_database",
    "disable_user", "enable_user", "list_users", "lock", "login", "logout", "recover",
    "reset_password", "set_roles", "unlock",
]
