"""Create the ``editors`` and ``reviewers`` groups with their admin permissions."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    ("briefings", "briefing"),
    ("briefings", "section"),
    ("briefings", "sectionrevision"),
    ("briefings", "claim"),
    ("briefings", "footnote"),
    ("briefings", "footnotereference"),
    ("briefings", "citation"),
    ("briefings", "release"),
    ("briefings", "releasesection"),
    ("briefings", "revisiontransition"),
    ("sources", "source"),
]
EDITOR_WRITE = [
    ("briefings", "sectionrevision", ("add", "change")),
    ("briefings", "footnote", ("add", "change", "delete")),
    ("briefings", "citation", ("add", "change", "delete")),
    ("sources", "source", ("add", "change")),
]
REVIEWER_WRITE = [
    ("briefings", "sectionrevision", ("change",)),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the historical models, not today's
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(entries):
        found = []
        for app_label, model, actions in entries:
            for action in actions:
                found.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
        return found

    view = perms([(app, model, ("view",)) for app, model in VIEW_ALL])
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(*view, *perms(EDITOR_WRITE))
    reviewers, _ = Group.objects.get_or_create(name="reviewers")
    reviewers.permissions.add(*view, *perms(REVIEWER_WRITE))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editors", "reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
