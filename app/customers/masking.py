"""What each role sees of a customer: masked by default for everyone, names only for archive.

Masks are applied here, in app/, so the GUI, the CLI, exports and the audit log show the same.
"""

from __future__ import annotations

from app.customers import idnumbers
from app.customers.phones import mask_phone
from app.security.roles import Permission
from app.security.session import Session


def mask_email(email: str | None) -> str:
    if not email:
        return ""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def region(province: str, city: str, district: str) -> str:
    # Municipalities are their own city: "北京市北京市" would read as a typo.
    return province + ("" if city == province else city) + district


def mask_address(province: str, city: str, district: str, street: str) -> str:
    """Down to the district; the street stays hidden."""
    head = region(province, city, district)
    return f"{head}****" if street else head


def full_address(province: str, city: str, district: str, street: str) -> str:
    return region(province, city, district) + street


def names_only(session: Session) -> bool:
    """Archive clerks find customers by name and number, and see nothing more."""
    return not session.can(Permission.CUSTOMER_OPEN)


def mask_id(number: str, id_type: str) -> str:
    return idnumbers.mask_id_number(number, id_type)


masked_birth_date = idnumbers.masked_birth_date
birth_date_in = idnumbers.birth_date_in


def mask_query(text: str) -> str:
    """A search query as it may stand in the audit log: its shape, not its value."""
    if len(text) <= 2:
        return "*" * len(text)
    return text[:1] + "*" * (len(text) - 2) + text[-1:]


__all__ = ["birth_date_in", "full_address", "mask_address", "mask_email", "mask_id",
           "mask_phone", "mask_query", "masked_birth_date", "names_only", "region"]
