"""Referral moves to the intake app (the episode owns it): state only, the table stays.

intake's 0005_referral_from_referrals takes the model over under the same table
(`referrals_referral`), constraint and index names, so the database is not touched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_booking"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Referral")],
            database_operations=[],
        ),
    ]
