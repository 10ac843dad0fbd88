"""Every source with a URL has a health record (unchecked until its first check)."""
from django.db import migrations


def create(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    LinkHealth = apps.get_model("sources", "LinkHealth")
    missing = Source.objects.exclude(url="").filter(link_health__isnull=True)
    LinkHealth.objects.bulk_create(LinkHealth(source=source, status="unchecked") for source in missing)


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_link_health")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
