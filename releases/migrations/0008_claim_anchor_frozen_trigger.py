"""PostgreSQL keeps sentence anchors append-only, like the other release rows (``0005_frozen_triggers``)."""
from django.db import migrations

SQL = r"""
CREATE TRIGGER releases_claimanchor_append_only BEFORE UPDATE OR DELETE ON releases_claimanchor
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
"""
REVERSE = "DROP TRIGGER IF EXISTS releases_claimanchor_append_only ON releases_claimanchor;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("releases", "0007_claim_anchors")]

    operations = [migrations.RunPython(create, drop)]
