"""What every staff page shares: the audit row of a request, and the capability flags
the templates show or hide by.
"""

from typing import Any

from django.http import HttpRequest

from clinic.http import client_ip
from dashboard import access, services
from dashboard.access import user_can


def audit(request: HttpRequest, action: str, **target: Any) -> None:
    services.audit_record(
        actor=request.user, action=action, ip_address=client_ip(request), **target
    )


def capabilities(user: Any) -> dict[str, bool]:
    """What the templates may show: one flag per capability (from the cached permission set)."""
    names = {
        "clinical": access.CLINICAL,
        "contact_details": access.CONTACT_DETAILS,
        "acknowledge": access.ACKNOWLEDGE,
        "contact": access.CONTACT,
        "note": access.NOTE,
        "override": access.OVERRIDE,
        "close_referral": access.CLOSE_REFERRAL,
        "bookings": access.BOOKINGS,
        "message_log": access.MESSAGE_LOG,
        "resend": access.RESEND,
    }
    return {flag: user_can(user, capability) for flag, capability in names.items()}
