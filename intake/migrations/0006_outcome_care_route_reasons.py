"""Rules 2026.12.1: an outcome stores its care route and its assessment reasons.

Outcomes made under earlier rules are never re-scored: they keep a blank route and no reasons.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_referral_from_referrals"),
    ]

    operations = [
        migrations.AddField(
            model_name="triageoutcome",
            name="assessment_reasons",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="triageoutcome",
            name="care_route",
            field=models.CharField(
                blank=True,
                choices=[
                    ("emergency", "Emergency department now"),
                    ("same_day", "Seen today"),
                    ("within_48h", "Doctor within 1–2 days"),
                ],
                max_length=16,
            ),
        ),
    ]
