"""Rewrite ``Source.citation`` as the rendering of the source's fields, where the source may still change.

Until now ``citation`` held the text a note, an event file or an API client gave;
from now on it is a cache of ``sources.citations.format_citation``, kept by the
services. For every source of the paper the rendering is the text as written.

Only sources that are not frozen are rewritten. A frozen source (cited by a
revision beyond draft, or public: ``frozen_at`` or ``published_at`` set, as
briefings 0008 and releases 0004 define it) keeps the citation it was frozen
with, as it keeps every bibliographic field; a correction makes a new version,
rendered then. This is why the migration runs after those two.

A row whose fields name nothing (no title, container, author or publisher, as API
clients could create) first gets them, and an issued date it lacks, read from its
old text with ``sources.parsing.parse_citation`` (the whole text becomes the title
when no pattern matches), so that nothing it said is lost.

This data migration imports the live renderer and parser on purpose: a cache must
hold what the current code renders. Reversing it keeps the rendered text (a valid
display string; the old free text cannot be told apart from it any more).
"""
from django.db import migrations

from sources.citations import format_citation  # the live renderer and parser: see the docstring
from sources.parsing import parse_citation

BATCH = 500
FIELDS = ["citation", "title", "container", "author", "publisher", "volume", "issued_on", "issued_until",
          "issued_precision", "issued_text"]


def render(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    changed = []
    editable = Source.objects.filter(frozen_at__isnull=True, published_at__isnull=True).order_by("pk")
    for source in editable.iterator(chunk_size=BATCH):
        names = (source.title, source.container, source.author, source.publisher)
        text = source.citation.strip()
        filled = not any(value.strip() for value in names) and text and text != source.url.strip()
        if filled:
            found = parse_citation(text, kind=source.kind)
            source.title, source.container, source.author, source.publisher = (
                found.title[:500], found.container[:255], found.author[:255], found.publisher[:255],
            )
            if found.volume and not source.volume:
                source.volume = found.volume[:100]
            if found.issued and source.issued_on is None:
                issued = found.issued
                source.issued_on, source.issued_until = issued.start, issued.until
                source.issued_precision, source.issued_text = issued.precision, issued.text[:100]
        rendered = format_citation(source) or source.citation  # a row naming nothing keeps its text
        if filled or rendered != source.citation:
            source.citation = rendered
            changed.append(source)
    Source.objects.bulk_update(changed, FIELDS, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_source_structured_fields_help"),
        ("briefings", "0008_frozen_triggers"),  # after existing releases froze their sources (releases 0004)
    ]
    operations = [migrations.RunPython(render, migrations.RunPython.noop)]
