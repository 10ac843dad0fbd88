"""Release and ReleaseSection now belong to the ``releases`` app (state only; see releases 0001)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0004_review_queue"),
        ("releases", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ReleaseSection"),
                migrations.DeleteModel(name="Release"),
            ],
        ),
    ]
