"""Compliance-file fixtures: a few customers."""

from __future__ import annotations

import pytest

from app.security.roles import Role

from .people import add_customers


@pytest.fixture
def customers(login) -> list[tuple[str, str]]:
    """(customer number, name) of three customers."""
    return add_customers(login(Role.COUNTER), 3, 16)
