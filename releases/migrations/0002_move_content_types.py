"""Content types (and so the groups' permissions and admin log entries) follow the models to ``releases``."""
from django.db import migrations

MODELS = ("release", "releasesection")


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="releases", model=model).exists():
            ContentType.objects.filter(app_label="briefings", model=model).update(app_label="releases")


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="briefings", model=model).exists():
            ContentType.objects.filter(app_label="releases", model=model).update(app_label="briefings")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
        ("briefings", "0005_move_releases_to_releases_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
