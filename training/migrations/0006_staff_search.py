from tortoise import migrations
from tortoise.migrations import operations as ops

from training.search import create_index


class Migration(migrations.Migration):
    dependencies = [('training', '0005_staff_by_agency')]

    initial = False

    operations = [
        ops.RunPython(
            create_index("staff", ("full_name", "email", "registration_number", "job_title"))
        ),
    ]
