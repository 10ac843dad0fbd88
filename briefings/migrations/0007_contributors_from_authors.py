"""Every existing revision's author is its first contributor (four eyes applies to them)."""
from django.db import migrations


def forwards(apps, schema_editor):
    SectionRevision = apps.get_model("briefings", "SectionRevision")
    RevisionContributor = apps.get_model("briefings", "RevisionContributor")
    have = set(RevisionContributor.objects.values_list("revision_id", "user_id"))
    RevisionContributor.objects.bulk_create(
        RevisionContributor(revision_id=revision_id, user_id=author_id)
        for revision_id, author_id in SectionRevision.objects.exclude(author=None).values_list("pk", "author_id")
        if (revision_id, author_id) not in have
    )


class Migration(migrations.Migration):
    dependencies = [("briefings", "0006_revision_contributors")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
