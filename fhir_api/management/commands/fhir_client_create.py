"""Register a system that may read FHIR: an OAuth2 client-credentials application and scopes.

Prints the client id and secret once (the secret is stored hashed and cannot be shown again).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from fhir_api.models import FhirClient
from fhir_api.scopes import ClientScopes


class Command(BaseCommand):
    help = "Create a FHIR client (OAuth2 client credentials) with its read scopes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="Who this client is, e.g. 'Clinic EHR'")
        parser.add_argument(
            "--scopes", default="system/*.read", help="Space-separated, e.g. system/Patient.read"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = ClientScopes().get_all_scopes()
        scopes = options["scopes"].split()
        unknown = [s for s in scopes if s not in known]
        if unknown or not scopes:
            raise CommandError(f"Unknown scope(s): {' '.join(unknown) or '(none)'}")
        secret = generate_client_secret()
        with transaction.atomic():
            application = Application.objects.create(
                name=options["name"],
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                client_secret=secret,
            )
            FhirClient.objects.create(application=application, scopes=" ".join(scopes))
        self.stdout.write(f"client_id={application.client_id}\nclient_secret={secret}\n")
