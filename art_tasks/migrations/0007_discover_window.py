# "discover" now lays out only its first rounds (about twice
# ATELIER_DISCOVER_WINDOW works; gallery.services.layout_discover). Positions
# past those, left by the whole-gallery layout, are cleared once here, so the
# periodic job never has to clear a whole table's worth in one run.

from django.conf import settings
from django.db import migrations


def clear_positions_past_the_window(apps, schema_editor):
    Submission = apps.get_model("art_tasks", "Submission")
    keep = 2 * settings.ATELIER_DISCOVER_WINDOW
    Submission.objects.filter(discover_rank__gt=keep).update(discover_rank=None)


class Migration(migrations.Migration):

    dependencies = [
        ("art_tasks", "0006_task_submitted_count"),
    ]

    operations = [
        migrations.RunPython(clear_positions_past_the_window, migrations.RunPython.noop),
    ]
