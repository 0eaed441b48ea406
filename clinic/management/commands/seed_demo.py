"""Idempotent demo data for `make run`: a staff login, and whatever each part seeds."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

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
        for seed in _seeders():
            seed(stdout=self.stdout)
        self.stdout.write(
            f"\nStride is at {settings.SITE_URL}/  (intake form: {settings.SITE_URL}/intake/)\n"
            f"Staff login: {DEMO_USERNAME} / {DEMO_PASSWORD}  at {settings.SITE_URL}/staff/"
            f" (dashboard) and {settings.SITE_URL}/admin/\n"
        )


def _seeders() -> list:
    """Each app that has demo data exposes `seed_demo(stdout)` in its `demo` module."""
    import importlib

    seeders = []
    for module_name in ("dashboard.demo", "referrals.demo", "intake.demo"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        seeders.append(module.seed_demo)
    return seeders
