# A curator's open votes, newest first, read without sorting all their votes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0002_prior_running_totals'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='vote',
            index=models.Index(fields=['curator', '-updated_at'], name='vote_curator_recent'),
        ),
    ]
