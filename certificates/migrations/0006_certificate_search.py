from tortoise import migrations
from tortoise.migrations import operations as ops

from training.search import create_index


class Migration(migrations.Migration):
    dependencies = [('certificates', '0005_valid_certificates')]

    initial = False

    operations = [
        ops.RunPython(create_index("certificate", ("holder_name", "holder_registration_number"))),
    ]
