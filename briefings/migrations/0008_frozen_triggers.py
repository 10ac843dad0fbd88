"""PostgreSQL refuses writes that would change published history, whatever code path sends them.

The model layer refuses the same writes first (``briefings.models``); these
triggers are the wall behind it: a raw ``UPDATE``, a ``QuerySet.update`` on a
forgotten path or a database console cannot rewrite what readers were shown.

* a revision that left the draft state keeps its content; a published one keeps
  how it was published and can only become superseded; none is deleted;
* claims, footnotes, their references and citations, and contributors change
  only while their revision is a draft;
* a source cited by a revision beyond draft, or already public, keeps its
  bibliographic fields (an edit makes a new version instead);
* the audit trail is append-only.

Other databases (SQLite for the first run) rely on the model layer.
"""
from django.db import migrations


SQL = r"""
CREATE OR REPLACE FUNCTION briefings_refuse(message text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION 'frozen: %', message USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

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
        OR (NEW.published_at, NEW.reviewed_by_id, NEW.reviewed_at, NEW.publish_at, NEW.submitted_at)
           IS DISTINCT FROM (OLD.published_at, OLD.reviewed_by_id, OLD.reviewed_at, OLD.publish_at, OLD.submitted_at)
    ) THEN
        PERFORM briefings_refuse('publication of revision ' || OLD.id);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_revision_frozen BEFORE UPDATE OR DELETE ON briefings_sectionrevision
    FOR EACH ROW EXECUTE FUNCTION briefings_revision_frozen();

CREATE OR REPLACE FUNCTION briefings_revision_is_draft(revision bigint) RETURNS boolean AS $$
    SELECT COALESCE((SELECT status = 'draft' FROM briefings_sectionrevision WHERE id = revision), true)
$$ LANGUAGE sql STABLE;

-- A restore (manage.py restore_backup) loads published rows into empty tables: it sets
-- briefings.restoring for its own transaction, which lets INSERTs through (never UPDATE or DELETE).
CREATE OR REPLACE FUNCTION briefings_restoring() RETURNS boolean AS $$
    SELECT COALESCE(current_setting('briefings.restoring', true), '') = 'on'
$$ LANGUAGE sql STABLE;

-- claims, footnotes, contributors: the row names its revision
CREATE OR REPLACE FUNCTION briefings_content_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' AND briefings_restoring() THEN RETURN NEW; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT briefings_revision_is_draft(OLD.revision_id) THEN
        PERFORM briefings_refuse(TG_TABLE_NAME || ' of revision ' || OLD.revision_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT briefings_revision_is_draft(NEW.revision_id) THEN
        PERFORM briefings_refuse(TG_TABLE_NAME || ' of revision ' || NEW.revision_id);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_claim_frozen BEFORE INSERT OR UPDATE OR DELETE ON briefings_claim
    FOR EACH ROW EXECUTE FUNCTION briefings_content_frozen();
CREATE TRIGGER briefings_footnote_frozen BEFORE INSERT OR UPDATE OR DELETE ON briefings_footnote
    FOR EACH ROW EXECUTE FUNCTION briefings_content_frozen();
CREATE TRIGGER briefings_contributor_frozen BEFORE INSERT OR UPDATE OR DELETE ON briefings_revisioncontributor
    FOR EACH ROW EXECUTE FUNCTION briefings_content_frozen();

-- references (through their claim) and citations (through their footnote)
CREATE OR REPLACE FUNCTION briefings_reference_frozen() RETURNS trigger AS $$
DECLARE
    claim_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.claim_id ELSE NEW.claim_id END;
BEGIN
    IF TG_OP = 'INSERT' AND briefings_restoring() THEN RETURN NEW; END IF;
    IF NOT briefings_revision_is_draft((SELECT revision_id FROM briefings_claim WHERE id = claim_id))
       OR (TG_OP = 'UPDATE' AND NOT briefings_revision_is_draft((SELECT revision_id FROM briefings_claim WHERE id = OLD.claim_id))) THEN
        PERFORM briefings_refuse('footnote reference of claim ' || claim_id);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_reference_frozen BEFORE INSERT OR UPDATE OR DELETE ON briefings_footnotereference
    FOR EACH ROW EXECUTE FUNCTION briefings_reference_frozen();

CREATE OR REPLACE FUNCTION briefings_citation_frozen() RETURNS trigger AS $$
DECLARE
    footnote_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.footnote_id ELSE NEW.footnote_id END;
BEGIN
    IF TG_OP = 'INSERT' AND briefings_restoring() THEN RETURN NEW; END IF;
    IF NOT briefings_revision_is_draft((SELECT revision_id FROM briefings_footnote WHERE id = footnote_id))
       OR (TG_OP = 'UPDATE' AND NOT briefings_revision_is_draft((SELECT revision_id FROM briefings_footnote WHERE id = OLD.footnote_id))) THEN
        PERFORM briefings_refuse('citation of footnote ' || footnote_id);
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_citation_frozen BEFORE INSERT OR UPDATE OR DELETE ON briefings_citation
    FOR EACH ROW EXECUTE FUNCTION briefings_citation_frozen();

-- the audit trail
CREATE OR REPLACE FUNCTION briefings_append_only() RETURNS trigger AS $$
BEGIN
    PERFORM briefings_refuse(TG_TABLE_NAME || ' is append-only');
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_transition_append_only BEFORE UPDATE OR DELETE ON briefings_revisiontransition
    FOR EACH ROW EXECUTE FUNCTION briefings_append_only();

-- sources: bibliographic fields of a cited (beyond draft) or public source
CREATE OR REPLACE FUNCTION briefings_source_frozen() RETURNS trigger AS $$
BEGIN
    IF (
        NEW.kind, NEW.citation, NEW.title, NEW.container, NEW.volume, NEW.author, NEW.publisher, NEW.issued_on,
        NEW.issued_until, NEW.issued_precision, NEW.issued_text, NEW.url, NEW.accessed_on, NEW.pages, NEW.fingerprint
    ) IS DISTINCT FROM (
        OLD.kind, OLD.citation, OLD.title, OLD.container, OLD.volume, OLD.author, OLD.publisher, OLD.issued_on,
        OLD.issued_until, OLD.issued_precision, OLD.issued_text, OLD.url, OLD.accessed_on, OLD.pages, OLD.fingerprint
    ) AND (
        OLD.published_at IS NOT NULL OR EXISTS (
            SELECT 1 FROM briefings_citation c
            JOIN briefings_footnote f ON f.id = c.footnote_id
            JOIN briefings_sectionrevision r ON r.id = f.revision_id
            WHERE c.source_id = OLD.id AND r.status <> 'draft'
        )
    ) THEN
        PERFORM briefings_refuse('bibliographic fields of source ' || OLD.id || ' (cited by a release or in review)');
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER briefings_source_frozen BEFORE UPDATE ON sources_source
    FOR EACH ROW EXECUTE FUNCTION briefings_source_frozen();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS briefings_source_frozen ON sources_source;
DROP TRIGGER IF EXISTS briefings_transition_append_only ON briefings_revisiontransition;
DROP TRIGGER IF EXISTS briefings_citation_frozen ON briefings_citation;
DROP TRIGGER IF EXISTS briefings_reference_frozen ON briefings_footnotereference;
DROP TRIGGER IF EXISTS briefings_contributor_frozen ON briefings_revisioncontributor;
DROP TRIGGER IF EXISTS briefings_footnote_frozen ON briefings_footnote;
DROP TRIGGER IF EXISTS briefings_claim_frozen ON briefings_claim;
DROP TRIGGER IF EXISTS briefings_revision_frozen ON briefings_sectionrevision;
DROP FUNCTION IF EXISTS briefings_source_frozen();
DROP FUNCTION IF EXISTS briefings_append_only();
DROP FUNCTION IF EXISTS briefings_citation_frozen();
DROP FUNCTION IF EXISTS briefings_reference_frozen();
DROP FUNCTION IF EXISTS briefings_content_frozen();
DROP FUNCTION IF EXISTS briefings_revision_is_draft(bigint);
DROP FUNCTION IF EXISTS briefings_restoring();
DROP FUNCTION IF EXISTS briefings_revision_frozen();
DROP FUNCTION IF EXISTS briefings_refuse(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)  # no placeholders: PL/pgSQL uses % itself


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0007_contributors_from_authors"),
        ("sources", "0004_source_publication_and_versions"),
        ("releases", "0004_freeze_existing_releases"),
    ]

    operations = [migrations.RunPython(create, drop)]
