from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0005_enrolment_by_person')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Assignment',
            index=Index(fields=['enrolment_id']),
        ),
    ]
