"""Give editors and reviewers their permissions on events."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["tag", "event", "eventsource", "eventlink", "revisionevent", "eventdismissal"]
EDITOR_WRITE = {"tag": ("add", "change"), "event": ("add", "change"), "eventsource": ("add", "change", "delete"),
                "eventlink": ("add", "change", "delete"), "revisionevent": ("add", "delete")}
REVIEWER_WRITE = {"eventdismissal": ("add", "change")}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)  # the historical models, not today's
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        return [Permission.objects.get(content_type__app_label="events", codename=f"{action}_{model}")
                for model, actions in pairs.items() for action in actions]

    view = perms({model: ("view",) for model in VIEW})
    for group in Group.objects.filter(name="editors"):
        group.permissions.add(*view, *perms(EDITOR_WRITE))
    for group in Group.objects.filter(name="reviewers"):
        group.permissions.add(*view, *perms(REVIEWER_WRITE))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("briefings", "0004_review_queue"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
