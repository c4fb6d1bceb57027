# The review queue's next item: a partial index on the work in review, in the
# queue's own order, so the query walks it and stops at the first row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('art_tasks', '0003_gallery_order_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='submission',
            name='review_queue',
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(models.Case(models.When(review_extended_at__isnull=False, then=models.Value(0)), default=models.Value(1), output_field=models.IntegerField()), models.F('vote_count'), models.F('created_at'), models.F('id'), condition=models.Q(('state', 'in_review')), name='review_queue_next'),
        ),
    ]
