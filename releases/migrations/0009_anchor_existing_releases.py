"""Index the sentences of releases frozen before anchors existed (artefact format 1).

Their anchors are derived from the frozen text with the function that freezes
format 2 (``releases.anchors``), so they are exactly what those releases' pages
show. Reads artefacts only; the artefacts themselves are not touched.
"""
import json

from django.db import migrations

from releases.anchors import document_anchors


def forwards(apps, schema_editor):
    Release = apps.get_model("releases", "Release")
    ReleaseArtefact = apps.get_model("releases", "ReleaseArtefact")
    ClaimAnchor = apps.get_model("releases", "ClaimAnchor")
    Section = apps.get_model("briefings", "Section")
    for release in Release.objects.order_by("briefing_id", "number"):
        artefact = ReleaseArtefact.objects.filter(release=release).first()
        if artefact is None:
            continue
        sections = dict(Section.objects.filter(briefing_id=release.briefing_id).values_list("key", "pk"))
        done = set(ClaimAnchor.objects.filter(briefing_id=release.briefing_id).values_list("revision_id", flat=True))
        rows = [
            ClaimAnchor(briefing_id=release.briefing_id, anchor=anchor, section_id=sections[key],
                        revision_id=revision_id, claim_id=claim_id)
            for key, revision_id, claim_id, anchor in document_anchors(json.loads(artefact.document)["snapshot"])
            if revision_id not in done
        ]
        ClaimAnchor.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("releases", "0008_claim_anchor_frozen_trigger")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
