"""Template tags for the intake page's appointments: each with its state and outcome link."""

from typing import Any

from django import template

from intake.models import Intake
from referrals.models import Appointment
from referrals.selectors import APPOINTMENT_STATE_LABELS, appointment_state

register = template.Library()


@register.inclusion_tag("dashboard/_appointment_states.html")
def appointment_states(intake: Intake, caps: dict[str, bool]) -> dict[str, Any]:
    """One query: the intake's appointments, newest first, with the one state selector's
    answer and, for clinicians, the link to record (or read) the outcome."""
    rows = (
        Appointment.objects.filter(intake=intake)
        .select_related("clinician", "outcome")
        .order_by("-starts_at")
    )
    return {
        "rows": [
            {"appointment": row, "state": state, "label": APPOINTMENT_STATE_LABELS[state]}
            for row, state in ((row, appointment_state(row)) for row in rows)
        ],
        "caps": caps,
    }


@register.inclusion_tag("dashboard/_earlier_episodes.html")
def earlier_episodes(intake: Intake, caps: dict[str, bool]) -> dict[str, Any]:
    """Staff only: the person's other episodes (matched on email or phone), one query."""
    from dashboard.episodes import earlier_episodes as episodes

    return {"intake": intake, "episodes": episodes(intake), "caps": caps}
