"""The reviewers' queue (a proxy of SectionRevision), visible to editors and reviewers."""
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_queue(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the historical models, not today's
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="briefings", codename="view_reviewqueueentry")
    for group in Group.objects.filter(name__in=["editors", "reviewers"]):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0002_create_editorial_groups"),
        ("briefings", "0003_revision_release_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewQueueEntry",
            fields=[],
            options={
                "verbose_name": "審査待ちの版",
                "verbose_name_plural": "審査待ちの版",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("briefings.sectionrevision",),
        ),
        migrations.RunPython(grant_queue, migrations.RunPython.noop),
    ]
