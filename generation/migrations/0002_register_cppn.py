from django.db import migrations


def register(apps, schema_editor):
    GeneratorModel = apps.get_model("generation", "GeneratorModel")
    GeneratorModel.objects.update_or_create(
        name="cppn",
        version="1",
        defaults={
            "kind": "code",
            "description": "CPPN painter: a random network from pixel coordinates to colour.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("generation", "0001_initial")]
    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
