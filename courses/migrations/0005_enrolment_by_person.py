from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('courses', '0004_enrolment_cycle')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Enrolment',
            index=Index(fields=['staff_id', 'completed_at']),
        ),
    ]
