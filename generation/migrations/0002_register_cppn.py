from django.db import migrations

# Keep in step with generation.cppn.STYLES; a test checks they agree.
STYLES = [
    "ink",
    "marble",
    "nebula",
    "neon",
    "riso",
    "stained-glass",
    "topographic",
    "watercolour",
]


def register(apps, schema_editor):
    GeneratorModel = apps.get_model("generation", "GeneratorModel")
    GeneratorModel.objects.update_or_create(
        name="cppn",
        version="1",
        defaults={
            "kind": "code",
            "description": "CPPN painter: a random network from pixel coordinates to colour.",
            "params": {"styles": STYLES},
        },
    )


class Migration(migrations.Migration):
    dependencies = [("generation", "0001_initial")]
    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
