"""The span of releases showing each sentence (``ClaimSpan``), computed for the releases published before it.

From the anchor index joined with the manifests: one aggregate per briefing.
From now on the publisher extends the spans with every release.
"""
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min


def forwards(apps, schema_editor):
    Briefing = apps.get_model("briefings", "Briefing")
    ClaimAnchor = apps.get_model("releases", "ClaimAnchor")
    ClaimSpan = apps.get_model("releases", "ClaimSpan")
    for briefing_id in Briefing.objects.order_by("pk").values_list("pk", flat=True):
        spans = (
            ClaimAnchor.objects.filter(briefing_id=briefing_id, revision__release_entries__isnull=False)
            .values("anchor")
            .annotate(
                first=Min("revision__release_entries__release__number"),
                last=Max("revision__release_entries__release__number"),
                count=Count("revision__release_entries__release", distinct=True),
            )
            .order_by("anchor")
        )
        ClaimSpan.objects.bulk_create(
            (ClaimSpan(briefing_id=briefing_id, anchor=span["anchor"], first=span["first"], last=span["last"],
                       count=span["count"]) for span in spans.iterator()),
            batch_size=1000,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('briefings', '0012_transition_content'),
        ('releases', '0011_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('anchor', models.CharField(max_length=16, verbose_name='アンカー')),
                ('first', models.PositiveIntegerField(verbose_name='最初の版')),
                ('last', models.PositiveIntegerField(verbose_name='最後の版')),
                ('count', models.PositiveIntegerField(verbose_name='版の数')),
                ('briefing', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='briefings.briefing', verbose_name='ブリーフィング')),
            ],
            options={
                'verbose_name': '文の掲載範囲',
                'verbose_name_plural': '文の掲載範囲',
                'constraints': [models.UniqueConstraint(fields=('briefing', 'anchor'), name='claim_span_once'), models.CheckConstraint(condition=models.Q(('count__gte', 1), ('first__gte', 1), ('last__gte', models.F('first'))), name='claim_span_consistent')],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
