"""Idempotent demo data for `make run`: a staff login, staff by role and bookable clinicians.

It lives in the staff app, the top layer, because it seeds every part: each part keeps its
own `demo.seed_demo(stdout)`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from dashboard import demo as dashboard_demo
from dashboard import demo_history
from referrals import demo as referrals_demo

DEMO_USERNAME = "staff"
DEMO_PASSWORD = "stride-demo-staff"  # noqa: S105 - demo only; seed_demo refuses in production


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the URL and a staff login."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            self.stderr.write("seed_demo does not run with DJANGO_ENV=production.")
            return
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "staff@clinic.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        # Staff by role first, then clinicians with bookable slots.
        for seed in (dashboard_demo.seed_demo, referrals_demo.seed_demo):
            seed(stdout=self.stdout)
        # Then a few weeks of history, so the triage quality page is meaningful.
        demo_history.seed_history(stdout=self.stdout)
        self.stdout.write(
            f"\nStride is at {settings.SITE_URL}/  (intake form: {settings.SITE_URL}/intake/)\n"
            f"Staff login: {DEMO_USERNAME} / {DEMO_PASSWORD}  at {settings.SITE_URL}/staff/"
            f" (dashboard) and {settings.SITE_URL}/admin/\n"
        )
