"""PostgreSQL keeps a published revision's public note as it was published (with the other publication fields).

Replaces ``briefings_revision_frozen()`` of ``0008_frozen_triggers`` with the
same rules plus ``release_note`` in the publication tuple; the reverse restores
the function of 0008.
"""
from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION briefings_revision_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN PERFORM briefings_refuse('revision ' || OLD.id || ' is ' || OLD.status); END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.section_id, NEW.base_id, NEW.number, NEW.heading, NEW.body, NEW.information_as_of, NEW.change_summary,
        NEW.release_kind, NEW.author_id
    ) IS DISTINCT FROM (
        OLD.section_id, OLD.base_id, OLD.number, OLD.heading, OLD.body, OLD.information_as_of, OLD.change_summary,
        OLD.release_kind, OLD.author_id
    ) THEN
        PERFORM briefings_refuse('content of revision ' || OLD.id || ' (' || OLD.status || ')');
    END IF;
    IF OLD.status IN ('published', 'superseded') AND (
        NEW.status NOT IN (OLD.status, 'superseded')
        OR (NEW.published_at, NEW.reviewed_by_id, NEW.reviewed_at, NEW.publish_at, NEW.submitted_at%(new)s)
           IS DISTINCT FROM
           (OLD.published_at, OLD.reviewed_by_id, OLD.reviewed_at, OLD.publish_at, OLD.submitted_at%(old)s)
    ) THEN
        PERFORM briefings_refuse('publication of revision ' || OLD.id);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        sql = FUNCTION % {"new": ", NEW.release_note", "old": ", OLD.release_note"}
        schema_editor.execute(sql, params=None)  # no placeholders: PL/pgSQL uses % itself


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION % {"new": "", "old": ""}, params=None)


class Migration(migrations.Migration):
    dependencies = [("briefings", "0010_revision_release_note")]

    operations = [migrations.RunPython(forwards, backwards)]
