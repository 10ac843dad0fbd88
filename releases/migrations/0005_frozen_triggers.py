"""PostgreSQL refuses any change to a release once written (see briefings 0008 for the content side).

Releases, their manifests and artefacts are append-only; a rendering can be
deleted (it is rendered again from the artefact) but never changed.
"""
from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION releases_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'frozen: % is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER releases_release_append_only BEFORE UPDATE OR DELETE ON releases_release
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER releases_releasesection_append_only BEFORE UPDATE OR DELETE ON releases_releasesection
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER releases_releaseartefact_append_only BEFORE UPDATE OR DELETE ON releases_releaseartefact
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER releases_releaserendering_unchanged BEFORE UPDATE ON releases_releaserendering
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS releases_releaserendering_unchanged ON releases_releaserendering;
DROP TRIGGER IF EXISTS releases_releaseartefact_append_only ON releases_releaseartefact;
DROP TRIGGER IF EXISTS releases_releasesection_append_only ON releases_releasesection;
DROP TRIGGER IF EXISTS releases_release_append_only ON releases_release;
DROP FUNCTION IF EXISTS releases_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)  # no placeholders: PL/pgSQL uses % itself


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("releases", "0004_freeze_existing_releases")]

    operations = [migrations.RunPython(create, drop)]
