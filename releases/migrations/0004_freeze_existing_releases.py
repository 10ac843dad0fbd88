"""Freeze the releases that exist: artefact, digest, rendering, manifest history, source visibility.

Each release is frozen from the rows it was assembled from, exactly as its
pages and snapshot showed them before this migration, with the historical
models of this point in the migration graph (the content assembly and the
document builder take model instances, not the live classes).
"""
from django.db import migrations
from django.utils import timezone

from briefings.selectors.content import ContentModels, assemble
from releases.services.freezing import build_document, canonical_json, digest_of
from releases.services.rendering import RENDER_VERSION, render_content_html, render_page_meta, render_snapshot_json


def forwards(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    ReleaseSection = apps.get_model("releases", "ReleaseSection")
    Source = apps.get_model("sources", "Source")
    models = ContentModels(
        claim=apps.get_model("briefings", "Claim"),
        footnote=apps.get_model("briefings", "Footnote"),
        reference=apps.get_model("briefings", "FootnoteReference"),
        citation=apps.get_model("briefings", "Citation"),
    )
    previous_by_briefing = {}
    for release in Release.objects.select_related("briefing").order_by("briefing_id", "number"):
        entries = list(
            ReleaseSection.objects.filter(release=release).select_related("section__parent", "revision").order_by("position")
        )
        content = assemble([(e.section, e.revision) for e in entries], dict(release.footnote_numbers), models=models)
        before = previous_by_briefing.get(release.briefing_id, {})
        labels = {section.key: section.label for section in content.sections}
        sections = []
        for entry in entries:
            changed = before.get(entry.section_id) != entry.revision_id
            entry_label = labels.get(entry.section.key) or entry.revision.number
            summary = entry.revision.change_summary if changed else ""
            ReleaseSection.objects.filter(pk=entry.pk).update(
                label=entry_label, information_as_of=entry.revision.information_as_of, change_summary=summary,
                changed=changed,
            )
            sections.append({"key": entry.section.key, "label": entry_label, "changed": changed, "change_summary": summary})
        previous_by_briefing[release.briefing_id] = {e.section_id: e.revision_id for e in entries}
        source_ids = sorted({c.source.id for note in content.footnotes for c in note.citations})
        document = build_document(
            briefing=release.briefing, release=release, content=content, sections=sections,
            sources=Source.objects.in_bulk(source_ids),
            path=f"/briefings/{release.briefing.slug}/releases/{release.number}/",
        )
        _store(apps, release, document)
        Source.objects.filter(pk__in=source_ids, published_at__isnull=True).update(
            published_at=release.published_at, frozen_at=release.published_at
        )
    _publish_event_sources(apps)
    _freeze_sources_in_review(apps)


def _store(apps, release, document):
    text = canonical_json(document)
    digest = digest_of(text)
    apps.get_model("releases", "ReleaseArtefact").objects.create(
        release=release, format=document["format"], document=text, digest=digest
    )
    apps.get_model("releases", "ReleaseRendering").objects.create(
        release=release, version=RENDER_VERSION, digest=digest,
        snapshot_json=render_snapshot_json(document, digest), content_html=render_content_html(document),
        page_meta=render_page_meta(document, digest),
    )


def _freeze_sources_in_review(apps):
    """Sources cited by revisions beyond draft keep their bibliographic fields from now on."""
    Citation = apps.get_model("briefings", "Citation")
    Source = apps.get_model("sources", "Source")
    cited = Citation.objects.exclude(footnote__revision__status="draft").values_list("source_id", flat=True)
    Source.objects.filter(pk__in=cited, frozen_at__isnull=True).update(frozen_at=timezone.now())


def _publish_event_sources(apps):
    """Sources of recorded events are public from the event's recording."""
    EventSource = apps.get_model("events", "EventSource")
    Source = apps.get_model("sources", "Source")
    for source_id, recorded in EventSource.objects.values_list("source_id", "event__created_at"):
        Source.objects.filter(pk=source_id, published_at__isnull=True).update(published_at=recorded, frozen_at=recorded)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0003_frozen_artefacts"),
        ("briefings", "0007_contributors_from_authors"),
        ("sources", "0004_source_publication_and_versions"),
        ("events", "0003_stale_section_dashboard"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
