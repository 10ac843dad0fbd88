"""PostgreSQL: the events a revision covers are frozen with the revision (see briefings 0008)."""
from django.db import migrations

SQL = r"""
CREATE TRIGGER events_revisionevent_frozen BEFORE INSERT OR UPDATE OR DELETE ON events_revisionevent
    FOR EACH ROW EXECUTE FUNCTION briefings_content_frozen();
"""
REVERSE = "DROP TRIGGER IF EXISTS events_revisionevent_frozen ON events_revisionevent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_stale_section_dashboard"),
        ("briefings", "0008_frozen_triggers"),
    ]

    operations = [migrations.RunPython(create, drop)]
