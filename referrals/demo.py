"""Demo clinicians for `make run`: two staff clinicians, weekday hours, slots to the horizon.

Idempotent: users, clinicians and hours are created once; slots are regenerated each run.
"""

from datetime import time
from io import TextIOBase

from django.contrib.auth import get_user_model

from referrals import services
from referrals.models import Clinician, WeeklyAvailability

TITLE = "Board Certified Orthopedic and Sports Medicine Clinical Specialist"
DEMO_CLINICIANS = (
    # username, display name, email, weekday hours (clinic time)
    ("dr.rivera", "Dr. Maya Rivera", "maya.rivera@clinic.example", ((9, 12), (13, 17))),
    ("dr.okafor", "Dr. Daniel Okafor", "daniel.okafor@clinic.example", ((10, 16),)),
)


def seed_demo(stdout: TextIOBase) -> None:
    user_model = get_user_model()
    for username, name, email, hours in DEMO_CLINICIANS:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        clinician, _ = Clinician.objects.get_or_create(
            user=user, defaults={"display_name": name, "title": TITLE}
        )
        if not clinician.weekly_hours.exists():
            WeeklyAvailability.objects.bulk_create(
                WeeklyAvailability(
                    clinician=clinician, weekday=day, starts=time(start), ends=time(end)
                )
                for day in range(5)
                for start, end in hours
            )
        changes = services.slot_generate(clinician=clinician)
        stdout.write(f"Clinician {name}: {changes.created} new slots.\n")
