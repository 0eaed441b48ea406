"""Create the staff groups `clinician` and `front_desk` with their dashboard capabilities.

Permissions are normally created after all migrations (post_migrate); they are created here
first so the groups can be given them in the same deploy. The capability lists are copied,
not imported, so this migration keeps meaning what it meant when it was written.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = [
    "use_dashboard",
    "view_contact_details",
    "mark_contacted",
    "manage_bookings",
    "view_message_log",
    "resend_message",
]
CLINICIAN = [
    *FRONT_DESK,
    "view_clinical",
    "acknowledge_alert",
    "write_note",
    "override_triage",
    "close_referral",
]


def groups_create(apps, schema_editor):
    app_config = apps.get_app_config("dashboard")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("front_desk", FRONT_DESK), ("clinician", CLINICIAN)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="dashboard",
                content_type__model="auditevent",
                codename__in=codenames,
            )
        )


def groups_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["front_desk", "clinician"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_remove)]
