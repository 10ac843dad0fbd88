from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('briefings', '0009_revision_release_kind_minor'),
    ]

    operations = [
        migrations.AddField(
            model_name='sectionrevision',
            name='release_note',
            field=models.TextField(blank=True, help_text='承認時に審査者が書く（確認する）読者向けの注記。変更の概要から下書きされます。', verbose_name='公開版の注記'),
        ),
    ]
