"""Demo staff for `make run`: one clinician and one front-desk login, each in its role.

The superuser `staff` (seed_demo) sees everything; these two show what each role may do.
Idempotent; never run in production (seed_demo refuses).
"""

from io import TextIOBase

from django.contrib.auth import get_user_model

from dashboard.services import staff_groups_sync

DEMO_PASSWORD = "stride-demo-staff"  # noqa: S105 - demo only; seed_demo refuses in production
DEMO_STAFF = (
    # username, role (group), email
    ("clinician", "clinician", "clinician@clinic.example"),
    ("frontdesk", "front_desk", "frontdesk@clinic.example"),
)


def seed_demo(stdout: TextIOBase) -> None:
    groups = staff_groups_sync()
    user_model = get_user_model()
    for username, role, email in DEMO_STAFF:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[role])
    logins = ", ".join(f"{username} ({role})" for username, role, _ in DEMO_STAFF)
    stdout.write(f"Demo staff by role: {logins}, password {DEMO_PASSWORD}\n")
