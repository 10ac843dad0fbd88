"""Release and ReleaseSection move from ``briefings`` to ``releases``: state only, the tables stay."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("briefings", "0004_review_queue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Release",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.PositiveIntegerField(verbose_name="版番号")),
                        ("kind", models.CharField(choices=[("update", "更新"), ("correction", "訂正")], default="update", max_length=16, verbose_name="種別")),
                        ("published_at", models.DateTimeField(verbose_name="公開日時")),
                        ("information_as_of", models.DateField(verbose_name="情報の基準日")),
                        ("summary", models.TextField(blank=True, verbose_name="概要")),
                        ("footnote_numbers", models.JSONField(default=dict, editable=False, help_text="脚注キー → 公開時に確定した番号", verbose_name="脚注番号")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="作成日時")),
                        ("briefing", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="releases", to="briefings.briefing", verbose_name="ブリーフィング")),
                        ("published_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="releases", to=settings.AUTH_USER_MODEL, verbose_name="公開者")),
                    ],
                    options={
                        "verbose_name": "公開版",
                        "verbose_name_plural": "公開版",
                        "ordering": ("briefing", "-number"),
                        "db_table": "briefings_release",
                        "indexes": [models.Index(models.F("briefing"), models.OrderBy(models.F("published_at"), descending=True), models.OrderBy(models.F("number"), descending=True), name="release_as_of")],
                        "constraints": [
                            models.UniqueConstraint(fields=("briefing", "number"), name="release_unique_number"),
                            models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="release_number_positive"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReleaseSection",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveIntegerField(verbose_name="順序")),
                        ("release", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="entries", to="releases.release", verbose_name="公開版")),
                        ("section", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="release_entries", to="briefings.section", verbose_name="節")),
                        ("revision", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="release_entries", to="briefings.sectionrevision", verbose_name="版")),
                    ],
                    options={
                        "verbose_name": "公開版の節",
                        "verbose_name_plural": "公開版の節",
                        "ordering": ("release", "position"),
                        "db_table": "briefings_releasesection",
                        "constraints": [
                            models.UniqueConstraint(fields=("release", "section"), name="release_section_unique"),
                            models.UniqueConstraint(fields=("release", "position"), name="release_position_unique"),
                        ],
                    },
                ),
            ],
        ),
    ]
