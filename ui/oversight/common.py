"""Pieces the oversight screens share: ages of backups, local times to the second, the
audit-log column titles, a cancellable stop, and the way to another section's list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QWidget

from app import clock
from app.errors import CustosError
from app.i18n import _

RED = "#b3261e"
GREEN = "#1e6b34"
AMBER = "#8a5a00"


class Stopped(CustosError):
    """Cancel was pressed during an export; nothing was written."""


def seconds_text(stamp: str) -> str:
    """A stored UTC stamp as local time, to the second (the log is read event by event)."""
    try:
        return clock.parse_stamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return stamp or ""


def age_text(stamp: str, now: datetime | None = None) -> tuple[str, float | None]:
    """How long ago, for a person, and the age in days (None when it never happened)."""
    if not stamp:
        return _("never"), None
    try:
        moment = clock.parse_stamp(stamp)
    except ValueError:
        return stamp, None
    seconds = ((now or clock.now_utc()) - moment).total_seconds()
    days = seconds / 86400
    if seconds < 3600:
        return _("less than an hour ago"), days
    if seconds < 86400:
        return _("{hours} h ago").format(hours=int(seconds // 3600)), days
    return _("{days} d ago").format(days=int(days)), days


def last_month(today: date | None = None) -> date:
    """The first day of the month before this one (the usual report period)."""
    day = today or date.today()
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def log_headers() -> list[str]:
    return [_("No."), _("Time"), _("User"), _("Action"), _("Result"), _("Customer"),
            _("Purpose"), _("Details")]


# -- the way to another section --------------------------------------------------------

def workspace_of(widget: QWidget) -> QWidget | None:
    """The main window's workspace holding `widget`, if it sits in one."""
    parent = widget.parentWidget()
    while parent is not None:
        if callable(getattr(parent, "show_section", None)) and callable(
                getattr(parent, "keys", None)):
            return parent
        parent = parent.parentWidget()
    return None


def can_open(widget: QWidget, key: str) -> bool:
    workspace = workspace_of(widget)
    return workspace is not None and key in workspace.keys()


def open_section(widget: QWidget, key: str,
                 adjust: Callable[[QWidget], None] | None = None) -> QWidget | None:
    """Switch the workspace to section `key` and narrow its list; None when not reachable."""
    workspace = workspace_of(widget)
    if workspace is None or key not in workspace.keys():
        return None
    target = workspace.show_section(key)
    if adjust is not None:
        adjust(target)
    return target


def check(section: QWidget, name: str, on: bool) -> None:
    """Tick or untick a section's filter box, if it has one by that name."""
    box = getattr(section, name, None)
    if isinstance(box, QAbstractButton) and box.isChecked() != on:
        box.setChecked(on)


def choose(section: QWidget, group_name: str, button_id: int) -> None:
    """Choose a filter button of a section's button group, then let it list again."""
    group = getattr(section, group_name, None)
    if isinstance(group, QButtonGroup) and group.button(button_id) is not None:
        group.button(button_id).setChecked(True)
        refresh = getattr(section, "refresh", None)
        if callable(refresh):
            refresh()


def show_tab(section: QWidget, name: str) -> None:
    tabs, tab = getattr(section, "tabs", None), getattr(section, name, None)
    if tabs is not None and isinstance(tab, QWidget) and callable(
            getattr(tabs, "setCurrentWidget", None)):
        tabs.setCurrentWidget(tab)
