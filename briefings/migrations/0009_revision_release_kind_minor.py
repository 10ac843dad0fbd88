from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('briefings', '0008_frozen_triggers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='sectionrevision',
            name='release_kind',
            field=models.CharField(choices=[('update', '更新'), ('minor', '軽微な変更'), ('correction', '訂正')], default='update', help_text='更新は情報の基準日を進めて購読者に通知します。軽微な変更（誤字・リンク等）はどちらもしません。訂正は基準日を変えずに通知し、訂正として数えられます。', max_length=16, verbose_name='公開の種別'),
        ),
    ]
