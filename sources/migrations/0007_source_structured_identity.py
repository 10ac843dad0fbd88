"""Recompute every ``Source.fingerprint`` from the structured fields (``sources.identity``).

The old fingerprint hashed the URL, or the kind and the citation text as written,
so that two spellings of one article (「2025.1.23」 and 「2025年1月23日」) were two
sources; the new one hashes the normalised fields, whatever the spelling.

Rows that now describe the same document are NOT merged. Published releases cite
each of them, and the frozen releases keep what a release cited exactly as it
stood; merging here would rewrite, behind the reviewers' back, what readers of
those releases see. Among current versions (the fingerprint is unique among
them), the oldest row (``created_at``, then ``pk``) gets the canonical
fingerprint, so new citations of the document find it; each newer one gets
``identity.kept_apart_fingerprint(canonical, pk)``: distinct, stable, and replaced
by the canonical one only if an editor changes its identity fields
(``source_update`` then refuses a duplicate with a 409). The rows kept apart are
logged as warnings; merging them is an editorial decision, taken through review.
Older versions (``is_current`` false) simply get their canonical fingerprint.

Only the ``fingerprint`` column is written. It is a lookup key, shown to no reader,
but briefings 0008's trigger guards it with the bibliographic fields of frozen
sources; on PostgreSQL the trigger is disabled for this migration's transaction
only (``ALTER TABLE … DISABLE TRIGGER`` is transactional: a failure re-enables it).

Reversing restores the old scheme (URL, else kind and citation), again keeping
colliding current rows apart.
"""
import hashlib
import logging

from django.db import migrations

from sources.identity import kept_apart_fingerprint, source_fingerprint  # the live definition: see the docstring

BATCH = 500
TRIGGER = "briefings_source_frozen"
logger = logging.getLogger("sources.migrations")


def structured(apps, schema_editor):
    _assign(apps, schema_editor, source_fingerprint)


def legacy(apps, schema_editor):
    def old_fingerprint(source):
        basis = f"url|{source.url}" if source.url else f"{source.kind}|{source.citation}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()

    _assign(apps, schema_editor, old_fingerprint)


def _assign(apps, schema_editor, compute):
    Source = apps.get_model("sources", "Source")
    rows = list(Source.objects.order_by("created_at", "pk"))
    owners: dict[str, int] = {}
    planned: dict[int, str] = {}
    for row in rows:
        canonical = compute(row)
        if not row.is_current:
            planned[row.pk] = canonical
        elif canonical in owners:
            planned[row.pk] = kept_apart_fingerprint(canonical, row.pk)
            logger.warning("source %s describes the same document as source %s; kept apart (not merged)",
                           row.pk, owners[canonical])
        else:
            owners[canonical] = row.pk
            planned[row.pk] = canonical
    changed = [row for row in rows if row.fingerprint != planned[row.pk]]
    guarded = _has_trigger(schema_editor)
    if guarded:
        # Deferred checks still pending in this transaction would forbid the ALTER TABLE: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE sources_source DISABLE TRIGGER {TRIGGER}")
    # Two passes: a row's new fingerprint may still be another current row's old one.
    for row in changed:
        row.fingerprint = f"migrating-{row.pk}"
    Source.objects.bulk_update(changed, ["fingerprint"], batch_size=BATCH)
    for row in changed:
        row.fingerprint = planned[row.pk]
    Source.objects.bulk_update(changed, ["fingerprint"], batch_size=BATCH)
    if guarded:
        schema_editor.execute(f"ALTER TABLE sources_source ENABLE TRIGGER {TRIGGER}")


def _has_trigger(schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = 'sources_source'::regclass", [TRIGGER]
        )
        return cursor.fetchone() is not None


class Migration(migrations.Migration):
    dependencies = [("sources", "0006_source_citation_from_fields")]
    operations = [migrations.RunPython(structured, legacy)]
