"""Referral joins the episode: intake takes the model over from referrals, state only.

The table keeps its name (`referrals_referral`) and its constraint and index names, so no
SQL runs. The content type is renamed too, so the change history (django-auditlog) and any
permission on referrals keep pointing at the model.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor, *, old: str = "referrals", new: str = "intake"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="referral").exists():
        ContentType.objects.filter(app_label=old, model="referral").update(app_label=new)


def content_type_back(apps, schema_editor):
    content_type_move(apps, schema_editor, old="intake", new="referrals")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_opt_outs_to_suppressions"),
        # The table is created by referrals' own migrations; its state leaves there first.
        ("referrals", "0003_referral_moves_to_intake"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Referral",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("urgent", "Urgent warning signs"),
                                    ("not_improving", "Not improving at follow-up"),
                                    ("second_opinion", "Second opinion booked"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("in_progress", "In progress"),
                                    ("closed", "Closed"),
                                ],
                                default="open",
                                max_length=16,
                            ),
                        ),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "handled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "intake",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="referrals",
                                to="intake.intake",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "referrals_referral",
                        "indexes": [
                            models.Index(
                                fields=["reason", "status", "-created_at"],
                                name="referral_queue_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("intake", "reason"), name="referral_unique_reason"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_move, content_type_back, elidable=True),
    ]
